import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealPlainText } from '../src/db/seal-backfill.ts';
import { todayInLondon } from '../src/platform/dates.ts';
import { raiseConcern } from './concerns.ts';
import { demo, signedIn, type TestApp, testApp, textOf, type Visitor } from './harness.ts';

/**
 * Free text about a case is sealed wherever it is stored: what a person types into these forms must
 * not be found anywhere in the database, in any table or column, nor in a dump of it. The values are
 * distinctive so that a find means a leak, and each names its field so that a failure says which.
 */
const typed = {
  policeReference: 'CTP-SEALCHECK-4417',
  laterPoliceReference: 'CTP-SEALCHECK-5528',
  systems: 'Quillmere patient index and Brackenfold safeguarding log',
  markerText: 'Ask Sister Oriel Vantongeren before discharge',
  actionDescription: 'Rewrite the Thistlewick out-of-hours card',
  actionOwner: 'Perpetua Gandersby',
  draftTitle: 'Lantern-maker incident at Greywater clinic',
  editedTitle: 'Lantern-maker incident, as retold at Greywater',
};

const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows;
const today = todayInLondon();
const run = promisify(execFile);
/** The tests run on a PostgreSQL server when DATABASE_URL is set (see test/global-setup.ts). */
const onServer = !!process.env.DATABASE_URL;

