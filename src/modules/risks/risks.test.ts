import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newOrganisation, newUser, signedInAs } from '../../../test/factories.ts';
import { demo, signedIn, type TestApp, testApp, textOf } from '../../../test/harness.ts';
import { sendDueReminders } from '../../../test/modules.ts';
import { withScope } from '../../db/tenancy.ts';
import { addMonths, todayInLondon } from '../../platform/dates.ts';
import * as organisations from '../organisations/service.ts';
import { ctlpReminders } from './reminders.ts';
import * as repository from './repository.ts';
import type { CtlpRecord, Risk } from './service.ts';
import { bandOf, ctlpStatusOf, financialYearOf, matrixOf, providerSummaryOf, score } from './service.ts';

const rows = async <T>(t: TestApp, query: ReturnType<typeof sql>) =>
  ((await t.database.db.execute(query)) as unknown as { rows: T[] }).rows;

const riskIdsIn = (html: string) =>
  [...html.matchAll(/href="\/risks\/([0-9a-f-]{36})">([^<]+)</g)].map((m) => ({ id: m[1] ?? '', title: m[2] ?? '' }));

/** A valid form for a risk, with any field changed. */
const riskForm = (changes: Record<string, string> = {}) => ({
  title: 'Prevent referrals not recorded on the case system',
  category: 'information_sharing',
  owner: 'Alex Rowe',
  inherentLikelihood: '4',
  inherentImpact: '5',
  currentLikelihood: '3',
  currentImpact: '4',
  targetLikelihood: '1',
  targetImpact: '4',
  controls: 'Weekly check of the referral log.',
  actions: 'Add a reminder to the case system.',
  eprrReference: 'EPRR-101',
  counterFraudReference: '',
  status: 'open',
  ...changes,
});

describe('scores and the matrix, worked by hand', () => {
  it('multiplies likelihood by impact and bands the product', () => {
    expect(score(4, 5)).toBe(20);
    expect(score(3, 4)).toBe(12);
    expect([1, 3, 4, 6, 8, 12, 15, 25].map(bandOf)).toEqual([
      'low',
      'low',
      'moderate',
      'moderate',
      'high',
      'high',
      'extreme',
      'extreme',
    ]);
  });

  it('counts open risks per current likelihood and impact, impact 5 at the top', () => {
    const r = (l: number, i: number, status: 'open' | 'closed' = 'open') =>
      ({ currentLikelihood: l, currentImpact: i, status }) as Risk;
    const matrix = matrixOf([r(2, 3), r(2, 3), r(5, 5), r(1, 1, 'closed')]);
    expect(matrix.map((row) => row.impact)).toEqual([5, 4, 3, 2, 1]);
    expect(matrix[0]?.cells[4]).toMatchObject({ likelihood: 5, impact: 5, score: 25, band: 'extreme', count: 1 });
    expect(matrix[2]?.cells[1]).toMatchObject({ likelihood: 2, impact: 3, score: 6, band: 'moderate', count: 2 });
    expect(matrix[4]?.cells[0]).toMatchObject({ score: 1, count: 0 }); // the closed risk is not counted
    expect(matrix.flatMap((row) => row.cells).reduce((n, c) => n + c.count, 0)).toBe(3);
  });
});

describe('the CTLP annual review rule', () => {
  const record = (year: number, fields: Partial<CtlpRecord>) =>
    ({ year, briefingReceivedOn: null, signedOffOn: null, ...fields }) as CtlpRecord;

  it('is due 12 months after the last sign-off, and red once that day has passed', () => {
    const signed = [record(2025, { briefingReceivedOn: '2025-05-01', signedOffOn: '2025-06-10' })];
    expect(ctlpStatusOf(signed, '2026-06-10')).toEqual({ lastSignOffOn: '2025-06-10', dueOn: '2026-06-10', overdue: false });
    expect(ctlpStatusOf(signed, '2026-06-11').overdue).toBe(true);
  });

  it('is red when this year’s briefing came in and nothing was ever signed off, not before a briefing', () => {
    expect(financialYearOf('2026-03-31')).toBe(2025);
    expect(financialYearOf('2026-04-01')).toBe(2026);
    expect(ctlpStatusOf([record(2026, {})], '2026-05-01').overdue).toBe(false);
    expect(ctlpStatusOf([record(2026, { briefingReceivedOn: '2026-04-20' })], '2026-05-01').overdue).toBe(true);
    // A sign-off within the last 12 months covers a new year's briefing until it lapses.
    const both = [record(2025, { signedOffOn: '2025-12-01' }), record(2026, { briefingReceivedOn: '2026-04-20' })];
    expect(ctlpStatusOf(both, '2026-05-01').overdue).toBe(false);
  });
});

