import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextOf, newOrganisation, newUser, signedInAs } from '../../../test/factories.ts';
import { type TestApp, testApp, textOf } from '../../../test/harness.ts';
import { runDueJobs } from '../../../test/modules.ts';
import { fieldErrors } from '../../../test/refusals.ts';
import { withScope } from '../../db/tenancy.ts';
import type { RequestContext } from '../../platform/context.ts';
import { addDays, todayInLondon } from '../../platform/dates.ts';
import { ForbiddenError, InputError, NotFoundError } from '../../platform/errors.ts';
import * as leads from '../leads/service.ts';
import { selfAssessmentAttention } from './attention.ts';
import * as evidence from './evidence.ts';
import { overdueActionReminders } from './reminders.ts';
import { type Computed, financialYearOf, isOwnPath, resolve } from './results.ts';
import * as assessments from './service.ts';
import * as submissions from './submissions.ts';

const rows = async <T>(t: TestApp, query: ReturnType<typeof sql>) =>
  ((await t.database.db.execute(query)) as unknown as { rows: T[] }).rows;

// Two characters unique within the file's run, for the ODS codes and e-mails of each test's own organisations.
const alphabet = 'ABCDEFGHJKLMNPSTUVWX0123456789';
let counter = Math.floor(Math.random() * 200);
const suffix = () => {
  counter += 1;
  return `${alphabet[Math.floor(counter / alphabet.length) % alphabet.length]}${alphabet[counter % alphabet.length]}`;
};

type World = Awaited<ReturnType<typeof newWorld>>;

/** An ICB of its own with a provider it commissions, the provider's two Prevent leads and the ICB's commissioner lead. */
async function newWorld(t: TestApp) {
  const s = suffix();
  const icb = await newOrganisation(t.database, { odsCode: `Q${s}`, name: `Test ${s} ICB`, kind: 'icb' });
  const provider = await newOrganisation(t.database, {
    odsCode: `R${s}`,
    name: `Test ${s} NHS Trust`,
    kind: 'nhs_trust',
    commissionerOds: icb.odsCode,
  });
  const person = (role: 'operational_lead' | 'accountable_lead' | 'commissioner_lead', orgId: string) =>
    newUser(t.database, { email: `${role}.${s}@sa-test.example`, displayName: `${role} ${s}`, roles: [{ orgId, role }] });
  const leadUser = await person('operational_lead', provider.id);
  const directorUser = await person('accountable_lead', provider.id);
  const commissionerUser = await person('commissioner_lead', icb.id);
  return {
    icb,
    provider,
    leadUser,
    directorUser,
    commissionerUser,
    lead: await contextOf(t.database, leadUser),
    director: await contextOf(t.database, directorUser),
    commissioner: await contextOf(t.database, commissionerUser),
  };
}

/** Answers every requirement no rule computes as met, and writes the narrative. */
async function answerAll(t: TestApp, ctx: RequestContext, id: string) {
  const version = await assessments.versionPage(t.database.db, ctx, id);
  for (const r of version.requirements.filter((r) => !r.isComputed)) {
    await assessments.saveAnswer(t.database.db, ctx, id, r.requirement.id, { result: 'met' });
  }
  await assessments.saveNarrative(t.database.db, ctx, id, { narrative: 'How we meet the standards.' });
}

/** A started, fully answered and signed-off assessment of the world's provider. */
async function signedOff(t: TestApp, w: World) {
  const started = await assessments.startAssessment(t.database.db, w.lead);
  await answerAll(t, w.lead, started.id);
  await assessments.signOff(t.database.db, w.director, started.id);
  return started;
}

const notificationsOf = (t: TestApp, userId: string) =>
  rows<{ title: string; link: string }>(
    t,
    sql`select title, link from notifications where user_id = ${userId} order by created_at`,
  );

