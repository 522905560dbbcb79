import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docxXml, pdfOutline, pdfText } from '../../../test/documents.ts';
import { contextOf, newCase, newOrganisation, newUser, signedInAs } from '../../../test/factories.ts';
import { type TestApp, testApp, textOf } from '../../../test/harness.ts';
import { databaseRefusal, fieldErrors } from '../../../test/refusals.ts';
import type { RequestContext } from '../../platform/context.ts';
import { addDays, addMonths, londonDateTime, todayInLondon } from '../../platform/dates.ts';
import { textsOf } from '../../platform/documents/document.ts';
import { reportDocx } from '../../platform/documents/docx.ts';
import { reportPdf } from '../../platform/documents/pdf.ts';
import { ForbiddenError, NotFoundError } from '../../platform/errors.ts';
import * as concerns from '../concerns/service.ts';
import * as training from '../training/service.ts';
import * as dataReturn from './data-return.ts';
import { keepLastMonth, lastDayOf, monthFiguresFor, monthOf } from './month-end.ts';
import * as reports from './service.ts';

const alphabet = 'ABCDEFGHJKLMNPSTUVWX0123456789';
let counter = Math.floor(Math.random() * 200);
const suffix = () => {
  counter += 1;
  return `${alphabet[Math.floor(counter / alphabet.length) % alphabet.length]}${alphabet[counter % alphabet.length]}`;
};

const today = todayInLondon();
const lastMonth = monthOf(addMonths(`${monthOf(today)}-01`, -1));
const twoMonthsAgo = monthOf(addMonths(`${monthOf(today)}-01`, -2));
const thisYear = reports.financialYearOf(today);

/** An ICB with a provider, the provider's two Prevent leads and training administrator, and the ICB's commissioner lead. */
async function newWorld(t: TestApp) {
  const s = suffix();
  const icb = await newOrganisation(t.database, { odsCode: `Q${s}`, name: `Report ${s} ICB`, kind: 'icb' });
  const provider = await newOrganisation(t.database, {
    odsCode: `R${s}`,
    name: `Report ${s} NHS Trust`,
    kind: 'nhs_trust',
    commissionerOds: icb.odsCode,
  });
  const person = async (
    role: 'operational_lead' | 'accountable_lead' | 'training_admin' | 'commissioner_lead',
    orgId: string,
  ) => {
    const user = await newUser(t.database, {
      email: `${role}.${s}@report-test.example`,
      displayName: `${role.replace('_', ' ')} ${s}`,
      roles: [{ orgId, role }],
    });
    return { user, ctx: await contextOf(t.database, user) };
  };
  return {
    s,
    icb,
    provider,
    lead: await person('operational_lead', provider.id),
    director: await person('accountable_lead', provider.id),
    trainer: await person('training_admin', provider.id),
    commissioner: await person('commissioner_lead', icb.id),
  };
}

/** A case raised at a moment in the past, as if the form had been sent then. */
async function caseRaisedOn(t: TestApp, ctx: RequestContext, day: string, fields: Record<string, string> = {}) {
  const form = {
    immediateRisk: 'no',
    subjectType: 'patient',
    subjectName: 'Zed Example',
    nhsNumber: '999 000 0018',
    dateOfBirth: '1990-01-02',
    narrative: 'Patient shared extremist material with other patients on the ward.',
    observedAt: `${day}T10:00`,
    location: 'Ward 3',
    ...fields,
  };
  return concerns.raiseConcern(t.database.db, { kind: 'person', ctx }, form, londonDateTime(day, '12:00'));
}

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(async () => {
  await t?.close();
});

