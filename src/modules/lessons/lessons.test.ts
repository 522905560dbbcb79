import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raiseConcern } from '../../../test/concerns.ts';
import { contextOf, newOrganisation, newUser, signedInAs } from '../../../test/factories.ts';
import { demo, signedIn, type TestApp, testApp, textOf, type Visitor } from '../../../test/harness.ts';
import { sendDueReminders } from '../../../test/modules.ts';
import { modules, wireModules } from '../../app.ts';
import { withScope } from '../../db/tenancy.ts';
import { contextFor } from '../../platform/context.ts';
import { addDays, todayInLondon } from '../../platform/dates.ts';
import { on, useEventSubscriptions } from '../../platform/events.ts';
import { referralMade } from '../referrals/events.ts';
import * as users from '../users/service.ts';
import { notApproved, sideBySide } from './case-study-service.ts';
import { lessonsFigures, themeCounts } from './service.ts';

const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows;
const today = todayInLondon();

/** A concern about an invented person: every identifier here must be gone from the case study. */
const concernAbout = {
  subjectName: 'Quentin Varga',
  dateOfBirth: '2008-05-17',
  narrative: 'Quentin Varga showed staff recruitment videos from a proscribed group.',
  observedOn: addDays(today, -1), // yesterday: at 00:10 today's 09:30 would be in the future
  observedTime: '09:30',
  location: 'Outpatients',
};

const shareWithPolice = {
  information: 'The concern and the person’s details',
  partner: 'police_prevent',
  shared: 'yes',
  article6Basis: '6(1)(e)',
  specialCategory: 'no',
  consent: 'not_sought',
  consentNote: 'Seeking consent could increase the risk',
  rationale: 'Necessary and proportionate for a Prevent referral',
  decidedOn: today,
};

const referralForm = {
  concern: 'Recruitment videos shown to staff.',
  referredOn: today,
  sentHow: 'secure_email',
};

/** The lead's summary: every kind of identifier the issue names, beside the words that carry the learning. */
const summary = [
  'Quentin Varga (NHS number 999 000 0018, born 17/05/2008) attended Outpatients on 3 March 2026 with his mother Ilse Varga.',
  'He lives at 14 Larch Grove, Northshire NZ9 4QT and studies at Fernhill Academy. His phone is 07700 900123 and e-mail quentin.v@example.org.',
  'A nurse noticed recruitment videos from https://example.net/channel and raised a Prevent concern with the safeguarding team.',
  'The case was referred to police Prevent and taken to a Channel panel; CAMHS and the school safeguarding lead were involved.',
].join(' ');

const identifiers = [
  'Quentin',
  'Varga',
  'Ilse',
  '999 000 0018',
  '17/05/2008',
  '3 March 2026',
  '14 Larch Grove',
  'NZ9 4QT',
  'Fernhill Academy',
  '07700 900123',
  'quentin.v@example.org',
  'https://example.net/channel',
];
/** The lead's review of a referred case, completed. */
const completedReview = {
  wentWell: 'Quick referral by the ward nurse',
  couldBeBetter: 'Waited two days for the sharing decision',
  learningPoints: 'Brief the out-of-hours team on the referral route',
  themes: 'Online radicalisation, information sharing,  online   radicalisation ',
  status: 'complete',
};

/** A case study drafted from the review: the summary to anonymise, with what else the lead knows identifies. */
const caseStudyForm = {
  title: 'Recruitment videos noticed at an outpatient appointment',
  summary,
  otherNames: 'Ilse Varga',
  addresses: '14 Larch Grove, Northshire',
  dates: 'month',
  themes: '',
};

/** A case study's text as a lead approves it: nothing in it identifies anyone. */
const approvedText =
  'A young person showed staff recruitment videos at an outpatient appointment and the nurse raised a Prevent concern. A relative came too.';

const domainTerms = ['Prevent', 'Channel panel', 'safeguarding', 'CAMHS', 'police', 'recruitment videos', 'Outpatients'];