describe('results, worked by hand', () => {
  const computed = (result: Computed['result']): Computed => ({ result, reason: 'r', links: [] });
  const none = { result: null, reason: null, note: null, overrideResult: null, overrideReason: null };

  it('takes a computed result, a reasoned override of a computed not met, or else a person’s result', () => {
    expect(resolve(computed('met'), null)).toEqual({ result: 'met', source: 'computed' });
    expect(resolve(computed('not_met'), { ...none, overrideResult: 'met', overrideReason: 'why' })).toEqual({
      result: 'met',
      source: 'override',
    });
    // An override without its reason, or of anything but not met, does not count.
    expect(resolve(computed('not_met'), { ...none, overrideResult: 'met' })).toEqual({ result: 'not_met', source: 'computed' });
    expect(resolve(computed('partly_met'), { ...none, overrideResult: 'met', overrideReason: 'why' }).result).toBe('partly_met');
    // A rule that cannot assess leaves it to a person.
    expect(resolve(computed('not_assessed'), { ...none, result: 'not_applicable', reason: 'x' })).toEqual({
      result: 'not_applicable',
      source: 'person',
    });
    expect(resolve(null, null)).toEqual({ result: 'not_assessed', source: 'none' });
  });

  it('names the financial year from April and accepts only paths of its own as links', () => {
    expect(financialYearOf('2027-03-31')).toBe(2026);
    expect(financialYearOf('2027-04-01')).toBe(2027);
    expect(isOwnPath('/policies/abc')).toBe(true);
    expect(isOwnPath('//evil.example/x')).toBe(false);
    expect(isOwnPath('https://evil.example')).toBe(false);
    expect(isOwnPath('javascript:alert(1)')).toBe(false);
  });

  it('refuses an override of anything but a computed not met', () => {
    expect(() => assessments.answerFieldsFor(computed('met'), { override: 'partly_met', overrideReason: 'x' })).toThrow(
      InputError,
    );
  });
});