describe('month-end figures', () => {
  it('keeps a month once: a later record or import changes today’s figures, never the kept month', async () => {
    const w = await newWorld(t);
    const member = await training.addStaff(t.database.db, w.trainer.ctx, {
      employeeNumber: `E${w.s}`,
      assignmentNumber: `A${w.s}`,
      firstName: 'Test',
      lastName: 'Member',
    });
    await caseRaisedOn(t, w.lead.ctx, `${lastMonth}-10`);
    expect(await keepLastMonth(t.database, today)).toBeGreaterThan(0);
    const [kept] = await monthFiguresFor(t.database.db, w.provider.id, [lastMonth], today);
    expect(kept?.figures.training.basic).toMatchObject({ inScope: 1, compliant: 0, neverTrained: 1 });
    expect(kept?.figures.concerns.raised).toBe(1);
    expect(kept?.computedLater).toBe(today > addDays(lastDayOf(lastMonth), 2));

    // A record completed before that month end, entered now: today's figures change, the kept month does not.
    await training.addRecord(t.database.db, w.trainer.ctx, member.id, {
      course: 'Prevent awareness',
      level: 'basic',
      completedOn: `${twoMonthsAgo}-05`,
    });
    const [again] = await monthFiguresFor(t.database.db, w.provider.id, [lastMonth], today);
    expect(again?.figures.training.basic).toMatchObject({ inScope: 1, compliant: 0, neverTrained: 1 });
    const now = await training.levelCountsForOrganisation(t.database.db, w.provider.id, today);
    expect(now.find((l) => l.level === 'basic')?.compliant).toBe(1);
    // And the training trend's own month end agrees with the kept month.
    const trend = await training.levelCountsAt(t.database.db, w.trainer.ctx, [lastDayOf(lastMonth)]);
    expect(trend.get(lastDayOf(lastMonth))?.find((l) => l.level === 'basic')?.compliant).toBe(0);

    // Running the job again keeps nothing new; the database refuses to change a kept month.
    await expect(keepLastMonth(t.database, today)).resolves.toBe(0);
    expect(
      await databaseRefusal(
        t.database.db.execute(sql`update month_end_figures set figures = '{}' where org_id = ${w.provider.id}`),
      ),
    ).toMatch(/fixed record/);
  });

  it('counts a past month never kept once, marks it as counted later, and keeps it', async () => {
    const w = await newWorld(t);
    const longAgo = monthOf(addMonths(`${monthOf(today)}-01`, -5));
    const [first] = await monthFiguresFor(t.database.db, w.provider.id, [longAgo], today);
    expect(first?.computedLater).toBe(true);
    await caseRaisedOn(t, w.lead.ctx, `${longAgo}-12`);
    const [second] = await monthFiguresFor(t.database.db, w.provider.id, [longAgo], today);
    expect(second?.figures.concerns.raised).toBe(0);
    expect(second?.keptAt?.getTime()).toBe(first?.keptAt?.getTime());
  });
});