describe('lessons learned: reviews, case studies and the learning group', () => {
  let t: TestApp;
  let staff: Visitor;
  let lead: Visitor;
  let otherTrustLead: Visitor;
  let commissioner: Visitor;

  const query = async <T>(q: ReturnType<typeof sql>) => rowsOf<T>(await t.database.db.execute(q));
  const reviewsOfCase = (id: string) =>
    query<{ id: string; origin: string; status: string; referral_id: string | null }>(
      sql`select id, origin, status, referral_id from lessons_reviews where case_id = ${id}`,
    );
  const audits = (action: string, id: string) =>
    query<{ details: Record<string, unknown> }>(
      sql`select details from audit_events where action = ${action} and record_id = ${id}`,
    );
  const idFrom = (location: unknown, pattern: RegExp) => pattern.exec(String(location))?.[1] ?? '';

  const raise = () => raiseConcern(staff, concernAbout);

  async function refer(id: string, by = lead): Promise<void> {
    for (const to of ['triage', 'gathering_information', 'decision']) {
      expect((await by.post(`/concerns/${id}/moves`, { to, reason: `On to ${to}` })).statusCode).toBe(303);
    }
    expect((await by.post(`/concerns/${id}/decisions`, shareWithPolice)).statusCode).toBe(303);
    const referred = await by.post(`/concerns/${id}/referrals`, referralForm);
    expect(referred.statusCode, textOf(referred.body).slice(0, 300)).toBe(303);
  }

  /** Who raises a test's case and who leads on it: the demo trust's staff and lead, unless a test has a trust of its own. */
  type Trust = { raiser: Visitor; lead: Visitor };
  const northshire = (): Trust => ({ raiser: staff, lead });

  /** A case of the test's own, referred: the referral starts its review. */
  async function aReferredCase(at = northshire()) {
    const caseId = await raiseConcern(at.raiser, concernAbout);
    await refer(caseId, at.lead);
    const [review] = await reviewsOfCase(caseId);
    return { caseId, reviewId: review?.id ?? '' };
  }

  async function aCompletedReview(at = northshire()) {
    const referred = await aReferredCase(at);
    expect((await at.lead.post(`/lessons/reviews/${referred.reviewId}`, completedReview)).statusCode).toBe(303);
    return referred;
  }

  async function aDraftCaseStudy(at = northshire()) {
    const reviewed = await aCompletedReview(at);
    const drafted = await at.lead.post(`/lessons/reviews/${reviewed.reviewId}/case-studies`, caseStudyForm);
    expect(drafted.statusCode, textOf(drafted.body).slice(0, 400)).toBe(303);
    return { ...reviewed, studyId: idFrom(drafted.headers.location, /\/lessons\/case-studies\/([0-9a-f-]{36})/) };
  }

  /** Approved and shared with the group, then edited: a draft again, while the group keeps the approved copy. */
  async function aSharedCaseStudy(at = northshire()) {
    const drafted = await aDraftCaseStudy(at);
    const url = `/lessons/case-studies/${drafted.studyId}`;
    const fields = { title: caseStudyForm.title, text: approvedText, themes: 'online radicalisation' };
    expect((await at.lead.post(url, fields)).statusCode).toBe(303);
    expect((await at.lead.post(`${url}/approve`, { confirm: 'yes' })).statusCode).toBe(303);
    expect((await at.lead.post(`${url}/share`, {})).statusCode).toBe(303);
    expect((await at.lead.post(url, { ...fields, text: `${approvedText} Draft note, not approved.` })).statusCode).toBe(303);
    return drafted;
  }

  const ctxOf = async (email: string) => {
    const [row] = await query<{ id: string }>(sql`select id from users where email = ${email}`);
    const user = await users.describeUser(t.database.db, row?.id ?? '', null);
    if (!user) throw new Error(email);
    return contextFor(user, null);
  };

  beforeAll(async () => {
    t = await testApp();
    staff = await signedIn(t.app, demo.staff);
    lead = await signedIn(t.app, demo.operationalLead);
    otherTrustLead = await signedIn(t.app, demo.otherTrustLead);
    commissioner = await signedIn(t.app, demo.commissioner);
  });
  afterAll(() => t.close());

  // ---- reviews ----

  it('starts a lessons learned review to do with every referral, audited', async () => {
    const caseId = await raise();
    expect(await reviewsOfCase(caseId)).toEqual([]);
    await refer(caseId);
    const [review, ...more] = await reviewsOfCase(caseId);
    expect(more).toEqual([]);
    expect(review?.origin).toBe('referral');
    expect(review?.status).toBe('to_do');
    expect(review?.referral_id).toBeTruthy();
    const reviewId = review?.id ?? '';
    expect(await audits('lessons_review.started', reviewId)).toHaveLength(1);
    // The demo's referrals have theirs too: one review for each referred case.
    const [counts] = await query<{ referred: number; reviewed: number }>(
      sql`select (select count(distinct case_id)::int from referrals) as referred,
                 (select count(*)::int from lessons_reviews where referral_id is not null) as reviewed`,
    );
    expect(counts?.reviewed).toBe(counts?.referred);
    const list = await lead.get('/lessons');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(`href="/lessons/reviews/${reviewId}"`);
    // The case page links to it.
    expect((await lead.get(`/concerns/${caseId}`)).body).toContain(`href="/lessons/reviews/${reviewId}"`);
  });

  it('starts the review inside the referral’s transaction: a referral whose review cannot start is not made', async () => {
    const id = await raise();
    const review = modules()
      .flatMap((m) => m.events ?? [])
      .filter((e) => e.event === referralMade);
    expect(review).toHaveLength(1);
    // As if starting the review failed after it was written: nothing of the referral may stay.
    useEventSubscriptions([
      ...review,
      on(referralMade, async () => {
        throw new Error('the review could not be started');
      }),
    ]);
    try {
      for (const to of ['triage', 'gathering_information', 'decision']) {
        expect((await lead.post(`/concerns/${id}/moves`, { to, reason: `On to ${to}` })).statusCode).toBe(303);
      }
      expect((await lead.post(`/concerns/${id}/decisions`, shareWithPolice)).statusCode).toBe(303);
      expect((await lead.post(`/concerns/${id}/referrals`, referralForm)).statusCode).toBe(500);
    } finally {
      wireModules();
    }
    expect(await query(sql`select id from referrals where case_id = ${id}`)).toEqual([]);
    expect(await reviewsOfCase(id)).toEqual([]);
    const [kase] = await query<{ status: string }>(sql`select status from concern_cases where id = ${id}`);
    expect(kase?.status).toBe('decision');
  });

  it('lets a lead start a review of a case that was not referred, once', async () => {
    const unreferred = await raise();
    const page = await lead.get(`/concerns/${unreferred}`);
    expect(page.body).toContain(`action="/concerns/${unreferred}/lessons-review"`);
    const started = await lead.post(`/concerns/${unreferred}/lessons-review`, {});
    expect(started.statusCode).toBe(303);
    const id = idFrom(started.headers.location, /\/lessons\/reviews\/([0-9a-f-]{36})/);
    const again = await lead.post(`/concerns/${unreferred}/lessons-review`, {});
    expect(again.headers.location).toBe(`/lessons/reviews/${id}`);
    expect(await reviewsOfCase(unreferred)).toEqual([expect.objectContaining({ id, origin: 'not_referred', status: 'to_do' })]);
    // Another trust's lead cannot reach the case, so cannot start a review of it.
    expect((await otherTrustLead.post(`/concerns/${unreferred}/lessons-review`, {})).statusCode).toBe(404);
    expect((await otherTrustLead.get(`/lessons/reviews/${id}`)).statusCode).toBe(404);
  });

  it('records the review: learning points are needed to complete it; what it says is sealed; reads are audited', async () => {
    const { caseId, reviewId } = await aReferredCase();
    const refused = await lead.post(`/lessons/reviews/${reviewId}`, {
      wentWell: 'Quick referral by the ward nurse',
      status: 'complete',
    });
    expect(refused.statusCode).toBe(400);
    expect(textOf(refused.body)).toContain('Enter the learning points before completing the review');
    expect(refused.body).toContain('Quick referral by the ward nurse');
    expect((await reviewsOfCase(caseId))[0]?.status).toBe('to_do');

    const saved = await lead.post(`/lessons/reviews/${reviewId}`, completedReview);
    expect(saved.statusCode).toBe(303);
    const [row] = await query<{ status: string; themes: string[]; completed_on: string; sealed: string }>(
      sql`select status, themes, completed_on::text, learning_points_sealed as sealed from lessons_reviews where id = ${reviewId}`,
    );
    expect(row?.status).toBe('complete');
    expect(row?.themes).toEqual(['online radicalisation', 'information sharing']);
    expect(row?.completed_on).toBe(today);
    expect(row?.sealed).not.toContain('out-of-hours');
    const page = await lead.get(`/lessons/reviews/${reviewId}`);
    expect(textOf(page.body)).toContain('Brief the out-of-hours team on the referral route');
    expect((await audits('lessons_review.viewed', reviewId)).length).toBeGreaterThan(0);
    expect(await audits('lessons_review.completed', reviewId)).toHaveLength(1);

    const tooMany = await lead.post(`/lessons/reviews/${reviewId}`, {
      learningPoints: 'x',
      themes: 'a, b, c, d, e, f, g, h, i',
      status: 'complete',
    });
    expect(tooMany.statusCode).toBe(400);
    expect(textOf(tooMany.body)).toContain('Give at most 8 themes');
  });

  it('tracks actions with an owner, a due date and a status; overdue ones are marked', async () => {
    const { reviewId } = await aCompletedReview();
    const bad = await lead.post(`/lessons/reviews/${reviewId}/actions`, {
      description: 'Brief the team',
      owner: '',
      dueOn: '2026-02-30',
    });
    expect(bad.statusCode).toBe(400);
    expect(textOf(bad.body)).toContain('Enter who owns the action');
    expect(textOf(bad.body)).toContain('Enter a real due date');
    expect(await query(sql`select 1 from lessons_actions where review_id = ${reviewId}`)).toHaveLength(0);

    const yesterday = addDays(today, -1);
    for (const [description, dueOn] of <[string, string][]>[
      ['Brief the out-of-hours team', yesterday],
      ['Update the referral flowchart', addDays(today, 30)],
    ]) {
      expect(
        (await lead.post(`/lessons/reviews/${reviewId}/actions`, { description, owner: 'Jordan Ellis', dueOn })).statusCode,
      ).toBe(303);
    }
    const page = textOf((await lead.get(`/lessons/reviews/${reviewId}`)).body);
    expect(page).toMatch(/Brief the out-of-hours team Owner Jordan Ellis Due \d+ \w+ \d{4} Overdue/);
    // What an action says and who owns it are sealed: found here by its due date.
    const [action, ...others] = await query<{ id: string; description: string; owner: string }>(
      sql`select id, description, owner from lessons_actions where review_id = ${reviewId} and due_on = ${yesterday}`,
    );
    expect(others).toEqual([]);
    expect(action?.description).not.toContain('out-of-hours');
    expect(action?.owner).not.toContain('Jordan');
    expect((await lead.post(`/lessons/reviews/${reviewId}/actions/${action?.id}`, { status: 'done' })).statusCode).toBe(303);
    const [done] = await query<{ status: string; done_on: string }>(
      sql`select status, done_on::text from lessons_actions where id = ${action?.id}`,
    );
    expect(done).toEqual({ status: 'done', done_on: today });
    expect((await lead.post(`/lessons/reviews/${reviewId}/actions/${action?.id}`, { status: 'finished' })).statusCode).toBe(400);
  });

  // ---- the anonymiser and approval ----

  it('anonymises the summary with what the record knows, shows both side by side, and keeps the original sealed', async () => {
    const { caseId, reviewId } = await aCompletedReview();
    const form = await lead.get(`/lessons/reviews/${reviewId}/case-studies/new`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Quentin Varga showed staff recruitment videos'); // the case's own account, to start from
    expect(await audits('concern.viewed', caseId)).toContainEqual({
      details: expect.objectContaining({ page: 'case study summary' }),
    });

    const missing = await lead.post(`/lessons/reviews/${reviewId}/case-studies`, { title: '', summary: '' });
    expect(missing.statusCode).toBe(400);
    expect(textOf(missing.body)).toContain('Enter a title for the case study');
    expect(textOf(missing.body)).toContain('Enter the case summary to anonymise');

    const drafted = await lead.post(`/lessons/reviews/${reviewId}/case-studies`, caseStudyForm);
    expect(drafted.statusCode, textOf(drafted.body).slice(0, 400)).toBe(303);
    const studyId = idFrom(drafted.headers.location, /\/lessons\/case-studies\/([0-9a-f-]{36})/);

    const [row] = await query<{ draft: string; original: string; themes: string[]; status: string }>(
      sql`select draft_sealed as draft, original_sealed as original, themes, status from case_studies where id = ${studyId}`,
    );
    expect(row?.status).toBe('draft');
    expect(row?.themes).toEqual(['online radicalisation', 'information sharing']); // from the review
    for (const id of identifiers) {
      expect(row?.original).not.toContain(id);
      expect(row?.draft).not.toContain(id);
    }

    const page = await lead.get(`/lessons/case-studies/${studyId}`);
    expect(page.statusCode).toBe(200);
    const draftText = textOf(/data-side="result">([\s\S]*?)<\/p>/.exec(page.body)?.[1] ?? '');
    for (const id of identifiers) expect(draftText).not.toContain(id);
    for (const term of domainTerms) expect(draftText).toContain(term);
    expect(draftText).toContain('March 2026');
    // Each change is marked on both sides.
    expect(page.body).toMatch(/<del class="app-change"><span class="nhsuk-u-visually-hidden">\[taken out: <\/span>Quentin/);
    expect(page.body).toMatch(/<ins class="app-change"><span class="nhsuk-u-visually-hidden">\[put in: <\/span>\[name\]/);
    expect(await audits('case_study.viewed', studyId)).toHaveLength(1);
  });

  it('shares nothing before a person approves, refuses approval while an identifier remains, and shares only the approved text', async () => {
    const { studyId } = await aDraftCaseStudy();
    const sharedCopies = () =>
      query<{ body: string; title: string; group_org_id: string }>(
        sql`select body, title, group_org_id from shared_case_studies where case_study_id = ${studyId}`,
      );

    const early = await lead.post(`/lessons/case-studies/${studyId}/share`, {});
    expect(early.statusCode, `${early.headers.location} ${textOf(early.body).slice(0, 300)}`).toBe(400);
    expect(textOf(early.body)).toContain(notApproved);
    expect(await sharedCopies()).toEqual([]);

    const unconfirmed = await lead.post(`/lessons/case-studies/${studyId}/approve`, {});
    expect(unconfirmed.statusCode).toBe(400);
    expect(textOf(unconfirmed.body)).toContain('Confirm that you have read the case study and it identifies no one');

    // The lead types a name back in: approval is refused, naming it.
    const [draftRow] = await query<{ id: string }>(sql`select id from case_studies where id = ${studyId}`);
    expect(draftRow).toBeTruthy();
    const page = await lead.get(`/lessons/case-studies/${studyId}`);
    const text = /<textarea[^>]*name="text"[^>]*>([\s\S]*?)<\/textarea>/.exec(page.body)?.[1] ?? '';
    const draft = text
      .replace(/&#39;/g, "'")
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&')
      .trim();
    expect(draft.length).toBeGreaterThan(100);
    const title = 'Recruitment videos noticed at an outpatient appointment';
    expect(
      (
        await lead.post(`/lessons/case-studies/${studyId}`, {
          title,
          text: `${draft} Ilse came too.`,
          themes: 'online radicalisation',
        })
      ).statusCode,
    ).toBe(303);
    const refused = await lead.post(`/lessons/case-studies/${studyId}/approve`, { confirm: 'yes' });
    expect(refused.statusCode).toBe(400);
    expect(textOf(refused.body)).toContain('The text still holds what looks like an identifier: “Ilse”');
    expect((await query<{ status: string }>(sql`select status from case_studies where id = ${studyId}`))[0]?.status).toBe(
      'draft',
    );

    const approvedText = `${draft} A relative came too.`;
    expect(
      (await lead.post(`/lessons/case-studies/${studyId}`, { title, text: approvedText, themes: 'online radicalisation' }))
        .statusCode,
    ).toBe(303);
    expect((await lead.post(`/lessons/case-studies/${studyId}/approve`, { confirm: 'yes' })).statusCode).toBe(303);
    expect(await sharedCopies()).toEqual([]); // approving is not sharing

    expect((await lead.post(`/lessons/case-studies/${studyId}/share`, {})).statusCode).toBe(303);
    const [icb] = await query<{ id: string }>(sql`select id from organisations where ods_code = 'QZZ'`);
    expect(await sharedCopies()).toEqual([{ body: approvedText, title, group_org_id: icb?.id }]);
    expect(await audits('case_study.shared', studyId)).toHaveLength(1);

    // Editing afterwards withdraws the approval; the group's copy stays as approved.
    const edited = await lead.post(`/lessons/case-studies/${studyId}`, {
      title,
      text: `${approvedText} Draft note, not approved.`,
      themes: 'online radicalisation',
    });
    expect(edited.statusCode).toBe(303);
    expect((await query<{ status: string }>(sql`select status from case_studies where id = ${studyId}`))[0]?.status).toBe(
      'draft',
    );
    expect((await sharedCopies())[0]?.body).toBe(approvedText);
  });

  // ---- the learning group ----

  it('lets every member of the commissioner’s group read the shared copy, and no one outside it', async () => {
    const { studyId } = await aSharedCaseStudy();
    for (const member of [commissioner, otherTrustLead, lead]) {
      const group = await member.get('/learning');
      expect(group.statusCode).toBe(200);
      expect(textOf(group.body)).toContain('Recruitment videos noticed at an outpatient appointment');
      expect(textOf(group.body)).toContain('online radicalisation');
    }
    const [copy] = await query<{ id: string }>(sql`select id from shared_case_studies where case_study_id = ${studyId}`);
    const read = await otherTrustLead.get(`/learning/case-studies/${copy?.id}`);
    expect(read.statusCode).toBe(200);
    const body = textOf(read.body);
    expect(body).toContain('A relative came too.');
    expect(body).not.toContain('Draft note, not approved');
    for (const id of identifiers) expect(body).not.toContain(id);
    expect(await audits('shared_case_study.read', copy?.id ?? '')).toHaveLength(1);
    // Filtered by theme.
    expect(textOf((await commissioner.get('/learning?theme=online%20radicalisation')).body)).toContain(
      'Recruitment videos noticed',
    );
    expect(textOf((await commissioner.get('/learning?theme=estates')).body)).not.toContain('Recruitment videos noticed');

    // A provider in another ICB's area sees none of it, by row-level security as well as by the service.
    const [other] = await query<{ id: string }>(sql`
      with icb as (insert into organisations (ods_code, name, kind, region) values ('QZY', 'Another ICB', 'icb', 'Elsewhere') returning id)
      insert into organisations (ods_code, name, kind, region, commissioner_id)
      select 'RZ8', 'Another trust', 'nhs_trust', 'Elsewhere', id from icb returning id`);
    const seen = await withScope(t.database.db, { userId: null, orgIds: [other?.id ?? ''] }, (tx) =>
      tx.execute(sql`select count(*)::int as n from shared_case_studies`),
    );
    expect(rowsOf<{ n: number }>(seen)[0]?.n).toBe(0);
    // Nor can a provider share into a group that is not its commissioner's.
    const [icb] = await query<{ id: string }>(sql`select id from organisations where ods_code = 'QZZ'`);
    await expect(
      withScope(t.database.db, { userId: null, orgIds: [other?.id ?? ''] }, (tx) =>
        tx.execute(
          sql`insert into shared_case_studies (group_org_id, from_org_id, case_study_id, title, body, shared_by_name)
              values (${icb?.id}, ${other?.id}, ${studyId}, 'x', 'y', 'z')`,
        ),
      ),
    ).rejects.toMatchObject({ cause: expect.objectContaining({ message: expect.stringMatching(/row-level security/) }) });
  });

  it('lets the commissioner record meetings and actions owned in any member organisation; the owner marks them done', async () => {
    const future = await commissioner.post('/learning/meetings', {
      heldOn: addDays(today, 3),
      attendees: 'Dana Whitfield (ICB)',
    });
    expect(future.statusCode).toBe(400);
    expect(textOf(future.body)).toContain('the date cannot be in the future');
    expect(await query(sql`select 1 from learning_meetings where held_on > ${today}`)).toHaveLength(0);
    // Every member reads the notes: the anonymiser's check refuses what points at a person.
    const meetingsBefore = (await query(sql`select 1 from learning_meetings`)).length;
    const identifying = await commissioner.post('/learning/meetings', {
      heldOn: today,
      attendees: 'Dana Whitfield (ICB)',
      notes: 'The boy at 12 Acacia Avenue was discussed.',
    });
    expect(identifying.statusCode).toBe(400);
    expect(textOf(identifying.body)).toContain('The notes holds what looks like an identifier: “12 Acacia Avenue”');
    expect(await query(sql`select 1 from learning_meetings`)).toHaveLength(meetingsBefore);

    const held = await commissioner.post('/learning/meetings', {
      heldOn: today,
      attendees: 'Dana Whitfield (ICB), Jordan Ellis (Northshire FT), police Prevent, local authority Prevent coordinator',
      notes: 'Discussed the outpatient case study.',
      agreedLearning: 'Every provider briefs out-of-hours teams on the referral route.',
    });
    expect(held.statusCode).toBe(303);
    const meetingId = idFrom(held.headers.location, /\/learning\/meetings\/([0-9a-f-]{36})/);

    const [rz2] = await query<{ id: string }>(sql`select id from organisations where ods_code = 'RZ2'`);
    // A provider of another ICB: not a member of this group.
    await newOrganisation(t.database, { odsCode: 'QZW', name: 'Outside Integrated Care Board', kind: 'icb' });
    const outsider = await newOrganisation(t.database, {
      odsCode: 'RZ5',
      name: 'Outside NHS Trust',
      kind: 'nhs_trust',
      commissionerOds: 'QZW',
    });
    const notMember = await commissioner.post('/learning/actions', {
      description: 'Brief out-of-hours teams',
      ownerOrgId: outsider?.id ?? '',
      owner: 'Someone',
      dueOn: addDays(today, 30),
    });
    expect(notMember.statusCode).toBe(400);
    expect(textOf(notMember.body)).toContain('Choose an organisation in the group');

    const added = await commissioner.post('/learning/actions', {
      description: 'Brief out-of-hours teams',
      ownerOrgId: rz2?.id ?? '',
      owner: 'Dales Prevent lead',
      dueOn: addDays(today, 30),
      meetingId,
    });
    expect(added.statusCode).toBe(303);
    const [action] = await query<{ id: string }>(sql`select id from learning_actions where meeting_id = ${meetingId}`);
    const meetingPage = textOf((await otherTrustLead.get(`/learning/meetings/${meetingId}`)).body);
    expect(meetingPage).toContain('Every provider briefs out-of-hours teams on the referral route.');
    expect(meetingPage).toContain('Brief out-of-hours teams');

    // Northshire's lead is a member but does not own the action.
    expect((await lead.post(`/learning/actions/${action?.id}/status`, { status: 'done' })).statusCode).toBe(403);
    expect((await lead.post('/learning/meetings', { heldOn: today, attendees: 'x' })).statusCode).toBe(403);
    expect((await otherTrustLead.post(`/learning/actions/${action?.id}/status`, { status: 'done' })).statusCode).toBe(303);
    const [done] = await query<{ status: string; done_on: string }>(
      sql`select status, done_on::text from learning_actions where id = ${action?.id}`,
    );
    expect(done).toEqual({ status: 'done', done_on: today });
  });

  it('reminds of overdue actions once: a review action to its leads without what it says, a group action to its owner and host', async () => {
    const tomorrow = addDays(today, 1);
    await sendDueReminders(t.database, tomorrow);
    await sendDueReminders(t.database, tomorrow);
    const sent = await query<{ org: string; title: string; body: string }>(
      sql`select o.ods_code as org, n.title, n.body from notifications n join organisations o on o.id = n.org_id
          where n.title like 'Lessons learned%'`,
    );
    // The demo's overdue review action at RZ1, to its two leads, once each.
    const review = sent.filter((n) => n.title.startsWith('Lessons learned action overdue'));
    expect(review.length).toBe(2);
    for (const n of review) {
      expect(n.org).toBe('RZ1');
      expect(n.body).toContain('Open the review to see it');
      // What the action says and who owns it stay sealed on the review: a notification is plain text.
      expect(n.body).not.toContain('consent');
      expect(n.body).not.toContain('Emergency department matron');
    }
    // Nothing in the group is overdue yet; the Dales action was done.
    expect(sent.filter((n) => n.title === 'Lessons learned group action overdue')).toEqual([]);
    await sendDueReminders(t.database, addDays(today, 45));
    const group = await query<{ org: string; body: string }>(
      sql`select o.ods_code as org, n.body from notifications n join organisations o on o.id = n.org_id
          where n.title = 'Lessons learned group action overdue'`,
    );
    // The demo's group action owned by RZ1: its two leads and the ICB's commissioner lead; the one a police
    // partner member owns: the commissioner lead alone, who tracks it for them.
    expect(group.map((n) => n.org).sort()).toEqual(['QZZ', 'QZZ', 'RZ1', 'RZ1']);
    const handbook = group.filter((n) => n.body.includes('Share the out-of-hours handbook page'));
    expect(handbook.map((n) => n.org).sort()).toEqual(['QZZ', 'RZ1', 'RZ1']);
    const partner = group.filter((n) => n.body.includes('police Prevent out-of-hours contact route'));
    expect(partner.map((n) => n.org)).toEqual(['QZZ']);
    expect(partner[0]?.body).toContain('You track it for them');
  });

  // ---- reporting ----

  it('gives the board report counts and themes of the lessons learned work, by period', async () => {
    // A trust of its own: the other tests' reviews at the demo trust today are not counted here.
    const trust = await newOrganisation(t.database, {
      odsCode: 'RZ6',
      name: 'Figures Test NHS Trust',
      kind: 'nhs_trust',
      commissionerOds: 'QZZ',
    });
    const ownLead = await newUser(t.database, {
      email: 'prevent.lead@figures-trust.example',
      displayName: 'Fran Figures',
      roles: [{ orgId: trust.id, role: 'operational_lead' }],
    });
    // The lead raises the trust's cases too: the trust has no staff of its own.
    const ownVisitor = await signedInAs(t.app, t.database, ownLead);
    const own: Trust = { raiser: ownVisitor, lead: ownVisitor };
    const { reviewId } = await aSharedCaseStudy(own);
    // One action past its date but done, one still to come: nothing overdue.
    for (const dueOn of [addDays(today, -1), addDays(today, 30)]) {
      const added = await own.lead.post(`/lessons/reviews/${reviewId}/actions`, {
        description: 'Brief the team',
        owner: 'Fran Figures',
        dueOn,
      });
      expect(added.statusCode).toBe(303);
    }
    const [overdue] = await query<{ id: string }>(
      sql`select id from lessons_actions where review_id = ${reviewId} and due_on = ${addDays(today, -1)}`,
    );
    expect((await own.lead.post(`/lessons/reviews/${reviewId}/actions/${overdue?.id}`, { status: 'done' })).statusCode).toBe(303);
    const unreferred = await raiseConcern(own.raiser, concernAbout);
    expect((await own.lead.post(`/concerns/${unreferred}/lessons-review`, {})).statusCode).toBe(303);

    const ctx = await contextOf(t.database, ownLead);
    const figures = await lessonsFigures(t.database.db, ctx, { from: today, before: addDays(today, 1) });
    // Today: the referred case's review (complete) and the unreferred case's (to do).
    expect(figures.reviews).toEqual({ started: 2, fromReferrals: 1, toDo: 1, inProgress: 0, complete: 1 });
    expect(figures.actions).toEqual({ open: 1, overdue: 0, done: 1 });
    expect(figures.caseStudies).toEqual({ draft: 1, approved: 0, shared: 1 });
    expect(figures.themes).toEqual([
      { theme: 'information sharing', count: 1 },
      { theme: 'online radicalisation', count: 1 },
    ]);
    await expect(lessonsFigures(t.database.db, ctx, { from: today, before: today })).rejects.toThrow(
      'The end of the period must be after its start',
    );
    // Another trust counts only its own.
    const other = await lessonsFigures(t.database.db, await ctxOf(demo.otherTrustLead), {
      from: today,
      before: addDays(today, 1),
    });
    expect(other.reviews.started).toBe(0);
  });

  it('erases what the review and the draft say when the case is erased, keeping the approved text', async () => {
    const { caseId, reviewId, studyId } = await aSharedCaseStudy();
    await t.database.db.transaction(async (tx) => {
      await tx.execute(
        sql`select set_config('app.org_ids', (select org_id::text from concern_cases where id = ${caseId}), true)`,
      );
      await tx.execute(sql`select set_config('app.case_access', 'on', true)`);
      await tx.execute(sql`select erase_concern_case(${caseId})`);
    });
    const [review] = await query<{ sealed: string | null }>(
      sql`select learning_points_sealed as sealed from lessons_reviews where id = ${reviewId}`,
    );
    expect(review?.sealed).toBeNull();
    const [study] = await query<{ original: string | null; draft: string | null }>(
      sql`select original_sealed as original, draft_sealed as draft from case_studies where id = ${studyId}`,
    );
    expect(study).toEqual({ original: null, draft: null });
    expect(await query(sql`select 1 from shared_case_studies where case_study_id = ${studyId}`)).toHaveLength(1);
  });
});

/**
 * Finding: a case study's title was shared unchecked. Everything that leaves the organisation (the
 * title, the text and the themes) passes the same "no identifier left" check, at approval and again at sharing.
 */
describe('a case study’s title and themes are checked like its text before they leave the organisation', () => {
  let t: TestApp;
  let staff: Visitor;
  let lead: Visitor;
  const person = { subjectName: 'Rosalind Pemberton', dateOfBirth: '2007-09-21' };
  /** A name the record knows, an NHS number and the person's date of birth. */
  const identifyingTitle = 'Rosalind Pemberton, NHS 943 476 5919, born 21/09/2007';
  const cleanTitle = 'Recruitment material shared on a children’s ward';
  const query = async <T>(q: ReturnType<typeof sql>) => rowsOf<T>(await t.database.db.execute(q));
  const statusOf = async (studyId: string) =>
    (await query<{ status: string }>(sql`select status from case_studies where id = ${studyId}`))[0]?.status;
  const sharedCopies = (studyId: string) => query(sql`select title from shared_case_studies where case_study_id = ${studyId}`);
  const edit = (studyId: string, fields: { title?: string; themes?: string }) =>
    lead.post(`/lessons/case-studies/${studyId}`, {
      title: fields.title ?? cleanTitle,
      text: 'A young person shared recruitment material with other patients; the ward raised a Prevent concern.',
      themes: fields.themes ?? 'online radicalisation',
    });

  /** A draft case study of the test's own, about Rosalind Pemberton, with a clean title and themes. */
  async function aDraftCaseStudy(): Promise<string> {
    const caseId = await raiseConcern(staff, {
      ...person,
      narrative: 'Rosalind Pemberton shared recruitment material with other patients.',
    });
    const started = await lead.post(`/concerns/${caseId}/lessons-review`, {});
    expect(started.statusCode).toBe(303);
    const reviewId = /\/lessons\/reviews\/([0-9a-f-]{36})/.exec(String(started.headers.location))?.[1] ?? '';
    const drafted = await lead.post(`/lessons/reviews/${reviewId}/case-studies`, {
      title: cleanTitle,
      summary: 'Rosalind Pemberton shared recruitment material with other patients on the ward.',
      dates: 'month',
      themes: 'online radicalisation',
    });
    expect(drafted.statusCode, textOf(drafted.body).slice(0, 300)).toBe(303);
    return /\/lessons\/case-studies\/([0-9a-f-]{36})/.exec(String(drafted.headers.location))?.[1] ?? '';
  }

  beforeAll(async () => {
    t = await testApp();
    staff = await signedIn(t.app, demo.staff);
    lead = await signedIn(t.app, demo.operationalLead);
  });
  afterAll(() => t.close());

  it('refuses approval while the title holds a name the record knows, an NHS number or a date of birth, naming the title', async () => {
    const studyId = await aDraftCaseStudy();
    expect((await edit(studyId, { title: identifyingTitle })).statusCode).toBe(303);
    const refused = await lead.post(`/lessons/case-studies/${studyId}/approve`, { confirm: 'yes' });
    expect(refused.statusCode).toBe(400);
    const page = textOf(refused.body);
    expect(page).toContain('The title still holds what looks like an identifier');
    for (const found of ['Rosalind Pemberton', '943 476 5919', '21/09/2007']) expect(page).toContain(`“${found}”`);
    expect(refused.body).toContain('href="#title"');
    expect(await statusOf(studyId)).toBe('draft');
    expect(await sharedCopies(studyId)).toEqual([]);
  });

  it('refuses approval while a theme holds an identifier, naming the themes', async () => {
    const studyId = await aDraftCaseStudy();
    expect((await edit(studyId, { themes: 'online radicalisation, rosalind pemberton' })).statusCode).toBe(303);
    const refused = await lead.post(`/lessons/case-studies/${studyId}/approve`, { confirm: 'yes' });
    expect(refused.statusCode).toBe(400);
    expect(textOf(refused.body)).toMatch(/The themes still hold what looks like an identifier: “rosalind pemberton”/i);
    expect(refused.body).toContain('href="#themes"');
    expect(await statusOf(studyId)).toBe('draft');
  });

  it('approves once the title and themes are fixed, and refuses to share a title that was never checked', async () => {
    const studyId = await aDraftCaseStudy();
    expect((await edit(studyId, {})).statusCode).toBe(303);
    const approved = await lead.post(`/lessons/case-studies/${studyId}/approve`, { confirm: 'yes' });
    expect(approved.statusCode, textOf(approved.body).slice(0, 300)).toBe(303);
    expect(await statusOf(studyId)).toBe('approved');

    // A case study approved before titles were checked: its title was stored as typed, in plain text.
    await query(sql`update case_studies set title = ${identifyingTitle} where id = ${studyId}`);
    const refused = await lead.post(`/lessons/case-studies/${studyId}/share`, {});
    expect(refused.statusCode).toBe(400);
    const page = textOf(refused.body);
    expect(page).toContain('The title still holds what looks like an identifier');
    for (const found of ['Rosalind Pemberton', '943 476 5919', '21/09/2007']) expect(page).toContain(`“${found}”`);
    expect(await sharedCopies(studyId)).toEqual([]);

    await query(sql`update case_studies set title = ${cleanTitle} where id = ${studyId}`);
    expect((await lead.post(`/lessons/case-studies/${studyId}/share`, {})).statusCode).toBe(303);
    expect(await sharedCopies(studyId)).toEqual([{ title: cleanTitle }]);
  });
});

describe('the case study rules', () => {
  it('marks what changed on each side, word by word', () => {
    const sides = sideBySide('Seen by Dr Ann Lee on 3 May 2026.', 'Seen by Dr [name] on May 2026.');
    expect(sides.original.filter((p) => p.changed).map((p) => p.text.trim())).toEqual(['Ann Lee', '3']);
    expect(sides.result.filter((p) => p.changed).map((p) => p.text.trim())).toEqual(['[name]']);
    expect(sides.original.map((p) => p.text).join('')).toBe('Seen by Dr Ann Lee on 3 May 2026.');
    expect(sides.result.map((p) => p.text).join('')).toBe('Seen by Dr [name] on May 2026.');
    // A word is everything between spaces: an address is marked whole, a name as one run.
    const mail = sideBySide('Mail tobias.wren@example.org. Then', 'Mail [email]. Then');
    expect(mail.original.filter((p) => p.changed).map((p) => p.text)).toEqual(['tobias.wren@example.org.']);
    expect(sideBySide('Dr Ann Lee came', 'Dr [name] came').original).toEqual([
      { text: 'Dr ', changed: false },
      { text: 'Ann Lee', changed: true },
      { text: ' came', changed: false },
    ]);
  });

  it('counts themes, most used first', () => {
    expect(themeCounts([['a', 'b'], ['b'], []])).toEqual([
      { theme: 'b', count: 2 },
      { theme: 'a', count: 1 },
    ]);
  });
});