describe('the risk register', () => {
  let t: TestApp;
  let org: Record<string, string>;
  beforeAll(async () => {
    t = await testApp();
    org = {};
    for (const ods of ['RZ1', 'RZ2', 'QZZ']) org[ods] = (await organisations.findByOdsCode(t.database.db, ods))?.id ?? '';
  });
  afterAll(() => t.close());

  it('lists the demo risks by current score, highest first, with the heat map’s counts', async () => {
    const lead = await signedIn(t.app, demo.operationalLead);
    const page = await lead.get('/risks');
    expect(page.statusCode).toBe(200);
    // Current scores: 4×4=16, 3×4=12, 3×3=9, 2×4=8, 2×3=6, 2×2=4.
    expect(riskIdsIn(page.body).map((r) => r.title)).toEqual([
      'Prevent training below the 85% compliance target',
      'Meeting rooms hired by groups whose events may promote extremist views',
      'Local themes from the CTLP not reflected in training content',
      'Delay in sharing information with the Channel panel',
      'Extremist material accessed on trust devices or guest Wi-Fi',
      'Single Prevent lead with no deputy',
    ]);
    const cell = (l: number, i: number) =>
      textOf(new RegExp(`data-likelihood="${l}" data-impact="${i}">([\\s\\S]*?)</td>`).exec(page.body)?.[1] ?? '');
    expect(cell(4, 4)).toBe('1 risk, 16 Extreme');
    expect(cell(3, 4)).toBe('1 risk, 12 High');
    expect(cell(2, 2)).toBe('1 risk, 4 Moderate');
    expect(cell(5, 5)).toBe('0 risks, 25 Extreme');
    expect(cell(1, 1)).toBe('0 risks, 1 Low');
    expect(textOf(page.body)).toContain('6 open in all');
  });

  it('names each mistake in the form and stores nothing', async () => {
    const lead = await signedIn(t.app, demo.operationalLead);
    const before = (await rows<{ n: number }>(t, sql`select count(*)::int as n from risks`))[0]?.n;
    const response = await lead.post(
      '/risks',
      riskForm({
        title: '',
        category: 'weather',
        owner: '',
        inherentLikelihood: '0',
        inherentImpact: '6',
        currentLikelihood: '2.5',
        currentImpact: '',
        targetLikelihood: 'x',
      }),
    );
    expect(response.statusCode).toBe(400);
    const text = textOf(response.body);
    for (const message of [
      'Enter a title for the risk',
      'Choose the risk’s category',
      'Enter the name of the risk’s owner',
      'The inherent likelihood must be a whole number from 1 to 5',
      'The inherent impact must be a whole number from 1 to 5',
      'The current likelihood must be a whole number from 1 to 5',
      'Choose the current impact',
      'The target likelihood must be a whole number from 1 to 5',
    ]) {
      expect(text).toContain(message);
    }
    const higher = await lead.post('/risks', riskForm({ targetLikelihood: '5', targetImpact: '5' }));
    expect(textOf(higher.body)).toContain('The target score cannot be higher than the current score');
    const aboveInherent = await lead.post('/risks', riskForm({ currentLikelihood: '5', currentImpact: '5' }));
    expect(textOf(aboveInherent.body)).toContain('The current score cannot be higher than the inherent score');
    // The commissioner reads the register: the anonymiser's check refuses what points at a person.
    const identifying = await lead.post('/risks', riskForm({ title: 'Patient at LS1 4AB', controls: 'Ring 07700 900123' }));
    expect(identifying.statusCode).toBe(400);
    expect(textOf(identifying.body)).toContain('The title holds what looks like an identifier: “LS1 4AB”');
    expect(textOf(identifying.body)).toContain('The controls holds what looks like an identifier: “07700 900123”');
    const after = (await rows<{ n: number }>(t, sql`select count(*)::int as n from risks`))[0]?.n;
    expect(after).toBe(before);
  });

  it('adds, changes and reviews a risk; a review sets the current score and keeps the history; every change audited', async () => {
    // At a provider of its own, so that the demo trust's register stays as the listing test reads it.
    const trust = await newOrganisation(t.database, {
      odsCode: 'RK4',
      name: 'Kestrel Vale NHS Trust',
      kind: 'nhs_trust',
      commissionerOds: 'QZZ',
    });
    const person = await newUser(t.database, {
      email: 'lead@kestrel-vale.example',
      displayName: 'Kestrel Lead',
      roles: [{ orgId: trust.id, role: 'operational_lead' }],
    });
    const lead = await signedInAs(t.app, t.database, person);
    const added = await lead.post('/risks', riskForm());
    expect(added.statusCode).toBe(303);
    const id = /\/risks\/([0-9a-f-]{36})$/.exec(added.headers.location as string)?.[1] ?? '';
    let page = textOf((await lead.get(`/risks/${id}`)).body);
    expect(page).toContain('20 Extreme (likelihood 4 × impact 5)');
    expect(page).toContain('12 High (likelihood 3 × impact 4)');
    expect(page).toContain('EPRR-101');
    expect(page).toContain('Not reviewed yet');

    expect((await lead.post(`/risks/${id}`, riskForm({ owner: 'Sam Lee' }))).statusCode).toBe(303);
    const future = await lead.post(`/risks/${id}/review`, {
      reviewedOn: '2999-01-01',
      reviewer: 'Jordan Ellis',
      likelihood: '2',
      impact: '4',
    });
    expect(textOf(future.body)).toContain('The date of the review cannot be in the future');
    const bad = await lead.post(`/risks/${id}/review`, { reviewedOn: '2026-13-01', reviewer: '', likelihood: '7', impact: '4' });
    expect(bad.statusCode).toBe(400);
    for (const message of [
      'Enter a real date',
      'Enter the name of the reviewer',
      'The current likelihood must be a whole number from 1 to 5',
    ])
      expect(textOf(bad.body)).toContain(message);

    const today = todayInLondon();
    expect(
      (
        await lead.post(`/risks/${id}/review`, {
          reviewedOn: '2026-01-10',
          reviewer: 'Jordan Ellis',
          likelihood: '2',
          impact: '4',
          note: 'Log checks working.',
        })
      ).statusCode,
    ).toBe(303);
    expect(
      (await lead.post(`/risks/${id}/review`, { reviewedOn: today, reviewer: 'Morgan Hale', likelihood: '1', impact: '4' }))
        .statusCode,
    ).toBe(303);
    page = textOf((await lead.get(`/risks/${id}`)).body);
    expect(page).toContain('Sam Lee');
    expect(page).toContain('4 Moderate (likelihood 1 × impact 4)');
    expect(page).toContain('likelihood 2 × impact 4 = 8');
    expect(page).toContain('likelihood 1 × impact 4 = 4');
    expect(page).toContain('Log checks working.');
    expect(page.indexOf('Morgan Hale')).toBeLessThan(page.indexOf('Log checks working.')); // the latest first
    const [stored] = await rows<{ l: number; i: number }>(
      t,
      sql`select current_likelihood as l, current_impact as i from risks where id = ${id}`,
    );
    expect(stored).toEqual({ l: 1, i: 4 });
    const reviews = await rows<{ n: number }>(t, sql`select count(*)::int as n from risk_reviews where risk_id = ${id}`);
    expect(reviews[0]?.n).toBe(2);
    const actions = await rows<{ action: string; details: Record<string, unknown> }>(
      t,
      sql`select action, details from audit_events where record_id = ${id} order by seq`,
    );
    expect(actions.map((a) => a.action)).toEqual(['risk.added', 'risk.updated', 'risk.reviewed', 'risk.reviewed']);
    expect(actions[0]?.details).toMatchObject({ inherent: 20, current: 12, target: 4 });
    expect(actions[3]?.details).toMatchObject({ from: 8, to: 4 });
  });

  it('keeps each organisation’s register to itself: another trust’s risk is not found', async () => {
    const lead = await signedIn(t.app, demo.operationalLead);
    const [first] = riskIdsIn((await lead.get('/risks')).body);
    const other = await signedIn(t.app, demo.otherTrustLead);
    expect(riskIdsIn((await other.get('/risks')).body)).toEqual([]);
    expect((await other.get(`/risks/${first?.id}`)).statusCode).toBe(404);
    expect((await other.get(`/risks/${first?.id}/edit`)).statusCode).toBe(404);
    expect((await other.post(`/risks/${first?.id}`, riskForm())).statusCode).toBe(404);
    expect(
      (await other.post(`/risks/${first?.id}/review`, { reviewedOn: '2026-01-01', reviewer: 'X', likelihood: '1', impact: '1' }))
        .statusCode,
    ).toBe(404);
    const commissioner = await signedIn(t.app, demo.commissioner);
    expect((await commissioner.get(`/risks/${first?.id}`)).statusCode).toBe(404); // the pages show the ICB's own register only
  });

  it('lets the database show a commissioner its providers’ risks to read, and no one else’s; never to change', async () => {
    const asOrg = (orgId: string) => ({ userId: null, orgIds: [orgId] });
    const read = (scopeOrg: string, ofOrg: string) =>
      withScope(t.database.db, asOrg(scopeOrg), (tx) => repository.risksOf(tx, ofOrg));
    const own = await read(org.RZ1 as string, org.RZ1 as string);
    expect(own.length).toBeGreaterThanOrEqual(6);
    expect((await read(org.QZZ as string, org.RZ1 as string)).length).toBe(own.length);
    expect(await read(org.RZ2 as string, org.RZ1 as string)).toEqual([]);
    await withScope(t.database.db, asOrg(org.QZZ as string), (tx) =>
      repository.updateRisk(tx, org.RZ1 as string, own[0]?.id as string, { title: 'Changed by the ICB' }),
    );
    const [row] = await rows<{ title: string }>(t, sql`select title from risks where id = ${own[0]?.id}`);
    expect(row?.title).not.toBe('Changed by the ICB');
  });

  it('lets a board viewer and an administrator read but not change, and closes it to those without the permission', async () => {
    const lead = await signedIn(t.app, demo.operationalLead);
    const [first] = riskIdsIn((await lead.get('/risks')).body);
    for (const email of [demo.boardViewer, demo.systemAdmin]) {
      const viewer = await signedIn(t.app, email);
      const list = await viewer.get('/risks');
      expect(list.statusCode).toBe(200);
      expect(textOf(list.body)).not.toContain('Add a risk');
      expect((await viewer.get(`/risks/${first?.id}`)).statusCode).toBe(200);
      expect((await viewer.get('/risks/ctlp')).statusCode).toBe(200);
      for (const url of ['/risks/new', `/risks/${first?.id}/edit`, `/risks/${first?.id}/review`, '/risks/ctlp/2026'])
        expect((await viewer.get(url)).statusCode, url).toBe(403);
      expect((await viewer.post('/risks', riskForm())).statusCode).toBe(403);
    }
    for (const email of [demo.staff, demo.practitioner, demo.trainingAdmin, demo.regionalLead]) {
      const visitor = await signedIn(t.app, email);
      for (const url of ['/risks', `/risks/${first?.id}`, '/risks/ctlp', '/risks/new'])
        expect((await visitor.get(url)).statusCode, `${email} ${url}`).toBe(403);
    }
    for (const email of [demo.accountableLead, demo.commissioner]) {
      const editor = await signedIn(t.app, email);
      expect((await editor.get('/risks/new')).statusCode).toBe(200);
    }
  });
});