describe('the self-assessment', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(() => t.close());

  it('shows computed results from the records and leaves the rest to a person, who must say why one does not apply', async () => {
    const w = await newWorld(t);
    const db = t.database.db;
    const started = await assessments.startAssessment(db, w.lead);
    expect(started).toMatchObject({ version: 1, status: 'draft', year: financialYearOf(todayInLondon()) });
    // Starting again gives the same one.
    expect((await assessments.startAssessment(db, w.lead)).id).toBe(started.id);
    const version = await assessments.versionPage(db, w.lead, started.id);
    const computedOne = version.requirements.find((r) => r.isComputed);
    const personOne = version.requirements.find((r) => !r.isComputed);
    if (!computedOne || !personOne) throw new Error('the edition has both kinds of requirement');
    expect(computedOne.resolved.source).toBe('computed');
    expect(computedOne.computed?.reason).toBeTruthy();
    expect(personOne.resolved).toEqual({ result: 'not_assessed', source: 'none' });

    const rid = personOne.requirement.id;
    expect(await fieldErrors(assessments.saveAnswer(db, w.lead, started.id, rid, { result: 'not_applicable' }))).toHaveProperty(
      'reason',
    );
    expect(await fieldErrors(assessments.saveAnswer(db, w.lead, started.id, rid, {}))).toHaveProperty('result');
    expect((await rows(t, sql`select 1 from self_assessment_answers where assessment_id = ${started.id}`)).length).toBe(0);
    await assessments.saveAnswer(db, w.lead, started.id, rid, { result: 'not_applicable', reason: 'We run no such service.' });
    const after = (await assessments.versionPage(db, w.lead, started.id)).requirements.find((r) => r.requirement.id === rid);
    expect(after?.resolved).toEqual({ result: 'not_applicable', source: 'person' });
    expect(after?.answer?.reason).toBe('We run no such service.');
  });

  it('lets a person override a computed not met only with a reason, shown beside the result', async () => {
    const w = await newWorld(t);
    const db = t.database.db;
    const started = await assessments.startAssessment(db, w.lead);
    // A new trust has no accountable lead in post: that rule says not met.
    const notMet = (await assessments.versionPage(db, w.lead, started.id)).requirements.find(
      (r) => r.isComputed && r.computed?.result === 'not_met',
    );
    if (!notMet) throw new Error('a new trust has a computed not met');
    const rid = notMet.requirement.id;
    expect(await fieldErrors(assessments.saveAnswer(db, w.lead, started.id, rid, { override: 'met' }))).toHaveProperty(
      'overrideReason',
    );
    const reason = 'The director was appointed on Monday; the record is being added.';
    await assessments.saveAnswer(db, w.lead, started.id, rid, { override: 'met', overrideReason: reason, note: 'Checked.' });
    const item = (await assessments.versionPage(db, w.lead, started.id)).requirements.find((r) => r.requirement.id === rid);
    expect(item?.resolved).toEqual({ result: 'met', source: 'override' });

    const lead = await signedInAs(t.app, t.database, w.leadUser);
    const page = textOf((await lead.get('/assurance')).body);
    expect(page).toContain('Computed as not met; overridden by a person');
    expect(page).toContain(`Reason for the override ${reason}`);
    const form = await lead.post(`/assurance/${started.id}/requirements/${rid}`, { override: 'partly_met', overrideReason: '' });
    expect(form.statusCode).toBe(400);
    expect(textOf(form.body)).toContain('Give the reason for overriding the computed result');
  });

  it('is signed off by the accountable lead only, once complete, and is then frozen with that day’s computed results', async () => {
    const w = await newWorld(t);
    const db = t.database.db;
    const started = await assessments.startAssessment(db, w.lead);
    await expect(assessments.signOff(db, w.lead, started.id)).rejects.toBeInstanceOf(ForbiddenError);
    const problems = await fieldErrors(assessments.signOff(db, w.director, started.id));
    expect(problems).toHaveProperty('narrative');
    expect(Object.keys(problems).some((k) => k.startsWith('requirement-'))).toBe(true);
    expect((await assessments.versionPage(db, w.lead, started.id)).assessment.status).toBe('draft');

    await answerAll(t, w.lead, started.id);
    await assessments.signOff(db, w.director, started.id);
    const frozen = await assessments.versionPage(db, w.lead, started.id);
    expect(frozen.assessment).toMatchObject({
      status: 'signed_off',
      signedOffByName: `accountable_lead ${w.provider.odsCode.slice(1)}`,
    });
    const accountableRule = frozen.requirements.find((r) => r.requirement.rule === 'accountable-lead-in-post');
    expect(accountableRule?.computed?.result).toBe('not_met');

    // The records change afterwards: the frozen version keeps what it said that day.
    await leads.appoint(db, w.lead, {
      post: 'accountable',
      personName: 'Dr New Director',
      startsOn: addDays(todayInLondon(), -1),
    });
    const again = await assessments.versionPage(db, w.lead, started.id);
    expect(again.requirements.find((r) => r.requirement.rule === 'accountable-lead-in-post')?.computed?.result).toBe('not_met');
    const stored = await rows<{ n: number }>(
      t,
      sql`select count(*)::int as n from self_assessment_answers where assessment_id = ${started.id} and computed`,
    );
    expect(stored[0]?.n).toBeGreaterThan(0);

    const someone = frozen.requirements[0]?.requirement.id ?? '';
    expect(await fieldErrors(assessments.saveAnswer(db, w.lead, started.id, someone, { result: 'met' }))).toHaveProperty('form');
    expect(await fieldErrors(assessments.saveNarrative(db, w.lead, started.id, { narrative: 'changed' }))).toHaveProperty('form');
    // The database holds the freeze too, for anything that skips the service.
    for (const change of [
      sql`update self_assessment_answers set note = 'changed' where assessment_id = ${started.id}`,
      sql`delete from self_assessment_answers where assessment_id = ${started.id}`,
      sql`insert into self_assessment_evidence (org_id, assessment_id, requirement_id, kind, title, href, added_by_name)
          values (${w.provider.id}, ${started.id}, ${someone}, 'link', 'Late', '/policies', 'Someone')`,
      sql`update self_assessments set narrative = 'changed' where id = ${started.id}`,
      sql`update self_assessments set status = 'draft' where id = ${started.id}`,
    ]) {
      const refused = await db.execute(change).then(
        () => 'changed',
        (error: Error) => String((error.cause as Error | undefined)?.message ?? error.message),
      );
      expect(refused).toMatch(/a signed-off self-assessment cannot change/);
    }
    expect((await assessments.versionPage(db, w.lead, started.id)).assessment).toMatchObject({
      status: 'signed_off',
      narrative: 'How we meet the standards.',
    });
    const audited = await rows<{ action: string }>(
      t,
      sql`select action from audit_events where record_id = ${started.id} order by seq`,
    );
    expect(audited.map((a) => a.action)).toEqual(
      expect.arrayContaining(['self_assessment.started', 'self_assessment.signed_off']),
    );
  });

  it('starts a new version for later changes, carrying the person’s answers over; the older version stays readable', async () => {
    const w = await newWorld(t);
    const db = t.database.db;
    const first = await signedOff(t, w);
    const second = await assessments.newVersion(db, w.lead, first.id);
    expect(second).toMatchObject({ version: 2, status: 'draft', year: first.year, edition: first.edition });
    expect(await fieldErrors(assessments.newVersion(db, w.lead, first.id))).toHaveProperty('form');
    const v2 = await assessments.versionPage(db, w.lead, second.id);
    expect(v2.assessment.narrative).toBe('How we meet the standards.');
    expect(v2.counts.not_assessed).toBe(0);
    const v1 = await assessments.versionPage(db, w.lead, first.id);
    expect(v1.assessment.status).toBe('signed_off');
    const overview = await assessments.overview(db, w.lead);
    expect(overview.current?.assessment.id).toBe(second.id);
    expect(overview.versions.map((v) => v.version)).toEqual([2, 1]);
  });

  it('is submitted to the commissioning ICB, returned with comments, resubmitted and accepted, both sides told each time', async () => {
    const w = await newWorld(t);
    const db = t.database.db;
    const draft = await assessments.startAssessment(db, w.lead);
    expect(await fieldErrors(submissions.submit(db, w.lead, draft.id))).toHaveProperty('form');
    await answerAll(t, w.lead, draft.id);
    await assessments.signOff(db, w.director, draft.id);
    await submissions.submit(db, w.lead, draft.id);
    await runDueJobs(t.database);
    expect((await notificationsOf(t, w.commissionerUser.id)).map((n) => n.title)).toContain(
      `${w.provider.name}: self-assessment submitted`,
    );
    expect((await notificationsOf(t, w.directorUser.id)).map((n) => n.title)).toContain('Self-assessment submitted');

    const page = await submissions.submissionPage(db, w.commissioner, draft.id);
    const rid = page.version.requirements[0]?.requirement.id ?? '';
    expect(await fieldErrors(submissions.decide(db, w.commissioner, draft.id, { decision: 'return' }))).toHaveProperty('comment');
    await submissions.decide(db, w.commissioner, draft.id, {
      decision: 'return',
      comment: 'Add the action plans.',
      [`comment-${rid}`]: 'Which committee saw this?',
    });
    await runDueJobs(t.database);
    const told = await notificationsOf(t, w.leadUser.id);
    expect(told.map((n) => n.title)).toContain('Self-assessment returned with comments');
    expect(told.find((n) => n.title === 'Self-assessment returned with comments')?.link).toBe(`/assurance/${draft.id}`);

    const returned = await assessments.versionPage(db, w.lead, draft.id);
    expect(returned.assessment.status).toBe('returned');
    expect(returned.latestDecision?.comment).toBe('Add the action plans.');
    expect(returned.requirements[0]?.comment).toBe('Which committee saw this?');

    const second = await assessments.newVersion(db, w.lead, draft.id);
    // The comments stay in sight on the new draft.
    expect((await assessments.versionPage(db, w.lead, second.id)).requirements[0]?.comment).toBe('Which committee saw this?');
    await assessments.signOff(db, w.director, second.id);
    await submissions.submit(db, w.lead, second.id);
    await submissions.decide(db, w.commissioner, second.id, { decision: 'accept' });
    await runDueJobs(t.database);
    expect((await notificationsOf(t, w.leadUser.id)).map((n) => n.title)).toContain('Self-assessment accepted');
    expect((await notificationsOf(t, w.commissionerUser.id)).map((n) => n.title)).toContain(
      `${w.provider.name}: self-assessment accepted`,
    );

    const history = await submissions.historyPage(db, w.lead);
    expect(history.history.map((e) => `${e.event} ${e.version}`).reverse()).toEqual([
      'submitted 1',
      'returned 1',
      'submitted 2',
      'accepted 2',
    ]);
    expect(history.history.find((e) => e.event === 'returned')?.comments).toEqual([
      { requirementId: rid, comment: 'Which committee saw this?' },
    ]);
    const lead = await signedInAs(t.app, t.database, w.leadUser);
    const historyText = textOf((await lead.get('/assurance/history')).body);
    expect(historyText).toContain('Returned with comments');
    expect(historyText).toContain('Which committee saw this?');
    expect(
      await fieldErrors(submissions.decide(db, w.commissioner, second.id, { decision: 'return', comment: 'x' })),
    ).toHaveProperty('form');
  });

  it('refuses text that looks identifying wherever it would reach the other organisation, changing nothing', async () => {
    const w = await newWorld(t);
    const db = t.database.db;
    const started = await assessments.startAssessment(db, w.lead);
    const version = await assessments.versionPage(db, w.lead, started.id);
    const personal = version.requirements.find((r) => !r.isComputed)?.requirement.id ?? '';
    const identifying = 'As with Mrs Ahmed of 12 Acacia Avenue';
    expect(await fieldErrors(assessments.saveNarrative(db, w.lead, started.id, { narrative: identifying }))).toEqual({
      narrative: expect.stringMatching(/^The narrative holds what looks like an identifier: “Ahmed”, “12 Acacia Avenue”\./),
    });
    expect(
      await fieldErrors(
        assessments.saveAnswer(db, w.lead, started.id, personal, { result: 'not_applicable', reason: identifying }),
      ),
    ).toHaveProperty('reason', expect.stringContaining('The reason holds what looks like an identifier'));
    expect(
      await fieldErrors(
        assessments.addAction(db, w.lead, started.id, personal, {
          description: 'Ring 07700 900123',
          owner: 'Lead',
          dueOn: '2027-01-31',
        }),
      ),
    ).toHaveProperty('description', expect.stringContaining('“07700 900123”'));
    expect(
      await fieldErrors(evidence.addLink(db, w.lead, started.id, personal, { title: 'Letter to LS1 4AB', href: '/policies' })),
    ).toHaveProperty('title', expect.stringContaining('“LS1 4AB”'));
    const pdf = { filename: 'Referral for Mr Okafor.pdf', bytes: Buffer.from('%PDF-1.4\n% test\n'), truncated: false };
    expect(await fieldErrors(evidence.addFile(db, w.lead, started.id, personal, {}, pdf))).toHaveProperty(
      'document',
      expect.stringContaining('“Okafor”'),
    );
    const after = await assessments.versionPage(db, w.lead, started.id);
    expect(after.assessment.narrative).toBeNull();
    expect(after.requirements.flatMap((r) => [...r.evidence, ...r.actions])).toEqual([]);
    expect(after.requirements.find((r) => r.requirement.id === personal)?.answer).toBeNull();

    // Text written before this check (here straight into the table) is caught at sign-off.
    await answerAll(t, w.lead, started.id);
    await db.execute(sql`update self_assessments set narrative = ${identifying} where id = ${started.id}`);
    expect(await fieldErrors(assessments.signOff(db, w.director, started.id))).toHaveProperty(
      'narrative',
      expect.stringContaining('“Ahmed”'),
    );
    await assessments.saveNarrative(db, w.lead, started.id, { narrative: 'How we meet the standards.' });
    await assessments.signOff(db, w.director, started.id);
    await submissions.submit(db, w.lead, started.id);

    // The ICB's comments go the other way, to the provider: checked alike.
    const rid = version.requirements[0]?.requirement.id ?? '';
    expect(
      await fieldErrors(
        submissions.decide(db, w.commissioner, started.id, {
          decision: 'return',
          comment: 'See the note on Dr Khan',
          [`comment-${rid}`]: 'Who is 943 476 5919?',
        }),
      ),
    ).toEqual({
      comment: expect.stringContaining('The comment holds what looks like an identifier: “Khan”'),
      [`comment-${rid}`]: expect.stringContaining(`The comment on ${rid} holds what looks like an identifier: “943 476 5919”`),
    });
    expect((await assessments.versionPage(db, w.lead, started.id)).assessment.status).toBe('submitted');
  });

  it('puts on the home page the requirements not met, a returned assessment, and the submissions waiting for the ICB', async () => {
    const w = await newWorld(t);
    const db = t.database.db;
    const today = todayInLondon();
    // Before anything is started, nothing to say; to someone who neither keeps nor reviews it, not asked.
    expect(await selfAssessmentAttention(db, w.lead, today)).toEqual([]);
    const viewer = await newUser(t.database, {
      email: `viewer.${w.provider.odsCode}@sa-test.example`,
      displayName: 'Board viewer',
      roles: [{ orgId: w.provider.id, role: 'board_viewer' }],
    });
    expect(await selfAssessmentAttention(db, await contextOf(t.database, viewer), today)).toBeNull();

    const started = await signedOff(t, w);
    const notMet = (await assessments.versionPage(db, w.lead, started.id)).counts.not_met;
    expect(notMet).toBeGreaterThan(0); // a new trust has no leads, programme or policy: the rules say not met
    const href = `/assurance/${started.id}`;
    expect(await selfAssessmentAttention(db, w.lead, today)).toEqual([
      {
        text: `${notMet} requirements of the core standards not met in this year’s self-assessment`,
        href,
        urgency: 'due',
        count: notMet,
      },
    ]);

    await submissions.submit(db, w.lead, started.id);
    expect(await selfAssessmentAttention(db, w.commissioner, today)).toEqual([
      { text: '1 provider’s self-assessment to accept or return', href: '/assurance/submissions', urgency: 'new', count: 1 },
    ]);
    await submissions.decide(db, w.commissioner, started.id, { decision: 'return', comment: 'Add the action plans.' });
    expect(await selfAssessmentAttention(db, w.commissioner, today)).toEqual([]);
    const lines = (await selfAssessmentAttention(db, w.lead, today)) ?? [];
    expect(lines[0]).toEqual({
      text: `This year’s self-assessment was returned by the ICB: ${(await assessments.versionPage(db, w.lead, started.id)).label}`,
      href,
      urgency: 'due',
    });
    expect(lines).toHaveLength(2);
  });

  it('answers 404 for another organisation’s assessment, and lets an ICB see only its own providers’ submitted ones', async () => {
    const w = await newWorld(t);
    const other = await newWorld(t);
    const db = t.database.db;
    const started = await assessments.startAssessment(db, w.lead);
    const rid = (await assessments.versionPage(db, w.lead, started.id)).requirements[0]?.requirement.id ?? '';

    const otherLead = await signedInAs(t.app, t.database, other.leadUser);
    expect((await otherLead.get(`/assurance/${started.id}`)).statusCode).toBe(404);
    expect((await otherLead.get(`/assurance/${started.id}/requirements/${rid}`)).statusCode).toBe(404);
    expect((await otherLead.post(`/assurance/${started.id}/requirements/${rid}`, { result: 'met' })).statusCode).toBe(404);
    expect((await otherLead.post(`/assurance/${started.id}/narrative`, { narrative: 'x' })).statusCode).toBe(404);
    await expect(assessments.versionPage(db, other.lead, started.id)).rejects.toBeInstanceOf(NotFoundError);

    const ownIcb = await signedInAs(t.app, t.database, w.commissionerUser);
    const otherIcb = await signedInAs(t.app, t.database, other.commissionerUser);
    // A draft is the provider's own, even from its ICB.
    expect((await ownIcb.get(`/assurance/submissions/${started.id}`)).statusCode).toBe(404);
    await answerAll(t, w.lead, started.id);
    await assessments.signOff(db, w.director, started.id);
    expect((await ownIcb.get(`/assurance/submissions/${started.id}`)).statusCode).toBe(404);
    await submissions.submit(db, w.lead, started.id);
    const seen = await ownIcb.get(`/assurance/submissions/${started.id}`);
    expect(seen.statusCode).toBe(200);
    expect(textOf(seen.body)).toContain(w.provider.name);
    expect(textOf((await ownIcb.get('/assurance/submissions')).body)).toContain(w.provider.name);
    expect((await otherIcb.get(`/assurance/submissions/${started.id}`)).statusCode).toBe(404);
    expect((await otherIcb.post(`/assurance/submissions/${started.id}`, { decision: 'accept' })).statusCode).toBe(404);
    expect(textOf((await otherIcb.get('/assurance/submissions')).body)).not.toContain(w.provider.name);
    // The ICB's own self-assessment page is its own: a provider's id there is not found.
    expect((await ownIcb.get(`/assurance/${started.id}`)).statusCode).toBe(404);
  });

  it('holds row-level security: no other organisation reads a row, the ICB reads only what was submitted and changes nothing else', async () => {
    const w = await newWorld(t);
    const other = await newWorld(t);
    const db = t.database.db;
    const started = await assessments.startAssessment(db, w.lead);
    await answerAll(t, w.lead, started.id);
    const count = (orgId: string, table: 'self_assessments' | 'self_assessment_answers') =>
      withScope(db, { userId: null, orgIds: [orgId] }, async (tx) => {
        const result = (await tx.execute(
          table === 'self_assessments'
            ? sql`select count(*)::int as n from self_assessments where org_id = ${w.provider.id}`
            : sql`select count(*)::int as n from self_assessment_answers where org_id = ${w.provider.id}`,
        )) as unknown as { rows: { n: number }[] };
        return result.rows[0]?.n ?? 0;
      });
    expect(await count(w.provider.id, 'self_assessments')).toBe(1);
    expect(await count(w.provider.id, 'self_assessment_answers')).toBeGreaterThan(0);
    expect(await count(other.provider.id, 'self_assessments')).toBe(0);
    expect(await count(other.icb.id, 'self_assessment_answers')).toBe(0);
    expect(await count(w.icb.id, 'self_assessments')).toBe(0);
    expect(await count(w.icb.id, 'self_assessment_answers')).toBe(0);

    await assessments.signOff(db, w.director, started.id);
    await submissions.submit(db, w.lead, started.id);
    expect(await count(w.icb.id, 'self_assessments')).toBe(1);
    expect(await count(w.icb.id, 'self_assessment_answers')).toBeGreaterThan(0);
    expect(await count(other.icb.id, 'self_assessments')).toBe(0);

    // The ICB cannot rewrite the provider's narrative, nor its answers.
    const changed = await withScope(db, { userId: null, orgIds: [w.icb.id] }, async (tx) => {
      const a = (await tx.execute(
        sql`update self_assessments set narrative = 'rewritten' where id = ${started.id} returning id`,
      )) as unknown as { rows: unknown[] };
      const b = (await tx.execute(
        sql`update self_assessment_answers set note = 'rewritten' where assessment_id = ${started.id} returning id`,
      )) as unknown as { rows: unknown[] };
      return a.rows.length + b.rows.length;
    }).catch(() => 0);
    expect(changed).toBe(0);
    expect((await assessments.versionPage(db, w.lead, started.id)).assessment.narrative).toBe('How we meet the standards.');
  });

  it('keeps evidence: links to the service’s own records, and PDF or Word files checked by their content', async () => {
    const w = await newWorld(t);
    const db = t.database.db;
    const started = await assessments.startAssessment(db, w.lead);
    const rid = (await assessments.versionPage(db, w.lead, started.id)).requirements[0]?.requirement.id ?? '';
    expect(
      await fieldErrors(evidence.addLink(db, w.lead, started.id, rid, { title: 'Elsewhere', href: 'https://evil.example/' })),
    ).toHaveProperty('href');
    await evidence.addLink(db, w.lead, started.id, rid, { title: 'Our policy', href: '/policies' });
    const notAPdf = { filename: 'minutes.pdf', bytes: Buffer.from('just text'), truncated: false };
    expect(await fieldErrors(evidence.addFile(db, w.lead, started.id, rid, {}, notAPdf))).toEqual({
      document: 'The file must be a PDF or a Word document (.docx or .doc)',
    });
    const pdf = { filename: 'minutes.pdf', bytes: Buffer.from('%PDF-1.4\n% test\n'), truncated: false };
    await evidence.addFile(db, w.lead, started.id, rid, { fileTitle: 'Committee minutes' }, pdf);
    const item = (await assessments.versionPage(db, w.lead, started.id)).requirements[0];
    expect(item?.evidence.map((e) => `${e.kind} ${e.title}`)).toEqual(['link Our policy', 'file Committee minutes']);
    const file = item?.evidence.find((e) => e.kind === 'file');
    const lead = await signedInAs(t.app, t.database, w.leadUser);
    const download = await lead.get(`/assurance/${started.id}/evidence/${file?.id}`);
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('application/pdf');
    // The ICB reaches it only once the version is submitted.
    const icb = await signedInAs(t.app, t.database, w.commissionerUser);
    expect((await icb.get(`/assurance/submissions/${started.id}/evidence/${file?.id}`)).statusCode).toBe(404);
  });

  it('reminds the leads of an overdue action once, and marks it overdue', async () => {
    const w = await newWorld(t);
    const db = t.database.db;
    const started = await assessments.startAssessment(db, w.lead);
    const rid = (await assessments.versionPage(db, w.lead, started.id)).requirements[0]?.requirement.id ?? '';
    expect(
      await fieldErrors(
        assessments.addAction(db, w.lead, started.id, rid, { description: 'x', owner: 'y', dueOn: '2026-02-31' }),
      ),
    ).toHaveProperty('dueOn');
    const due = addDays(todayInLondon(), -3);
    await assessments.addAction(db, w.lead, started.id, rid, {
      description: 'Refresh the board paper',
      owner: 'Head of safeguarding',
      dueOn: due,
    });
    const item = (await assessments.versionPage(db, w.lead, started.id)).requirements[0];
    expect(item?.actions[0]).toMatchObject({ overdue: true, status: 'open' });
    const reminders = (await overdueActionReminders(t.database, todayInLondon())).filter((r) => r.orgId === w.provider.id);
    expect(reminders).toHaveLength(1);
    expect(reminders[0]?.key).toBe(`self-assessment-action-overdue:${item?.actions[0]?.id}:${due}`);
    await assessments.setActionStatus(db, w.lead, item?.actions[0]?.id ?? '', { status: 'done' });
    expect((await overdueActionReminders(t.database, todayInLondon())).filter((r) => r.orgId === w.provider.id)).toHaveLength(0);
  });
});
