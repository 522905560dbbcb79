import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextOf, newCase, newOrganisation, newUser, signedInAs } from '../../../test/factories.ts';
import { type TestApp, testApp, textOf } from '../../../test/harness.ts';
import { modules } from '../../app.ts';
import { addDays, addWorkingDays, spokenDate, todayInLondon } from '../../platform/dates.ts';
import type { Role } from '../../platform/permissions.ts';
import * as leads from '../leads/service.ts';
import { pdfDocument } from '../policies/demo.ts';
import * as policies from '../policies/service.ts';
import * as programme from '../programme/service.ts';
import * as risks from '../risks/service.ts';
import * as training from '../training/service.ts';
import { type AttentionItem, attentionFor, sortAttention } from './service.ts';

/** The "Needs attention" list as the page shows it: each line's tag, words and link, in order. */
function attentionOn(html: string): { urgency: string; text: string; href: string }[] {
  const list = /<ul class="nhsuk-list nhsuk-list--border app-attention">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '';
  return [...list.matchAll(/<strong class="nhsuk-tag[^"]*">([^<]*)<\/strong>\s*<a href="([^"]*)">([^<]*)<\/a>/g)].map((m) => ({
    urgency: textOf(m[1] ?? ''),
    href: (m[2] ?? '').replaceAll('&amp;', '&'),
    text: textOf(m[3] ?? ''),
  }));
}

describe('the home page', () => {
  let t: TestApp;
  const today = todayInLondon();
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(() => t.close());

  /** A trust of its own, commissioned by the demo ICB, with a person in each role given (e-mail role@ods.example). */
  async function aTrust(odsCode: string, roles: Role[]) {
    const org = await newOrganisation(t.database, {
      odsCode,
      name: `${odsCode} Test NHS Trust`,
      kind: 'nhs_trust',
      commissionerOds: 'QZZ',
    });
    const people = new Map<Role, { id: string; email: string }>();
    for (const role of roles) {
      people.set(
        role,
        await newUser(t.database, {
          email: `${role}@${odsCode.toLowerCase()}.example`,
          displayName: `${role} of ${odsCode}`,
          roles: [{ orgId: org.id, role }],
        }),
      );
    }
    const person = (role: Role) => {
      const found = people.get(role);
      if (!found) throw new Error(`no ${role} at ${odsCode}`);
      return found;
    };
    return {
      org,
      ctx: (role: Role) => contextOf(t.database, person(role), org.id),
      visitor: (role: Role) => signedInAs(t.app, t.database, person(role), org.id),
    };
  }

  const policyFile = (title: string) => ({ filename: `${title}.pdf`, bytes: pdfDocument(title), truncated: false });

  it('lists what needs doing on a known day, most urgent first, each line saying what and when and linking to where to act', async () => {
    const day = '2031-05-10';
    const trust = await aTrust('RH1', ['accountable_lead', 'staff', 'training_admin']);
    const lead = await trust.ctx('accountable_lead');
    const db = t.database.db;
    // Only the accountable lead is in post: the operational post has never been filled.
    await leads.appoint(db, lead, { post: 'accountable', personName: 'Ash Accountable', startsOn: '2030-01-01' }, day);
    // A new concern from a member of staff (raised today, whatever the known day).
    await newCase(t.database, await trust.ctx('staff'));
    // This year's programme: one item overdue; the required items fall due at the year's end.
    await programme.startProgramme(db, lead, 2031, day);
    await programme.addItem(db, lead, 2031, {
      title: 'Brief the board',
      area: 'other',
      status: 'in_progress',
      dueOn: '2031-05-01',
    });
    // A policy overdue for review, one due within 30 days and one in date.
    const add = (title: string, nextReviewOn: string) =>
      policies.createPolicy(
        db,
        lead,
        { title, kind: 'other', version: '1', approvedOn: '2030-04-01', approver: 'Board', nextReviewOn },
        policyFile(title),
        '2030-04-02',
      );
    const overduePolicy = await add('Overdue policy', '2031-04-01');
    const duePolicy = await add('Due policy', '2031-05-30');
    await add('In date policy', '2031-12-01');
    // This year's CTLP briefing came in and has not been signed off.
    await risks.saveCtlp(db, lead, 2031, { briefingReceivedOn: '2031-04-20', priorityArea: 'no' }, day);
    // Two administrative staff who need basic awareness, neither trained.
    const trainer = await trust.ctx('training_admin');
    for (const n of ['1', '2'])
      await training.addStaff(db, trainer, {
        employeeNumber: `77${n}`,
        assignmentNumber: `77${n}-1`,
        firstName: `Person${n}`,
        lastName: 'Untrained',
        staffGroup: 'Administrative and Clerical',
      });

    const items = await attentionFor(modules(), db, lead, day);
    expect(items).toEqual([
      {
        text: `Overdue policy: review overdue, it was due on ${spokenDate('2031-04-01')}`,
        href: `/policies/${overduePolicy.id}`,
        urgency: 'overdue',
        date: '2031-04-01',
      },
      {
        text: `Work programme item overdue: “Brief the board”, due on ${spokenDate('2031-05-01')}`,
        href: expect.stringMatching(/^\/programme\/items\/[0-9a-f-]{36}$/),
        urgency: 'overdue',
        date: '2031-05-01',
        count: 1,
      },
      {
        text: 'No operational Prevent lead has been recorded: record who holds the post',
        href: '/leads/new?post=operational',
        urgency: 'overdue',
      },
      {
        text: 'CTLP annual review overdue: this year’s briefing has not been signed off',
        href: '/risks/ctlp',
        urgency: 'overdue',
      },
      {
        text: 'Basic Prevent awareness: 0 % of 2 staff trained, below the 85 % target (2 to train)',
        href: '/training/staff?requiredLevel=basic',
        urgency: 'overdue',
        count: 2,
      },
      {
        text: `Due policy: review due by ${spokenDate('2031-05-30')}`,
        href: `/policies/${duePolicy.id}`,
        urgency: 'due',
        date: '2031-05-30',
      },
      {
        text: `1 new concern to triage, raised on ${spokenDate(today)}`,
        href: '/concerns?status=new',
        urgency: 'new',
        date: today,
        count: 1,
      },
    ]);

    // The training administrator acts on training only; a member of staff acts on nothing, so has no list.
    expect((await attentionFor(modules(), db, trainer, day))?.map((i) => i.href)).toEqual([
      '/training/staff?requiredLevel=basic',
    ]);
    expect(await attentionFor(modules(), db, await trust.ctx('staff'), day)).toBeNull();
  });

  it('shows a lead the list on the page, before the navigation cards, with the tag and link of each line', async () => {
    const trust = await aTrust('RH2', ['operational_lead', 'staff']);
    const lead = await trust.ctx('operational_lead');
    for (const post of ['accountable', 'operational'])
      await leads.appoint(t.database.db, lead, { post, personName: `The ${post} lead`, startsOn: addDays(today, -30) });
    await newCase(t.database, await trust.ctx('staff'), { immediateRisk: 'yes' });
    await newCase(t.database, await trust.ctx('staff'));
    const policy = await policies.createPolicy(
      t.database.db,
      lead,
      {
        title: 'Prevent policy',
        kind: 'other',
        version: '2',
        approvedOn: addDays(today, -400),
        approver: 'Board',
        nextReviewOn: addDays(today, -35),
      },
      policyFile('Prevent policy'),
      addDays(today, -399),
    );

    const page = await (await trust.visitor('operational_lead')).get('/');
    expect(page.statusCode).toBe(200);
    expect(attentionOn(page.body)).toEqual([
      {
        urgency: 'Overdue',
        text: `Prevent policy: review overdue, it was due on ${spokenDate(addDays(today, -35))}`,
        href: `/policies/${policy.id}`,
      },
      {
        urgency: 'New',
        text: `2 new concerns to triage (1 marked as an immediate risk), the oldest raised on ${spokenDate(today)}`,
        href: '/concerns?status=new',
      },
    ]);
    const text = textOf(page.body);
    expect(text.indexOf('Needs attention')).toBeLessThan(text.indexOf('Go to'));
    expect(page.body).toContain('class="nhsuk-card__link" href="/concerns"');
    // Nothing on the page says who a concern is about.
    expect(text).not.toContain('Zed Example');
    expect(text).not.toContain('Your Prevent leads');
  });

  it('tells a lead with nothing to do so', async () => {
    const trust = await aTrust('RH3', ['accountable_lead']);
    const lead = await trust.ctx('accountable_lead');
    for (const post of ['accountable', 'operational'])
      await leads.appoint(t.database.db, lead, { post, personName: `The ${post} lead`, startsOn: addDays(today, -30) });
    expect(await attentionFor(modules(), t.database.db, lead, today)).toEqual([]);
    const text = textOf((await (await trust.visitor('accountable_lead')).get('/')).body);
    expect(text).toContain('Needs attention Information: Nothing needs your attention today');
  });

  it('shows staff who their Prevent leads are and how to reach them, and the way to raise a concern', async () => {
    const trust = await aTrust('RH4', ['operational_lead', 'staff']);
    const lead = await trust.ctx('operational_lead');
    await leads.appoint(t.database.db, lead, {
      post: 'operational',
      personName: 'Pat Prevent',
      jobTitle: 'Named nurse for safeguarding',
      email: 'pat.prevent@rh4.example',
      phone: '0113 496 0000',
      startsOn: addDays(today, -30),
    });
    await newCase(t.database, await trust.ctx('staff'));

    const page = await (await trust.visitor('staff')).get('/');
    const text = textOf(page.body);
    expect(page.body).toMatch(
      /<a href="\/concerns\/new"[^>]*class="nhsuk-button"|class="nhsuk-button"[^>]*href="\/concerns\/new"/,
    );
    expect(text).toContain('Your Prevent leads');
    expect(text).toContain(
      'Operational Prevent lead Name Pat Prevent Job title Named nurse for safeguarding E-mail pat.prevent@rh4.example Phone 0113 496 0000',
    );
    expect(text).toContain('Accountable Prevent lead No one is recorded in this post');
    expect(text).not.toContain('Needs attention');
    expect(text).not.toContain('new concern');
  });

  it('shows a person of another organisation none of it', async () => {
    const first = await aTrust('RH5', ['operational_lead', 'staff']);
    const lead = await first.ctx('operational_lead');
    await leads.appoint(t.database.db, lead, {
      post: 'operational',
      personName: 'Quinn Firsttrust',
      startsOn: addDays(today, -30),
    });
    await newCase(t.database, await first.ctx('staff'));
    await policies.createPolicy(
      t.database.db,
      lead,
      {
        title: 'First trust policy',
        kind: 'other',
        version: '1',
        approvedOn: addDays(today, -400),
        approver: 'Board',
        nextReviewOn: addDays(today, -5),
      },
      policyFile('First trust policy'),
      addDays(today, -399),
    );
    const other = await aTrust('RH6', ['operational_lead', 'staff']);

    const otherLead = await other.ctx('operational_lead');
    const items = await attentionFor(modules(), t.database.db, otherLead, today);
    expect(items?.map((i) => i.text)).toEqual([
      'No accountable Prevent lead has been recorded: record who holds the post',
      'No operational Prevent lead has been recorded: record who holds the post',
    ]);
    const leadPage = textOf((await (await other.visitor('operational_lead')).get('/')).body);
    expect(leadPage).not.toContain('First trust policy');
    expect(leadPage).not.toContain('new concern');
    const staffPage = textOf((await (await other.visitor('staff')).get('/')).body);
    expect(staffPage).not.toContain('Quinn Firsttrust');
    expect(staffPage).toContain('Operational Prevent lead No one is recorded in this post');
  });

  it('tells the leads of police feedback to chase on a referred case, by its reference, linking to the referral', async () => {
    const trust = await aTrust('RH9', ['operational_lead', 'staff']);
    const lead = await trust.visitor('operational_lead');
    const leadCtx = await trust.ctx('operational_lead');
    for (const post of ['accountable', 'operational'])
      await leads.appoint(t.database.db, leadCtx, { post, personName: `The ${post} lead`, startsOn: addDays(today, -60) });
    const raised = await newCase(t.database, await trust.ctx('staff'));
    for (const to of ['triage', 'gathering_information', 'decision'])
      expect((await lead.post(`/concerns/${raised.id}/moves`, { to, reason: `On to ${to}` })).statusCode).toBe(303);
    const decided = await lead.post(`/concerns/${raised.id}/decisions`, {
      information: 'The concern and the person’s details',
      partner: 'police_prevent',
      shared: 'yes',
      article6Basis: '6(1)(e)',
      specialCategory: 'no',
      consent: 'not_sought',
      consentNote: 'Seeking consent could increase the risk to others',
      rationale: 'Necessary and proportionate for a Prevent referral',
      decidedOn: addDays(today, -31),
    });
    expect(decided.statusCode, textOf(decided.body).slice(0, 300)).toBe(303);
    const referredOn = addDays(today, -30);
    const referred = await lead.post(`/concerns/${raised.id}/referrals`, {
      concern: 'Showed staff recruitment videos.',
      complexNeeds: '',
      otherAgencies: '',
      otherInformation: '',
      referredOn,
      sentHow: 'secure_email',
      policeReference: '',
    });
    expect(referred.statusCode, textOf(referred.body).slice(0, 300)).toBe(303);

    const items = await attentionFor(modules(), t.database.db, leadCtx, today);
    const feedbackDue = addWorkingDays(referredOn, 5);
    expect(items).toEqual([
      {
        text: `Case ${raised.reference}: police feedback to chase, was due on ${spokenDate(feedbackDue)}`,
        href: `/concerns/${raised.id}#referral`,
        urgency: 'overdue',
        date: feedbackDue,
        count: 1,
      },
    ]);
    expect(attentionOn((await lead.get('/')).body)).toEqual([
      {
        urgency: 'Overdue',
        text: `Case ${raised.reference}: police feedback to chase, was due on ${spokenDate(feedbackDue)}`,
        href: `/concerns/${raised.id}#referral`,
      },
    ]);
  });

  it('tells a commissioner how many of its providers have overdue items, linking to the providers page', async () => {
    const icb = await newOrganisation(t.database, { odsCode: 'QH7', name: 'Home Test Integrated Care Board', kind: 'icb' });
    const commissioner = await newUser(t.database, {
      email: 'commissioner@qh7.example',
      displayName: 'Cam Commissioner',
      roles: [{ orgId: icb.id, role: 'commissioner_lead' }],
    });
    const ctx = await contextOf(t.database, commissioner, icb.id);
    for (const post of ['accountable', 'operational'])
      await leads.appoint(t.database.db, ctx, { post, personName: `The ICB ${post} lead`, startsOn: addDays(today, -30) });
    for (const odsCode of ['RH7', 'RH8'])
      await newOrganisation(t.database, { odsCode, name: `${odsCode} Provider`, kind: 'nhs_trust', commissionerOds: 'QH7' });

    expect(await attentionFor(modules(), t.database.db, ctx, today)).toEqual([
      { text: '2 providers have a vacant Prevent lead post', href: '/providers', urgency: 'overdue', count: 2 },
    ]);
    const page = await (await signedInAs(t.app, t.database, commissioner, icb.id)).get('/');
    expect(attentionOn(page.body)).toEqual([
      { urgency: 'Overdue', text: '2 providers have a vacant Prevent lead post', href: '/providers' },
    ]);
  });

  it('sorts overdue before due before new, each by its date with the undated last, keeping the modules’ order otherwise', () => {
    const line = (text: string, urgency: AttentionItem['urgency'], date?: string): AttentionItem => ({
      text,
      href: '/',
      urgency,
      ...(date ? { date } : {}),
    });
    const sorted = sortAttention([
      line('new', 'new', '2026-01-01'),
      line('due later', 'due', '2026-03-01'),
      line('overdue undated', 'overdue'),
      line('due sooner', 'due', '2026-02-01'),
      line('overdue second undated', 'overdue'),
      line('overdue dated', 'overdue', '2026-05-01'),
    ]);
    expect(sorted.map((l) => l.text)).toEqual([
      'overdue dated',
      'overdue undated',
      'overdue second undated',
      'due sooner',
      'due later',
      'new',
    ]);
  });
});
