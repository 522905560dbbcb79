import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newOrganisation, newUser, signedInAs } from '../../../test/factories.ts';
import { demo, signedIn, type TestApp, testApp, textOf } from '../../../test/harness.ts';
import { runDueJobs, sendDueReminders } from '../../../test/modules.ts';
import { addDays, todayInLondon } from '../../platform/dates.ts';
import * as organisations from '../organisations/service.ts';

const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows;

describe('Prevent leads', () => {
  let t: TestApp;
  const today = todayInLondon();
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(() => t.close());

  const appointments = async (odsCode = 'RZ1') =>
    rowsOf<{ person_name: string; starts_on: string; ends_on: string | null; commissioner_notified_at: unknown }>(
      await t.database.db.execute(
        sql`select person_name, starts_on::text, ends_on::text, commissioner_notified_at from lead_appointments a join organisations o on o.id = a.org_id where o.ods_code = ${odsCode} and a.post = 'operational' order by starts_on`,
      ),
    );

  /**
   * A provider of the demo ICB with an operational lead who can sign in, for a test that changes who
   * holds a post: the demo trusts' posts stay as the other tests read them, in whatever order they run.
   */
  const aProviderOfTheIcb = async (odsCode: string, name: string) => {
    const org = await newOrganisation(t.database, { odsCode, name, kind: 'nhs_trust', commissionerOds: 'QZZ' });
    const user = await newUser(t.database, {
      email: `lead@${odsCode.toLowerCase()}.example`,
      displayName: `Lead of ${odsCode}`,
      roles: [{ orgId: org.id, role: 'operational_lead' }],
    });
    return { org, lead: await signedInAs(t.app, t.database, user, org.id) };
  };

  it('shows the current holders of both posts and the full history', async () => {
    const lead = await signedIn(t.app, demo.operationalLead);
    const text = textOf((await lead.get('/leads')).body);
    expect(text).toContain('Accountable Prevent lead Name Morgan Hale');
    expect(text).toContain('Operational Prevent lead Name Jordan Ellis');
    expect(text).toContain('Chris Dunn');
    expect(text).not.toContain('This post is vacant');
  });

  it('records a change of lead: the previous appointment ends the day before, and the ICB is told in the app and by e-mail', async () => {
    const { org, lead } = await aProviderOfTheIcb('RL7', 'Larchfield Hospitals NHS Trust');
    const first = { post: 'operational', personName: 'Chris Dunn', jobTitle: 'Head of Safeguarding', startsOn: '2025-01-06' };
    expect((await lead.post('/leads', first)).statusCode).toBe(303);
    await runDueJobs(t.database);
    const startsOn = addDays(today, 1);
    const recorded = await lead.post('/leads', {
      post: 'operational',
      personName: 'Alex Rivers',
      jobTitle: 'Safeguarding Matron',
      startsOn,
    });
    expect(recorded.statusCode).toBe(303);
    const history = await appointments('RL7');
    expect(history.map((a) => [a.person_name, a.ends_on])).toEqual([
      ['Chris Dunn', addDays(startsOn, -1)],
      ['Alex Rivers', null],
    ]);
    expect(history[1]?.commissioner_notified_at).toBeNull();

    expect(await runDueJobs(t.database)).toBeGreaterThanOrEqual(2);
    expect((await appointments('RL7'))[1]?.commissioner_notified_at).not.toBeNull();
    const commissioner = await signedIn(t.app, demo.commissioner);
    const inbox = textOf((await commissioner.get('/notifications')).body);
    expect(inbox).toContain('Larchfield Hospitals NHS Trust: new operational prevent lead');
    expect(inbox).toContain('Alex Rivers, Safeguarding Matron, is the operational prevent lead');
    const mails = rowsOf<{ n: number }>(
      await t.database.db.execute(
        sql`select count(*)::int as n from jobs where kind = 'notifications.mail' and finished_at is not null`,
      ),
    );
    expect(mails[0]?.n).toBeGreaterThanOrEqual(1);
    // Nobody at another provider is told.
    const other = await signedIn(t.app, demo.otherTrustLead);
    expect(textOf((await other.get('/notifications')).body)).not.toContain('Alex Rivers');
    const audit = rowsOf<{ action: string }>(
      await t.database.db.execute(sql`select action from audit_events where action = 'lead.appointed' and org_id = ${org.id}`),
    );
    expect(audit.length).toBe(2); // Chris Dunn, then Alex Rivers
  });

  it('refuses a duplicate current lead, a start before the current one, and a form with no person, changing nothing', async () => {
    const lead = await signedIn(t.app, demo.operationalLead);
    const before = await appointments();
    const cases: [Record<string, string>, string][] = [
      [
        { post: 'operational', personName: 'jordan ellis', startsOn: addDays(today, 5) },
        'Jordan Ellis is already the operational prevent lead',
      ],
      [
        { post: 'operational', personName: 'Sam New', startsOn: '2020-01-01' },
        'The new lead must start after the current lead started',
      ],
      [{ post: 'operational', startsOn: today }, 'Choose a person from the list, or enter the name'],
      [{ post: 'operational', personName: 'Sam New', startsOn: '2026-02-30' }, 'Enter a real date'],
      [
        { post: 'operational', userId: '00000000-0000-4000-8000-000000000000', startsOn: addDays(today, 3) },
        'Choose a person from the list',
      ],
      [{ post: 'chief', personName: 'Sam New', startsOn: today }, 'Choose which post'],
      [{ post: 'operational', personName: 'Sam New', startsOn: addDays(today, 400) }, 'within the next year'],
    ];
    for (const [fields, message] of cases) {
      const response = await lead.post('/leads', fields);
      expect(response.statusCode, message).toBe(400);
      expect(textOf(response.body)).toContain('There is a problem');
      expect(textOf(response.body)).toContain(message);
    }
    expect(await appointments()).toEqual(before);
  });

  it('shows a vacant post in red on the organisation, on the list, and on the commissioner’s list of providers', async () => {
    const otherLead = await signedIn(t.app, demo.otherTrustLead);
    expect(textOf((await otherLead.get('/leads')).body)).toContain('No accountable prevent lead This post is vacant');
    const rz2 = await organisations.findByOdsCode(t.database.db, 'RZ2');
    const page = await otherLead.get(`/organisations/${rz2?.id}`);
    expect(textOf(page.body)).toContain('No accountable prevent lead');

    const commissioner = await signedIn(t.app, demo.commissioner);
    const list = (await commissioner.get('/organisations')).body;
    const rz2Row = list.split('<tr').find((row) => row.includes('Dales Community')) ?? '';
    expect(rz2Row).toContain('nhsuk-tag--red');
    const rz1Row = list.split('<tr').find((row) => row.includes('Northshire Teaching')) ?? '';
    expect(rz1Row).not.toContain('nhsuk-tag--red');

    const providers = (await commissioner.get('/providers')).body;
    const dales = providers.split('<tr').find((row) => row.includes('Dales Community')) ?? '';
    expect(dales).toContain('Vacant');
    expect(dales).toContain('nhsuk-tag--red');
    expect(textOf(providers)).toContain('Avery Quinn');
  });

  it('reminds the organisation and its commissioner of a vacant post, once', async () => {
    const first = await sendDueReminders(t.database, today);
    expect(first.sent).toBeGreaterThanOrEqual(2);
    await runDueJobs(t.database);
    const otherLead = await signedIn(t.app, demo.otherTrustLead);
    expect(textOf((await otherLead.get('/notifications')).body)).toContain('No accountable prevent lead');
    const commissioner = await signedIn(t.app, demo.commissioner);
    expect(textOf((await commissioner.get('/notifications')).body)).toContain(
      'Dales Community and Mental Health NHS Trust: no accountable prevent lead',
    );
    const again = await sendDueReminders(t.database, today);
    expect(again.sent).toBe(0);
  });

  it('ends an appointment, leaving the post vacant, and keeps others’ appointments out of reach', async () => {
    const otherLead = await signedIn(t.app, demo.otherTrustLead);
    const { lead } = await aProviderOfTheIcb('RL8', 'Rowanbank Care NHS Trust');
    const appointed = { post: 'operational', personName: 'Robin Ende', startsOn: addDays(today, -30) };
    expect((await lead.post('/leads', appointed)).statusCode).toBe(303);
    const page = (await lead.get('/leads')).body;
    const endLink = /href="\/leads\/([0-9a-f-]{36})\/end"/.exec(page)?.[1] ?? '';
    expect((await otherLead.get(`/leads/${endLink}/end`)).statusCode).toBe(404);
    expect((await otherLead.post(`/leads/${endLink}/end`, { endsOn: today })).statusCode).toBe(404);
    const tooEarly = await lead.post(`/leads/${endLink}/end`, { endsOn: '2000-01-01' });
    expect(textOf(tooEarly.body)).toContain('cannot be before they started');
    expect((await lead.post(`/leads/${endLink}/end`, { endsOn: addDays(today, -1) })).statusCode).toBe(303);
    expect(textOf((await lead.get('/leads')).body)).toContain('This post is vacant');
  });

  it('lets a board viewer read but not change leads, and keeps the providers view for commissioners', async () => {
    const board = await signedIn(t.app, demo.boardViewer);
    expect((await board.get('/leads')).statusCode).toBe(200);
    expect((await board.get('/leads/new')).statusCode).toBe(403);
    expect((await board.get('/providers')).statusCode).toBe(403);
    const lead = await signedIn(t.app, demo.operationalLead);
    expect((await lead.get('/providers')).statusCode).toBe(403);
  });
});
