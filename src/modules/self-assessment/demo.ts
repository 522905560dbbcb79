import type { Database } from '../../db/client.ts';
import { canFor } from '../../platform/can.ts';
import type { RequestContext } from '../../platform/context.ts';
import { addDays, todayInLondon } from '../../platform/dates.ts';
import type { DemoOrganisations } from '../../platform/modules.ts';
import { demoActingAs } from '../users/demo.ts';
import { addLink } from './evidence.ts';
import * as assessments from './service.ts';
import * as submissions from './submissions.ts';

/*
 * The demo's self-assessments, one in every state: the foundation trust meets most standards and its
 * assessment was accepted by the ICB; the community trust's, with gaps, was returned with comments;
 * the independent provider's is a draft with gaps and an overdue action.
 */

/**
 * The demo has an accountable lead at the foundation trust only; at the other providers the sign-off is
 * made by the demo loader in the name of an invented accountable lead, through the same service.
 */
function asAccountableLead(ctx: RequestContext, name: string): RequestContext {
  const user = {
    ...ctx.user,
    displayName: name,
    permissions: new Set([...ctx.user.permissions, 'assessment:sign-off' as const]),
  };
  return { ...ctx, user, can: canFor(user) };
}

type Plan = {
  /** The result for requirements no rule computes: all but every `gapEvery`th are met. */
  gapEvery: number;
  narrative: string;
  overrideReason?: string;
};

/** Answers every requirement a person must answer, writes the narrative and adds evidence and an action. */
async function fillIn(database: Database, ctx: RequestContext, id: string, plan: Plan, today: string): Promise<void> {
  const db = database.db;
  const version = await assessments.versionPage(db, ctx, id, today);
  let n = 0;
  for (const item of version.requirements) {
    const rid = item.requirement.id;
    if (item.isComputed) {
      if (item.computed?.result === 'not_met' && plan.overrideReason && n++ === 0) {
        await assessments.saveAnswer(db, ctx, id, rid, { override: 'partly_met', overrideReason: plan.overrideReason }, today);
      }
      continue;
    }
    n += 1;
    const gap = n % plan.gapEvery === 0;
    const result = gap ? (n % (plan.gapEvery * 2) === 0 ? 'not_met' : 'partly_met') : 'met';
    await assessments.saveAnswer(
      db,
      ctx,
      id,
      rid,
      { result, note: gap ? 'Being addressed in this year’s work programme.' : '' },
      today,
    );
    if (gap) {
      await assessments.addAction(db, ctx, id, rid, {
        description: `Close the gap on ${rid} and report progress to the safeguarding committee.`,
        owner: 'Head of safeguarding',
        dueOn: addDays(today, n % 3 === 0 ? -14 : 60),
      });
    }
  }
  const first = version.requirements[0]?.requirement.id;
  if (first) {
    await addLink(db, ctx, id, first, { title: 'Prevent policy register', href: '/policies' });
  }
  await assessments.saveNarrative(db, ctx, id, { narrative: plan.narrative });
}

export async function seedSelfAssessmentDemo(database: Database, orgs: DemoOrganisations): Promise<void> {
  const db = database.db;
  const today = todayInLondon();
  const org = (ods: string) => {
    const found = orgs.get(ods);
    if (!found) throw new Error(`demo organisation ${ods} missing`);
    return found.id;
  };
  const commissioner = await demoActingAs(database, 'commissioner@northshire-icb.example', org('QZZ'));

  // The foundation trust: meets most standards; signed off by its accountable lead, submitted and accepted.
  const director = await demoActingAs(database, 'director@northshire-ft.example', org('RZ1'));
  const ft = await assessments.startAssessment(db, director, today);
  await fillIn(
    database,
    director,
    ft.id,
    {
      gapEvery: 12,
      narrative:
        'Prevent is part of the trust’s safeguarding service. The Prevent leads report quarterly to the safeguarding committee and the board receives the annual report.',
      overrideReason: 'The records in the service lag behind: the committee minutes of last month show this in place.',
    },
    today,
  );
  await assessments.signOff(db, director, ft.id, today);
  await submissions.submit(db, director, ft.id);
  await submissions.decide(db, commissioner, ft.id, { decision: 'accept', comment: 'A thorough assessment. Thank you.' }, today);

  // The community trust: gaps; submitted and returned with comments.
  const dales = await demoActingAs(database, 'prevent.lead@dales-trust.example', org('RZ2'));
  const dalesDirector = asAccountableLead(dales, 'Dr Sasha Grant');
  const rz2 = await assessments.startAssessment(db, dales, today);
  await fillIn(
    database,
    dales,
    rz2.id,
    { gapEvery: 4, narrative: 'The trust is rebuilding its Prevent arrangements after a change of leads.' },
    today,
  );
  await assessments.signOff(db, dalesDirector, rz2.id, today);
  await submissions.submit(db, dales, rz2.id);
  const version = await assessments.versionPage(db, dales, rz2.id, today);
  const gaps = version.requirements.filter((r) => ['not_met', 'partly_met'].includes(r.resolved.result)).slice(0, 2);
  const comments = Object.fromEntries(
    gaps.map((r) => [`comment-${r.requirement.id}`, 'Say what is being done about this and by when, with the owner.']),
  );
  await submissions.decide(
    db,
    commissioner,
    rz2.id,
    { decision: 'return', comment: 'Please add action plans with owners and dates for the gaps, then resubmit.', ...comments },
    today,
  );

  // The independent provider: a draft with gaps and an overdue action.
  const harbour = await demoActingAs(database, 'prevent.lead@harbourside.example', org('NZ3'));
  const nz3 = await assessments.startAssessment(db, harbour, today);
  await fillIn(database, harbour, nz3.id, { gapEvery: 3, narrative: 'Draft: to be completed with the accountable lead.' }, today);
}