describe('the CTLP record', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(() => t.close());
  const today = todayInLondon();
  const year = financialYearOf(today);

  it('shows the demo trust’s record signed off by the accountable lead, with the risks that reflect it', async () => {
    const lead = await signedIn(t.app, demo.operationalLead);
    const page = await lead.get('/risks/ctlp');
    expect(page.statusCode).toBe(200);
    const text = textOf(page.body);
    expect(text).toContain('Do not store protectively marked content');
    expect(text).toContain('Up to date');
    expect(text).toMatch(/signed off by Morgan Hale on/);
    expect(text).toContain('Prevent training below the 85% compliance target');
    expect(text).not.toContain('Overdue');
  });

  it('lets only the accountable lead sign off, recording their name and the day', async () => {
    const other = await signedIn(t.app, demo.otherTrustLead);
    expect(textOf((await other.get('/risks/ctlp')).body)).toContain('Only the accountable Prevent lead can sign off');
    expect((await other.post(`/risks/ctlp/${year}/sign-off`, { reviewedOn: today })).statusCode).toBe(403);
    const operational = await signedIn(t.app, demo.operationalLead);
    expect((await operational.post(`/risks/ctlp/${year}/sign-off`, { reviewedOn: today })).statusCode).toBe(403);

    const director = await signedIn(t.app, demo.accountableLead);
    const bad = await director.post(`/risks/ctlp/${year}/sign-off`, { reviewedOn: '' });
    expect(bad.statusCode).toBe(400);
    expect(textOf(bad.body)).toContain('Enter the date of the annual review');
    expect((await director.post(`/risks/ctlp/${year}/sign-off`, { reviewedOn: today })).statusCode).toBe(303);
    const [row] = await rows<{ name: string; on: string; id: string }>(
      t,
      sql`select c.signed_off_by_name as name, c.signed_off_on::text as on, c.id from ctlp_records c join organisations o on o.id = c.org_id where o.ods_code = 'RZ1' and c.year = ${year}`,
    );
    expect(row).toMatchObject({ name: 'Morgan Hale', on: today });
    const actions = await rows<{ action: string }>(
      t,
      sql`select action from audit_events where record_id = ${row?.id} order by seq`,
    );
    expect(actions.map((a) => a.action)).toEqual(['ctlp.saved', 'ctlp.signed_off', 'ctlp.signed_off']);
  });

  it('saves a year’s record with linked risks of the organisation’s own only, and checks its fields', async () => {
    const other = await signedIn(t.app, demo.otherTrustLead);
    const lead = await signedIn(t.app, demo.operationalLead);
    const [rz1Risk] = riskIdsIn((await lead.get('/risks')).body);
    expect((await other.get(`/risks/ctlp/${year}`)).statusCode).toBe(200);
    expect((await other.get('/risks/ctlp/1999')).statusCode).toBe(404);
    const bad = await other.post(`/risks/ctlp/${year}`, { briefingReceivedOn: '2999-01-01', priorityArea: '' });
    expect(bad.statusCode).toBe(400);
    expect(textOf(bad.body)).toContain('Say whether the area is a Prevent priority area');
    const future = await other.post(`/risks/ctlp/${year}`, { briefingReceivedOn: '2999-01-01', priorityArea: 'no' });
    expect(textOf(future.body)).toContain('The date the briefing was received cannot be in the future');
    const foreign = await other.post(`/risks/ctlp/${year}`, { priorityArea: 'yes', riskIds: rz1Risk?.id ?? '' });
    expect(textOf(foreign.body)).toContain('Choose risks from your own register');
    const itemOf = async (ods: string) =>
      (
        await rows<{ id: string; title: string }>(
          t,
          sql`select i.id, i.title from work_programme_items i join organisations o on o.id = i.org_id where o.ods_code = ${ods} order by i.title limit 1`,
        )
      )[0];
    // Dales starts this year's work programme, which comes with the items the standards require.
    expect((await other.post(`/programme/${year}/start`, {})).statusCode).toBe(303);
    const [own, theirs] = [await itemOf('RZ2'), await itemOf('RZ1')];
    expect(own && theirs).toBeTruthy();
    const foreignItem = await other.post(`/risks/ctlp/${year}`, { priorityArea: 'yes', itemIds: theirs?.id ?? '' });
    expect(foreignItem.statusCode).toBe(400);
    expect(textOf(foreignItem.body)).toContain('Choose items from your own work programme');
    const saved = await other.post(`/risks/ctlp/${year}`, {
      briefingReceivedOn: today,
      themes: 'Our own summary.',
      priorityArea: 'yes',
      itemIds: own?.id ?? '',
      programmeReferences: 'Item 4',
    });
    expect(saved.statusCode).toBe(303);
    const page = await other.get('/risks/ctlp');
    const text = textOf(page.body);
    expect(text).toContain('Our own summary.');
    expect(text).toContain('Other: Item 4');
    expect(page.body).toContain(`href="/programme/items/${own?.id}"`);
    // The form shows it chosen.
    expect((await other.get(`/risks/ctlp/${year}`)).body).toMatch(new RegExp(`value="${own?.id}"[^>]*checked`));
  });

  it('shows an overdue review in red and reminds the Prevent leads once', async () => {
    const other = await signedIn(t.app, demo.otherTrustLead);
    const page = await other.get('/risks/ctlp');
    expect(page.body).toContain('nhsuk-tag--red">Overdue');
    expect(textOf(page.body)).toContain('never been signed off');
    const reminders = await ctlpReminders(t.database, today);
    const rz2 = (await organisations.findByOdsCode(t.database.db, 'RZ2'))?.id;
    const rz1 = (await organisations.findByOdsCode(t.database.db, 'RZ1'))?.id;
    expect(reminders.map((r) => r.orgId)).toContain(rz2);
    expect(reminders.map((r) => r.orgId)).not.toContain(rz1);
    expect(reminders.find((r) => r.orgId === rz2)).toMatchObject({
      key: `ctlp-review-overdue:${rz2}:never`,
      roles: ['operational_lead', 'accountable_lead'],
      link: '/risks/ctlp',
    });
    const sent = async () =>
      (await rows<{ n: number }>(t, sql`select count(*)::int as n from notifications where kind = 'ctlp'`))[0]?.n;
    await sendDueReminders(t.database, today);
    const once = await sent();
    expect(once).toBeGreaterThan(0);
    await sendDueReminders(t.database, today);
    expect(await sent()).toBe(once);
    // A year on from RZ1's sign-off, RZ1 is overdue too.
    const later = await ctlpReminders(t.database, `${Number(today.slice(0, 4)) + 2}${today.slice(4)}`);
    expect(later.map((r) => r.orgId)).toContain(rz1);
  });
});