describe('free text about a case is sealed at rest', () => {
  let t: TestApp;
  let staff: Visitor;
  let lead: Visitor;
  let referredCase = '';
  let laterCase = '';
  let reviewId = '';
  let studyId = '';

  const query = async <T>(q: ReturnType<typeof sql>) => rowsOf<T>(await t.database.db.execute(q));
  const ok = (response: { statusCode: number; body: string }) =>
    expect(response.statusCode, textOf(response.body).slice(0, 400)).toBe(303);

  /** Takes a case through the information sharing protocol to a referral, with the record check's systems typed. */
  async function referCase(id: string, policeReference: string): Promise<void> {
    for (const to of ['triage', 'gathering_information'])
      ok(await lead.post(`/concerns/${id}/moves`, { to, reason: `On to ${to}` }));
    ok(
      await lead.post(`/concerns/${id}/checks`, {
        systems: typed.systems,
        searchedOn: today,
        knownToService: 'not_known',
      }),
    );
    ok(await lead.post(`/concerns/${id}/moves`, { to: 'decision', reason: 'Enough to decide' }));
    ok(
      await lead.post(`/concerns/${id}/decisions`, {
        information: 'The concern and the person’s details',
        partner: 'police_prevent',
        shared: 'yes',
        article6Basis: '6(1)(e)',
        specialCategory: 'no',
        consent: 'not_sought',
        consentNote: 'Seeking consent could increase the risk',
        rationale: 'Necessary and proportionate for a Prevent referral',
        decidedOn: today,
      }),
    );
    ok(
      await lead.post(`/concerns/${id}/referrals`, {
        concern: 'Recruitment material shown to staff.',
        referredOn: today,
        sentHow: 'secure_email',
        policeReference,
      }),
    );
  }

  /** Every table and column where a value is found: each row read whole as text, so no column is missed. */
  async function whereFound(values: readonly string[]): Promise<string[]> {
    const tables = await query<{ schema: string; name: string }>(
      sql`select table_schema as schema, table_name as name from information_schema.tables
          where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`,
    );
    expect(tables.length).toBeGreaterThan(20);
    const found: string[] = [];
    for (const table of tables) {
      for (const value of values) {
        const [hit] = await query<{ n: number }>(
          sql`select count(*)::int as n from ${sql.identifier(table.schema)}.${sql.identifier(table.name)} t
              where t::text ilike ${`%${value}%`}`,
        );
        if (hit?.n) found.push(`${value} in ${table.schema}.${table.name}`);
      }
    }
    return found;
  }

  beforeAll(async () => {
    t = await testApp();
    staff = await signedIn(t.app, demo.staff);
    lead = await signedIn(t.app, demo.operationalLead);

    referredCase = await raiseConcern(staff, { subjectName: 'Ottoline Sealcheck' });
    await referCase(referredCase, typed.policeReference);
    // A reference police give later goes in through the outcome form.
    laterCase = await raiseConcern(staff, { subjectName: 'Barnaby Sealcheck' });
    await referCase(laterCase, '');
    const [referral] = await query<{ id: string }>(sql`select id from referrals where case_id = ${laterCase}`);
    ok(
      await lead.post(`/concerns/${laterCase}/referrals/${referral?.id}/outcome`, {
        policeReference: typed.laterPoliceReference,
      }),
    );

    ok(await lead.post(`/concerns/${referredCase}/marker/decision`, { place: 'yes' }));
    ok(await lead.post(`/concerns/${referredCase}/marker`, { markerText: typed.markerText }));

    const [review] = await query<{ id: string }>(sql`select id from lessons_reviews where case_id = ${referredCase}`);
    reviewId = review?.id ?? '';
    ok(
      await lead.post(`/lessons/reviews/${reviewId}/actions`, {
        description: typed.actionDescription,
        owner: typed.actionOwner,
        dueOn: today,
      }),
    );
    const drafted = await lead.post(`/lessons/reviews/${reviewId}/case-studies`, {
      title: typed.draftTitle,
      summary: 'A patient showed staff recruitment material; the ward raised a Prevent concern.',
      dates: 'month',
      themes: '',
    });
    ok(drafted);
    studyId = /\/lessons\/case-studies\/([0-9a-f-]{36})/.exec(String(drafted.headers.location))?.[1] ?? '';
  });
  afterAll(() => t.close());

  it('shows what was typed to the people who may read it', async () => {
    const casePage = textOf((await lead.get(`/concerns/${referredCase}`)).body);
    for (const value of [typed.policeReference, typed.systems, typed.markerText]) expect(casePage).toContain(value);
    expect(textOf((await lead.get(`/concerns/${laterCase}`)).body)).toContain(typed.laterPoliceReference);
    const handover = textOf((await lead.get(`/concerns/${referredCase}/handover`)).body);
    expect(handover).toContain(typed.markerText);
    const flag = JSON.parse((await lead.get(`/concerns/${referredCase}/flag.json`)).body);
    expect(flag.code.text).toBe(typed.markerText);
    const review = textOf((await lead.get(`/lessons/reviews/${reviewId}`)).body);
    for (const value of [typed.actionDescription, typed.actionOwner, typed.draftTitle]) expect(review).toContain(value);
    expect(textOf((await lead.get(`/lessons/case-studies/${studyId}`)).body)).toContain(typed.draftTitle);
  });

  it('keeps none of it readable in the database, nor after an edit', async () => {
    // A case study of its own to edit: the other tests read the first one's title as it was drafted.
    const drafted = await lead.post(`/lessons/reviews/${reviewId}/case-studies`, {
      title: typed.draftTitle,
      summary: 'A patient showed staff recruitment material; the ward raised a Prevent concern.',
      dates: 'month',
      themes: '',
    });
    ok(drafted);
    const studyId = /\/lessons\/case-studies\/([0-9a-f-]{36})/.exec(String(drafted.headers.location))?.[1] ?? '';
    ok(
      await lead.post(`/lessons/case-studies/${studyId}`, {
        title: typed.editedTitle,
        text: 'A patient showed staff recruitment material; the ward raised a Prevent concern.',
        themes: '',
      }),
    );
    expect(textOf((await lead.get(`/lessons/case-studies/${studyId}`)).body)).toContain(typed.editedTitle);
    expect(await whereFound(Object.values(typed))).toEqual([]);
  });

  it.runIf(onServer)('keeps none of it in a pg_dump of the server database', async () => {
    const url = new URL(process.env.DATABASE_URL ?? '');
    url.pathname = new URL(t.database.location).pathname;
    const { stdout } = await run('pg_dump', ['--no-owner', url.toString()], { maxBuffer: 512 * 1024 * 1024 });
    expect(stdout).toContain('CREATE TABLE public.referrals');
    const lower = stdout.toLowerCase();
    expect(Object.values(typed).filter((value) => lower.includes(value.toLowerCase()))).toEqual([]);
  });

  it('seals, once, what was written in plain before sealing, and reads it the same before and after', async () => {
    // As an earlier version stored them.
    await query(sql`update referrals set police_reference = ${typed.policeReference} where case_id = ${referredCase}`);
    await query(sql`update record_checks set systems = ${typed.systems} where case_id = ${referredCase}`);
    await query(sql`update concern_cases set marker_text = ${typed.markerText} where id = ${referredCase}`);
    await query(
      sql`update lessons_actions set description = ${typed.actionDescription}, owner = ${typed.actionOwner} where review_id = ${reviewId}`,
    );
    await query(sql`update case_studies set title = ${typed.draftTitle} where id = ${studyId}`);
    expect((await whereFound(Object.values(typed))).length).toBeGreaterThan(0);

    const before = textOf((await lead.get(`/concerns/${referredCase}`)).body);
    for (const value of [typed.policeReference, typed.systems, typed.markerText]) expect(before).toContain(value);
    expect(textOf((await lead.get(`/lessons/reviews/${reviewId}`)).body)).toContain(typed.actionOwner);

    expect(await sealPlainText(t.database.db)).toBe(6);
    expect(await whereFound(Object.values(typed))).toEqual([]);
    expect(await sealPlainText(t.database.db)).toBe(0);

    const after = textOf((await lead.get(`/concerns/${referredCase}`)).body);
    for (const value of [typed.policeReference, typed.systems, typed.markerText]) expect(after).toContain(value);
    const review = textOf((await lead.get(`/lessons/reviews/${reviewId}`)).body);
    for (const value of [typed.actionDescription, typed.actionOwner, typed.draftTitle]) expect(review).toContain(value);
  });
});
