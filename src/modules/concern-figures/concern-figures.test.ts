import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demo, signedIn, type TestApp, testApp, textOf, type Visitor } from '../../../test/harness.ts';
import { todayInLondon } from '../../platform/dates.ts';
import { financialYearOf } from './service.ts';

const rz1 = 'Northshire Teaching Hospitals NHS Foundation Trust (RZ1)';
const rz2 = 'Dales Community and Mental Health NHS Trust (RZ2)';
const nz3 = 'Harbourside Independent Clinics Ltd (NZ3)';

const concern = (name: string, subjectType = 'patient', dateOfBirth = '1990-01-02') => ({
  immediateRisk: 'no',
  subjectType,
  subjectName: name,
  nhsNumber: '',
  dateOfBirth,
  narrative: 'Talked of joining a group that plans violence.',
  observedOn: '2026-11-20',
  observedTime: '10:00',
  location: 'Outpatients',
});

/** The cells of a table row, found by the table's caption and the row's first cell, as a person reads them. */
function rowOf(html: string, caption: string, label: string): string[] {
  const table = html.split('<table').find((t) => t.includes(caption));
  if (!table) throw new Error(`no table “${caption}”`);
  const row = table
    .split('<tr')
    .map((tr) =>
      [...tr.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((m) =>
        textOf((m[1] ?? '').replace(/<span class="nhsuk-table__heading"[^>]*>[\s\S]*?<\/span>/g, '')),
      ),
    )
    .find((cells) => cells[0] === label);
  if (!row) throw new Error(`no row “${label}” in “${caption}”`);
  return row.slice(1);
}

const byStatus = 'Concerns raised, by status today';
const referrals = 'Referrals to police Prevent';
const who = 'Who the concerns were about';
const few = 'fewer than 5';

describe('concern figures: counts only, for each organisation in reach', () => {
  let t: TestApp;
  let lead: Visitor;

  beforeAll(async () => {
    t = await testApp();
    const staff = await signedIn(t.app, demo.staff);
    lead = await signedIn(t.app, demo.operationalLead);
    const raised: string[] = [];
    for (const form of [
      concern('Anya Figurewell'),
      concern('Bo Figurewell', 'patient', '2015-05-05'),
      concern('Cal Figurewell', 'staff'),
      concern('Dee Figurewell', 'visitor'),
      concern('Eli Figurewell'),
      concern('Fay Figurewell'),
      concern('Hal Figurewell'),
    ]) {
      const response = await staff.post('/concerns', form);
      expect(response.statusCode).toBe(303);
      raised.push(/\/concerns\/([0-9a-f-]{36})\/received/.exec(String(response.headers.location))?.[1] ?? '');
    }
    const [, , , , nfa, toChannel, toPolice] = raised;
    expect((await lead.post(`/concerns/${nfa}/moves`, { to: 'no_further_action', reason: 'Not Prevent' })).statusCode).toBe(303);
    // Referrals as the referrals module records them, with the police's decision.
    for (const [id, pathway] of [
      [toChannel, 'channel_panel'],
      [toPolice, 'police_managed'],
    ]) {
      await t.database.db.execute(sql`update concern_cases set status = 'referred', referred_at = now() where id = ${id}`);
      await t.database.db.execute(sql`insert into referrals (org_id, case_id, referred_on, sent_how, pathway)
        select org_id, id, current_date, 'email', ${pathway} from concern_cases where id = ${id}`);
    }

    const otherTrust = await signedIn(t.app, demo.otherTrustLead);
    expect((await otherTrust.post('/concerns', concern('Gus Figurewell'))).statusCode).toBe(303);
  });
  afterAll(() => t.close());

  const neverACase = (html: string) => {
    const text = textOf(html);
    expect(text).not.toContain('PC-2026');
    expect(text).not.toContain('Figurewell');
    expect(html).not.toMatch(/href="\/concerns\/[0-9a-f]{8}-/);
  };

  it('shows the organisation’s own lead exact numbers for their organisation only', async () => {
    const page = await lead.get('/concerns/summary');
    expect(page.statusCode).toBe(200);
    expect(rowOf(page.body, byStatus, rz1)).toEqual(['7', '4', '2', '0', '1', '0']);
    expect(rowOf(page.body, referrals, rz1)).toEqual(['2', '1', '1']);
    expect(rowOf(page.body, who, rz1)).toEqual(['1', '6', '5', '1', '1', '0']);
    const text = textOf(page.body);
    expect(text).not.toContain('Dales');
    expect(text).not.toContain(few);
    expect(text).not.toContain('Total');
    expect(text).toContain(`1 April ${financialYearOf(todayInLondon())}`);
    neverACase(page.body);
  });

  it('shows the board viewer their own organisation only', async () => {
    const board = await signedIn(t.app, demo.boardViewer);
    const page = await board.get('/concerns/summary');
    expect(page.statusCode).toBe(200);
    expect(rowOf(page.body, byStatus, rz1)).toEqual(['7', '4', '2', '0', '1', '0']);
    expect(textOf(page.body)).not.toContain('Dales');
    neverACase(page.body);
  });

  it('shows the commissioner each provider it commissions and a total, with small numbers suppressed', async () => {
    const commissioner = await signedIn(t.app, demo.commissioner);
    const page = await commissioner.get('/concerns/summary');
    expect(page.statusCode).toBe(200);
    expect(textOf(page.body)).toContain('a count from 1 to 4 is shown as “fewer than 5”');
    expect(rowOf(page.body, byStatus, rz1)).toEqual(['7', few, few, '0', few, '0']);
    expect(rowOf(page.body, byStatus, rz2)).toEqual([few, few, '0', '0', '0', '0']);
    expect(rowOf(page.body, byStatus, nz3)).toEqual(['0', '0', '0', '0', '0', '0']);
    expect(rowOf(page.body, byStatus, 'Total')).toEqual(['8', '5', few, '0', few, '0']);
    expect(rowOf(page.body, referrals, rz1)).toEqual([few, few, few]);
    expect(rowOf(page.body, who, 'Total')).toEqual([few, '7', '6', few, few, '0']);
    // The ICB itself is not a provider.
    expect(textOf(page.body)).not.toContain('(QZZ)');
    neverACase(page.body);
  });

  it('shows the regional lead the providers in the region and a total, suppressed the same way', async () => {
    const regional = await signedIn(t.app, demo.regionalLead);
    const page = await regional.get('/concerns/summary');
    expect(page.statusCode).toBe(200);
    expect(rowOf(page.body, byStatus, rz1)).toEqual(['7', few, few, '0', few, '0']);
    expect(rowOf(page.body, byStatus, rz2)).toEqual([few, few, '0', '0', '0', '0']);
    expect(rowOf(page.body, byStatus, 'Total')[0]).toBe('8');
    neverACase(page.body);
  });

  it('shows an earlier financial year, and refuses a year not on the list', async () => {
    const current = financialYearOf(todayInLondon());
    const earlier = await lead.get(`/concerns/summary?year=${current - 1}`);
    expect(earlier.statusCode).toBe(200);
    expect(textOf(earlier.body)).toContain(`1 April ${current - 1} to 31 March ${current}`);
    expect(rowOf(earlier.body, byStatus, rz1)).toEqual(['0', '0', '0', '0', '0', '0']);
    const refused = await lead.get('/concerns/summary?year=1999');
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('href="#year"');
    expect(textOf(refused.body)).toContain('Choose a financial year from the list');
  });

  it('is refused to staff, practitioners and system administrators', async () => {
    for (const who of [demo.staff, demo.practitioner, demo.systemAdmin]) {
      const visitor = await signedIn(t.app, who);
      expect((await visitor.get('/concerns/summary')).statusCode, who).toBe(403);
    }
  });
});