describe('the annual board report', () => {
  it('goes from draft to approved, presented and shared, and the commissioner reads the shared copy', async () => {
    const w = await newWorld(t);
    for (let i = 0; i < 3; i++) await caseRaisedOn(t, w.lead.ctx, `${lastMonth}-0${i + 2}`);
    const draft = await reports.startDraft(t.database.db, w.lead.ctx, { year: String(thisYear) });
    expect(draft).toMatchObject({ status: 'draft', version: 1, year: thisYear });
    // Starting again gives the same draft.
    expect((await reports.startDraft(t.database.db, w.lead.ctx, { year: String(thisYear) })).id).toBe(draft.id);

    // Identifying text is refused, naming the field and what was found, and nothing is saved.
    const refused = await fieldErrors(
      reports.saveWritten(t.database.db, w.lead.ctx, draft.id, { significantIncidents: 'Dr Hale reported a patient on ward 3' }),
    );
    expect(refused.significantIncidents).toMatch(/Hale/);
    expect((await reports.reportPage(t.database.db, w.lead.ctx, draft.id)).report.significantIncidents).toBeNull();
    // Too long, and an answer not offered.
    const bad = await fieldErrors(
      reports.saveWritten(t.database.db, w.lead.ctx, draft.id, { priorities: 'x'.repeat(4001), resourcesAnswer: 'maybe' }),
    );
    expect(Object.keys(bad).sort()).toEqual(['priorities', 'resourcesAnswer']);

    // Approval needs the accountable lead, the statement on resources and the confirmation.
    await expect(reports.approve(t.database.db, w.lead.ctx, draft.id, { confirm: 'yes' })).rejects.toBeInstanceOf(ForbiddenError);
    expect(await fieldErrors(reports.approve(t.database.db, w.director.ctx, draft.id, { confirm: 'yes' }))).toHaveProperty(
      'resourcesAnswer',
    );
    await reports.saveWritten(t.database.db, w.lead.ctx, draft.id, {
      significantIncidents: 'One incident on a ward was handled under the policy and reviewed.',
      resourcesAnswer: 'not_adequate',
      resourcesStatement: 'Level 3 training needs a second trainer.',
      priorities: 'Recruit a second trainer.',
    });
    expect(await fieldErrors(reports.approve(t.database.db, w.director.ctx, draft.id, {}))).toHaveProperty('confirm');
    await reports.approve(t.database.db, w.director.ctx, draft.id, { confirm: 'yes', exactCounts: 'yes' });

    const approved = await reports.reportPage(t.database.db, w.lead.ctx, draft.id);
    expect(approved.report.status).toBe('approved');
    expect(reports.checksumOf(approved.document)).toBe(approved.report.boardChecksum);
    const boardText = textsOf(approved.document).join('\n');
    expect(boardText).toContain('Level 3 training needs a second trainer.');
    expect(boardText).toContain(`Signed: accountable lead ${w.s}`);
    expect(boardText).toContain('not adequate');
    // The board's copy has the exact count of 3 concerns; the shared copy hides it.
    const activity = approved.document.sections.find((s) => s.heading === 'Concerns, referrals and Channel');
    expect(JSON.stringify(activity)).toContain('"3"');

    // Frozen: the service refuses changes, and so does the database.
    expect(await fieldErrors(reports.saveWritten(t.database.db, w.lead.ctx, draft.id, { priorities: 'Other' }))).toHaveProperty(
      'status',
    );
    expect(
      await databaseRefusal(t.database.db.execute(sql`update board_reports set priorities = 'changed' where id = ${draft.id}`)),
    ).toMatch(/frozen/);

    // Shared only once presented; the board date cannot be in the future.
    expect(await fieldErrors(reports.share(t.database.db, w.lead.ctx, draft.id))).toHaveProperty('share');
    expect(
      await fieldErrors(
        reports.recordPresented(t.database.db, w.lead.ctx, draft.id, { presentedOn: addDays(today, 1), minuteReference: 'BM/1' }),
      ),
    ).toHaveProperty('presentedOn');
    expect(
      await fieldErrors(reports.recordPresented(t.database.db, w.lead.ctx, draft.id, { presentedOn: today })),
    ).toHaveProperty('minuteReference');
    await reports.recordPresented(t.database.db, w.lead.ctx, draft.id, { presentedOn: today, minuteReference: 'BM/26/114' });
    expect(await reports.sharedReports(t.database.db, w.commissioner.ctx)).toEqual([]);
    await reports.share(t.database.db, w.lead.ctx, draft.id);

    const seen = await reports.sharedReports(t.database.db, w.commissioner.ctx);
    expect(seen.map((s) => s.report.id)).toEqual([draft.id]);
    const shared = await reports.sharedReport(t.database.db, w.commissioner.ctx, draft.id);
    expect(reports.checksumOf(shared.document)).toBe(shared.report.sharedChecksum);
    const sharedActivity = JSON.stringify(shared.document.sections.find((s) => s.heading === 'Concerns, referrals and Channel'));
    expect(sharedActivity).toContain('fewer than 5');
    expect(sharedActivity).not.toContain('"3"');

    // Another ICB's commissioner sees none of it; the provider's leads do not reach it as "shared".
    const other = await newWorld(t);
    expect(await reports.sharedReports(t.database.db, other.commissioner.ctx)).toEqual([]);
    await expect(reports.sharedReport(t.database.db, other.commissioner.ctx, draft.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(reports.reportPage(t.database.db, other.lead.ctx, draft.id)).rejects.toBeInstanceOf(NotFoundError);

    // A new version carries over what was written; the approved one stays readable.
    const next = await reports.startDraft(t.database.db, w.lead.ctx, { year: String(thisYear) });
    expect(next).toMatchObject({ version: 2, status: 'draft', priorities: 'Recruit a second trainer.' });
    expect((await reports.reportPage(t.database.db, w.lead.ctx, draft.id)).report.status).toBe('approved');
  });

  it('refuses a year it does not offer', async () => {
    const w = await newWorld(t);
    expect(await fieldErrors(reports.startDraft(t.database.db, w.lead.ctx, { year: '1999' }))).toHaveProperty('year');
    expect(await fieldErrors(reports.startDraft(t.database.db, w.lead.ctx, {}))).toHaveProperty('year');
  });

  it('puts the same figures in the PDF and the Word file, and nothing identifying from the cases', async () => {
    const w = await newWorld(t);
    const marker = `Quillfeather${w.s}`;
    await caseRaisedOn(t, w.lead.ctx, `${lastMonth}-03`, {
      subjectName: `Ottoline ${marker}`,
      nhsNumber: '999 000 0026',
      narrative: `Spoke of the Zorbanite collective ${marker} on the ward.`,
      location: `Thistledown ${marker}`,
    });
    await newCase(t.database, w.lead.ctx, { subjectName: `Other ${marker}` });
    const draft = await reports.startDraft(t.database.db, w.lead.ctx, { year: String(thisYear) });
    const { document } = await reports.reportPage(t.database.db, w.lead.ctx, draft.id);
    const pdf = await reportPdf(document);
    const docx = await reportDocx(document);
    const text = (await pdfText(pdf)).replace(/\s+/g, ' ');
    const xml = await docxXml(docx);
    for (const heading of ['Training compliance', 'Concerns, referrals and Channel', 'Whether resources are adequate']) {
      expect(await pdfOutline(pdf)).toContain(heading);
      expect(text).toContain(heading);
      expect(xml).toContain(heading);
    }
    expect(text).toContain(w.provider.name);
    // The figures in the files are the service's: every cell of the training table and the year's concerns.
    const tables = document.sections
      .flatMap((s) => s.blocks)
      .flatMap((b) => (b.kind === 'table' ? [b] : b.kind === 'chart' ? [b.table] : []));
    const byLevel = tables.find((b) => b.caption.startsWith('Training compliance by level'));
    const year = tables.find((b) => b.caption === 'Concerns raised, referrals and Channel each month')?.rows.at(-1);
    expect(year?.[0]).toBe('The year so far');
    for (const cell of [...(byLevel?.rows.flat() ?? []), ...(year ?? [])]) {
      expect(text).toContain(cell);
      expect(xml).toContain(cell);
    }
    for (const secret of [marker, 'Ottoline', '999 000 0026', '9990000026', 'Zorbanite', 'Thistledown']) {
      expect(text).not.toContain(secret);
      expect(xml).not.toContain(secret);
      expect(JSON.stringify(document)).not.toContain(secret);
    }
  });
});

describe('the quarterly data return', () => {
  it('gives an ICB its own row, each provider’s and the total, suppressed', async () => {
    const w = await newWorld(t);
    const quarter = dataReturn.quarterContaining(today);
    for (let i = 0; i < 6; i++) await caseRaisedOn(t, w.lead.ctx, quarter.from < `${monthOf(today)}-01` ? quarter.from : today);
    const own = await dataReturn.dataReturnFor(t.database.db, w.lead.ctx, quarter.code);
    expect(own.rows).toHaveLength(1);
    expect(own.rows[0]).toMatchObject({ quarter: quarter.code, ods_code: w.provider.odsCode, concerns_raised: '5' });
    const combined = await dataReturn.dataReturnFor(t.database.db, w.commissioner.ctx, quarter.code);
    expect(combined.rows.map((r) => r.ods_code)).toEqual([w.icb.odsCode, w.provider.odsCode, 'TOTAL']);
    const csv = dataReturn.csvOf(combined);
    expect(csv.split('\r\n')[0]).toBe(dataReturn.columns.join(','));
    expect(csv).not.toMatch(/Zed Example|999 000 0018/);
  });

  it('says what is wrong with a quarter', async () => {
    const w = await newWorld(t);
    for (const bad of ['2026-Q5', 'Q3-2026', '2026Q3']) {
      expect(await fieldErrors(dataReturn.dataReturnFor(t.database.db, w.lead.ctx, bad))).toHaveProperty('quarter');
    }
    expect((await fieldErrors(dataReturn.dataReturnFor(t.database.db, w.lead.ctx, `${thisYear + 2}-Q1`))).quarter).toMatch(
      /has not started/,
    );
    expect(dataReturn.quarterOf('2026-Q3')).toMatchObject({ from: '2026-10-01', to: '2026-12-31' });
    expect(dataReturn.quarterOf('2026-Q4')).toMatchObject({ from: '2027-01-01', to: '2027-03-31' });
  });
});

describe('the pages', () => {
  it('shows the report, its downloads and the commissioner’s list; another organisation’s id is not found', async () => {
    const w = await newWorld(t);
    const lead = await signedInAs(t.app, t.database, w.lead.user);
    const started = await lead.post('/reports/board', { year: String(thisYear) });
    expect(started.statusCode).toBe(303);
    const path = String(started.headers.location);
    const page = await lead.get(path);
    expect(page.statusCode, page.body.slice(0, 2000)).toBe(200);
    expect(textOf(page.body)).toContain('Annual Prevent report to the board');
    const pdf = await lead.get(`${path}/report.pdf`);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const docx = await lead.get(`${path}/report.docx`);
    expect(docx.headers['content-disposition']).toMatch(/\.docx"/);
    const refused = await lead.post(`${path}/written`, { significantIncidents: 'Patient DOB 01/02/1990 at 12 High Street' });
    expect(refused.statusCode).toBe(400);
    expect(textOf(refused.body)).toMatch(/Significant incidents/);

    const csv = await lead.get('/reports/data-return.csv?quarter=nonsense');
    expect(csv.statusCode).toBe(400);

    const other = await newWorld(t);
    const stranger = await signedInAs(t.app, t.database, other.lead.user);
    expect((await stranger.get(path)).statusCode).toBe(404);
    expect((await stranger.get(`${path}/report.pdf`)).statusCode).toBe(404);
    expect((await stranger.post(`${path}/written`, { priorities: 'x' })).statusCode).toBe(404);
    const commissioner = await signedInAs(t.app, t.database, other.commissioner.user);
    expect((await commissioner.get(path.replace('/reports/board/', '/reports/providers/'))).statusCode).toBe(404);
  });
});