describe('a provider’s figures for its commissioner, worked by hand', () => {
  const count = (status: 'open' | 'closed', value: number, n: number) => ({ orgId: 'p', status, score: value, count: n });

  it('counts open risks only, extreme at 15–25 and high at 8–12, and names the highest open score', () => {
    const summary = providerSummaryOf(
      [count('open', 16, 1), count('open', 12, 2), count('open', 8, 1), count('open', 6, 3), count('closed', 25, 4)],
      [],
      '2026-05-01',
    );
    // Open: 1 + 2 + 1 + 3 = 7; extreme: the 16; high: the two 12s and the 8; the closed 25s count for nothing.
    expect(summary).toMatchObject({ recorded: 11, open: 7, extreme: 1, high: 3, highest: { score: 16, band: 'extreme' } });
    expect(summary.ctlp).toEqual({ lastSignOffOn: null, dueOn: null, overdue: false });
  });

  it('gives zeros and no highest score for a provider with no register', () => {
    expect(providerSummaryOf([], [], '2026-05-01')).toMatchObject({ recorded: 0, open: 0, extreme: 0, high: 0, highest: null });
  });
});

describe('the commissioner’s read-only view of its providers’ registers', () => {
  let t: TestApp;
  const org: Record<string, string> = {};
  const today = todayInLondon();
  const longDate = (day: string) =>
    new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' }).format(
      new Date(day),
    );
  const mainOf = (html: string) => /<main[\s\S]*<\/main>/.exec(html)?.[0] ?? '';
  /** The words of the overview table's row for a provider. */
  const rowOf = (html: string, name: string) =>
    textOf([...mainOf(html).matchAll(/<tr[\s\S]*?<\/tr>/g)].map((m) => m[0]).find((row) => row.includes(`>${name}</a>`)) ?? '');
  const addRisk = (orgId: string, title: string, l: number, i: number, status = 'open') =>
    t.database.db.execute(sql`insert into risks (org_id, title, category, owner, inherent_likelihood, inherent_impact,
      current_likelihood, current_impact, target_likelihood, target_impact, status)
      values (${orgId}, ${title}, 'training', 'Pat Quill', 5, 5, ${l}, ${i}, 1, 1, ${status})`);

  beforeAll(async () => {
    t = await testApp();
    for (const ods of ['RZ1', 'RZ2', 'NZ3', 'QZZ']) org[ods] = (await organisations.findByOdsCode(t.database.db, ods))?.id ?? '';
    // Another ICB with a provider of its own, whose register the Northshire commissioner must not reach.
    const seeder = { userId: null, label: 'test', ip: null };
    const region = 'Northshire and Dales (demo region)';
    await organisations.addOrganisation(t.database.db, seeder, { odsCode: 'QZ7', name: 'Other Test ICB', kind: 'icb', region });
    const foreign = await organisations.addOrganisation(t.database.db, seeder, {
      odsCode: 'RZ6',
      name: 'Elsewhere Test NHS Trust',
      kind: 'nhs_trust',
      region,
      commissionerOds: 'QZ7',
    });
    org.RZ6 = foreign.id;
    await addRisk(foreign.id, 'A risk of another ICB’s provider', 5, 5);
    // The independent provider: one open extreme (3 × 5 = 15), one open moderate (2 × 2 = 4), one closed at 25.
    await addRisk(org.NZ3 as string, 'Clinic staff unaware of the Prevent referral route', 3, 5);
    await addRisk(org.NZ3 as string, 'Guest Wi-Fi not filtered', 2, 2);
    await addRisk(org.NZ3 as string, 'An old risk, now closed', 5, 5, 'closed');
  });
  afterAll(() => t.close());

  it('lists each provider with its figures, worked out by hand, and a link to its register', async () => {
    const commissioner = await signedIn(t.app, demo.commissioner);
    const own = await commissioner.get('/risks');
    expect(own.body).toContain('<a href="/risks/providers">Providers’ risk registers</a>');
    const page = await commissioner.get('/risks/providers');
    expect(page.statusCode).toBe(200);
    const body = mainOf(page.body);
    // RZ1 (the demo): current scores 16, 12, 9, 8, 6, 4, all open; this year's CTLP signed off today.
    expect(body).toContain(`<a href="/risks/providers/${org.RZ1}">Northshire`);
    expect(rowOf(page.body, 'Northshire Teaching Hospitals NHS Foundation Trust')).toBe(
      `Provider Northshire Teaching Hospitals NHS Foundation Trust RZ1, NHS foundation trust Open risks 6 Extreme 1 High 3 ` +
        `Highest current score 16 Extreme Last CTLP sign-off ${longDate(today)} ` +
        `CTLP annual review Up to date next due by ${longDate(addMonths(today, 12))}`,
    );
    // RZ2: no risks; this year's briefing recorded and never signed off.
    expect(rowOf(page.body, 'Dales Community and Mental Health NHS Trust')).toBe(
      'Provider Dales Community and Mental Health NHS Trust RZ2, NHS trust Open risks 0 Extreme 0 High 0 ' +
        'Highest current score No risks recorded Last CTLP sign-off Never ' +
        'CTLP annual review Overdue this year’s briefing recorded, never signed off',
    );
    // NZ3: 15 and 4 open (one extreme, none high), the closed 25 not counted; no CTLP at all.
    expect(rowOf(page.body, 'Harbourside Independent Clinics Ltd')).toBe(
      'Provider Harbourside Independent Clinics Ltd NZ3, Independent provider Open risks 2 Extreme 1 High 0 ' +
        'Highest current score 15 Extreme Last CTLP sign-off Never CTLP annual review No review signed off yet',
    );
    expect(body).toContain('nhsuk-tag--red">Overdue');
    expect(body).not.toContain('Elsewhere Test NHS Trust');
    expect(body).not.toContain(`/risks/providers/${org.QZZ}`); // the ICB's own register is on /risks
    expect([...body.matchAll(/href="\/risks\/providers\//g)].length).toBe(3);
  });

  it('shows a provider’s register, heat map and CTLP to read, with nothing to change', async () => {
    const commissioner = await signedIn(t.app, demo.commissioner);
    const page = await commissioner.get(`/risks/providers/${org.RZ1}`);
    expect(page.statusCode).toBe(200);
    const body = mainOf(page.body);
    const text = textOf(body);
    const cell = (l: number, i: number) =>
      textOf(new RegExp(`data-likelihood="${l}" data-impact="${i}">([\\s\\S]*?)</td>`).exec(body)?.[1] ?? '');
    expect(cell(4, 4)).toBe('1 risk, 16 Extreme');
    expect(cell(3, 4)).toBe('1 risk, 12 High');
    expect(cell(5, 5)).toBe('0 risks, 25 Extreme');
    expect(text).toContain('6 open in all');
    // The list, by current score (16, 12, 9, 8, 6, 4), before the CTLP section that names some of them again.
    const list = text.slice(
      text.indexOf('Risks, highest current score first'),
      text.indexOf('Counter terrorism local profile (CTLP)'),
    );
    const order = [
      'Prevent training below the 85% compliance target',
      'Meeting rooms hired by groups whose events may promote extremist views',
      'Local themes from the CTLP not reflected in training content',
      'Delay in sharing information with the Channel panel',
      'Extremist material accessed on trust devices or guest Wi-Fi',
      'Single Prevent lead with no deputy',
    ].map((title) => list.indexOf(title));
    expect(order.every((at, i) => at > 0 && (i === 0 || at > (order[i - 1] as number)))).toBe(true);
    expect(text).toContain('Up to date');
    expect(text).toMatch(/signed off by Morgan Hale on/);
    expect(text).toContain('Self-initiated online radicalisation among young people');
    // Read only: no buttons, no forms, no links into the provider's records (those pages are the provider's own).
    expect(body).not.toContain('nhsuk-button');
    expect(body).not.toMatch(/<form/);
    expect(body).not.toMatch(/href="\/risks\/(?!providers)/);
    for (const words of ['Add a risk', 'Review this risk', 'Change', 'Record the CTLP', 'Sign off'])
      expect(text).not.toContain(words);

    const overdue = await commissioner.get(`/risks/providers/${org.RZ2}`);
    expect(overdue.statusCode).toBe(200);
    expect(textOf(mainOf(overdue.body))).toContain('No risks recorded yet.');
    expect(overdue.body).toContain('nhsuk-tag--red">Overdue');
    const nz3 = textOf(mainOf((await commissioner.get(`/risks/providers/${org.NZ3}`)).body));
    expect(nz3).toContain('2 open in all');
    expect(nz3).toContain('An old risk, now closed');
    expect(nz3).toContain('No CTLP recorded yet.');
  });

  it('answers 404 for another ICB’s provider, its own ICB, an unknown id or no id at all', async () => {
    const commissioner = await signedIn(t.app, demo.commissioner);
    for (const id of [org.RZ6, org.QZZ, '00000000-0000-4000-8000-000000000000', 'not-a-uuid', `${org.RZ1}x`]) {
      const response = await commissioner.get(`/risks/providers/${id}`);
      expect(response.statusCode, id).toBe(404);
      expect(response.body).not.toContain('A risk of another ICB’s provider');
    }
  });

  it('refuses a provider’s own leads and anyone else without the permission, and shows them no link', async () => {
    for (const email of [demo.operationalLead, demo.otherTrustLead, demo.accountableLead, demo.icbAdmin, demo.regionalLead]) {
      const visitor = await signedIn(t.app, email);
      for (const url of ['/risks/providers', `/risks/providers/${org.RZ1}`, `/risks/providers/${org.RZ2}`])
        expect((await visitor.get(url)).statusCode, `${email} ${url}`).toBe(403);
    }
    const lead = await signedIn(t.app, demo.operationalLead);
    expect((await lead.get('/risks')).body).not.toContain('/risks/providers');
  });
});
