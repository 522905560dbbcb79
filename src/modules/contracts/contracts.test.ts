import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextOf, newOrganisation, newUser, orgIdOf, signedInAs } from '../../../test/factories.ts';
import { demo, signedIn, type TestApp, testApp, textOf, type Visitor } from '../../../test/harness.ts';
import { runDueJobs, sendDueReminders } from '../../../test/modules.ts';
import { withScope } from '../../db/tenancy.ts';
import { contextFor } from '../../platform/context.ts';
import { addDays, todayInLondon } from '../../platform/dates.ts';
import { ForbiddenError, InputError } from '../../platform/errors.ts';
import { contractActionReminders } from './reminders.ts';
import type { ActionRow, CheckRow, ContractRow } from './repository.ts';
import { figuresOf } from './rules.ts';
import * as contracts from './service.ts';

const today = todayInLondon();
const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows;

/** The database's own message: Drizzle wraps it in "Failed query: …" with the original as the cause. */
async function refusal(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    return (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
  }
  return 'no error';
}

describe('contract figures, worked by hand', () => {
  const org = { id: 'p', name: 'Provider', odsCode: 'RP1' };
  const contract = (fields: Partial<ContractRow>) =>
    ({
      id: 'c1',
      providerOrgId: 'p',
      sc32Included: true,
      startsOn: '2025-04-01',
      endsOn: null,
      reviewOn: '2026-04-01',
      ...fields,
    }) as ContractRow;
  const check = (id: string, checkedOn: string, rating: CheckRow['rating']) => ({ id, checkedOn, rating }) as CheckRow;
  const action = (fields: Partial<ActionRow>) =>
    ({ checkId: 'k1', status: 'open', doneOn: null, dueOn: '2026-03-01', ...fields }) as ActionRow;

  it('counts only contracts in force, SC32 in every one of them, and a review overdue the day after its date', () => {
    const list = [
      contract({ id: 'a', reviewOn: '2026-06-30' }),
      contract({ id: 'b', sc32Included: false, reviewOn: '2026-09-30' }),
      contract({ id: 'old', sc32Included: false, endsOn: '2025-12-31', reviewOn: '2025-01-01' }),
      contract({ id: 'later', startsOn: '2027-04-01', reviewOn: '2027-05-01' }),
    ];
    const onDay = figuresOf(org, list, [], [], '2026-06-30');
    expect(onDay).toMatchObject({
      hasContract: true,
      contractsInForce: 2,
      sc32Included: false,
      contractsWithoutSc32: 1,
      reviewOverdue: false,
      nextReviewOn: '2026-06-30',
      lastCheck: null,
      openActions: 0,
      overdueActions: 0,
    });
    expect(figuresOf(org, list, [], [], '2026-07-01').reviewOverdue).toBe(true);
    // Only the one with SC32 in force: included. The ended one without it no longer counts.
    expect(figuresOf(org, [list[0] as ContractRow, list[2] as ContractRow], [], [], '2026-06-01')).toMatchObject({
      sc32Included: true,
      contractsWithoutSc32: 0,
    });
    expect(figuresOf(org, [list[2] as ContractRow], [], [], '2026-06-01')).toMatchObject({
      hasContract: false,
      sc32Included: false,
      nextReviewOn: null,
      reviewOverdue: false,
    });
  });

  it('takes the latest check done by the day, and counts actions open and overdue as they stood that day', () => {
    const checks = [check('k1', '2026-01-10', 'partly_assured'), check('k2', '2026-05-01', 'assured')];
    const actions = [
      action({ dueOn: '2026-03-01' }), // open, overdue from 2 March
      action({ dueOn: '2026-02-01', status: 'done', doneOn: '2026-04-15' }), // overdue from 2 February until done
      action({ checkId: 'k2', dueOn: '2026-06-01' }), // agreed at the May check
    ];
    expect(figuresOf(org, [], checks, actions, '2026-01-09')).toMatchObject({ lastCheck: null, openActions: 0 });
    expect(figuresOf(org, [], checks, actions, '2026-03-01')).toMatchObject({
      lastCheck: { id: 'k1', checkedOn: '2026-01-10', rating: 'partly_assured' },
      openActions: 2,
      overdueActions: 1,
    });
    expect(figuresOf(org, [], checks, actions, '2026-04-15')).toMatchObject({ openActions: 1, overdueActions: 1 });
    expect(figuresOf(org, [], checks, actions, '2026-06-02')).toMatchObject({
      lastCheck: { id: 'k2', rating: 'assured' },
      openActions: 2,
      overdueActions: 2,
    });
  });
});

describe('the contract register', () => {
  let t: TestApp;
  let made = 0;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(() => t.close());

  const count = async (table: 'contracts' | 'contract_checks' | 'contract_check_actions') =>
    rowsOf<{ n: number }>(await t.database.db.execute(sql.raw(`select count(*)::int as n from ${table}`)))[0]?.n;
  const mainOf = (html: string) => /<main[\s\S]*<\/main>/.exec(html)?.[0] ?? '';

  /** An ICB of its own, two providers it commissions, its commissioner lead and each provider's Prevent lead. */
  async function anArea() {
    const s = (++made).toString(36).toUpperCase().padStart(2, '0');
    const icb = await newOrganisation(t.database, { odsCode: `Q${s}`, name: `Test ${s} Integrated Care Board`, kind: 'icb' });
    const trust = await newOrganisation(t.database, {
      odsCode: `R${s}`,
      name: `Test ${s} Hospitals NHS Trust`,
      kind: 'nhs_trust',
      commissionerOds: icb.odsCode,
    });
    const clinic = await newOrganisation(t.database, {
      odsCode: `NK${s}`,
      name: `Test ${s} Clinics Ltd`,
      kind: 'independent_provider',
      commissionerOds: icb.odsCode,
    });
    const commissioner = await newUser(t.database, {
      email: `commissioner@q${s}.example`.toLowerCase(),
      displayName: `Cam Commissioner ${s}`,
      roles: [{ orgId: icb.id, role: 'commissioner_lead' }],
    });
    const trustLead = await newUser(t.database, {
      email: `lead@r${s}.example`.toLowerCase(),
      displayName: `Tam Trustlead ${s}`,
      roles: [{ orgId: trust.id, role: 'operational_lead' }],
    });
    const clinicLead = await newUser(t.database, {
      email: `lead@nk${s}.example`.toLowerCase(),
      displayName: `Cal Cliniclead ${s}`,
      roles: [{ orgId: clinic.id, role: 'operational_lead' }],
    });
    return { icb, trust, clinic, commissioner, trustLead, clinicLead };
  }
  type Area = Awaited<ReturnType<typeof anArea>>;

  const contractForm = (providerOrgId: string, changes: Record<string, string> = {}) => ({
    providerOrgId,
    name: 'Community services',
    reference: 'SC-001',
    sc32Included: 'yes',
    startsOn: addDays(today, -200),
    endsOn: '',
    reviewOn: addDays(today, 100),
    notes: '',
    ...changes,
  });

  /** A contract, a check of it (yesterday, partly assured) and an action for each side, through the service. */
  async function aCheckedContract(area: Area, changes: Record<string, string> = {}) {
    const ctx = await contextOf(t.database, area.commissioner);
    const contract = await contracts.addContract(t.database.db, ctx, contractForm(area.trust.id, changes));
    const checkId = await contracts.recordCheck(t.database.db, ctx, contract.id, {
      checkedOn: addDays(today, -30),
      checked: ['contract', 'training'],
      findings: 'Training below 85% in two wards.',
      rating: 'partly_assured',
      checkedBy: 'Cam Commissioner',
    });
    const action = (ownedBy: string, description: string, dueOn: string) =>
      contracts.addAction(t.database.db, ctx, checkId, { description, ownedBy, ownerName: 'Pat Owner', dueOn });
    await action('provider', 'Train the two wards', addDays(today, 10));
    await action('icb', 'Send the monitoring template', addDays(today, -5));
    const page = await contracts.checkPage(t.database.db, ctx, checkId);
    const byDescription = (d: string) => page.actions.find((a) => a.description === d)?.id ?? '';
    return {
      ctx,
      contract,
      checkId,
      providerAction: byDescription('Train the two wards'),
      icbAction: byDescription('Send the monitoring template'),
    };
  }

  /** Posts a form with repeated fields (ticks), as a browser sends it. */
  const postPairs = (visitor: Visitor, url: string, pairs: [string, string][]) =>
    t.app.inject({
      method: 'POST',
      url,
      payload: new URLSearchParams([['_csrf', visitor.csrf], ...pairs]).toString(),
      headers: { cookie: visitor.cookieHeader, 'content-type': 'application/x-www-form-urlencoded' },
    });

  it('the commissioner adds a contract without SC32 whose review has passed, and the register says so in words and red', async () => {
    const area = await anArea();
    const commissioner = await signedInAs(t.app, t.database, area.commissioner);
    expect((await commissioner.get('/contracts/new')).statusCode).toBe(200);
    const added = await commissioner.post(
      '/contracts',
      contractForm(area.trust.id, { name: 'Acute services', sc32Included: 'no', reviewOn: addDays(today, -3) }),
    );
    expect(added.statusCode).toBe(303);
    expect(added.headers.location).toBe(`/contracts/providers/${area.trust.id}`);

    const register = await commissioner.get('/contracts');
    expect(register.statusCode).toBe(200);
    const rows = [...mainOf(register.body).matchAll(/<tr[\s\S]*?<\/tr>/g)].map((m) => textOf(m[0]));
    const trustRow = rows.find((r) => r.includes(area.trust.name)) ?? '';
    expect(trustRow).toContain('Acute services');
    expect(trustRow).toContain('No: SC32 missing');
    expect(trustRow).toContain('Review overdue');
    expect(trustRow).toContain('No check yet');
    const clinicRow = rows.find((r) => r.includes(area.clinic.name)) ?? '';
    expect(clinicRow).toContain('No contract in force');
    expect(mainOf(register.body)).toContain('nhsuk-tag--red">Review overdue');
    // Only its own providers: none of the demo ICB's.
    expect(register.body).not.toContain('Dales Community and Mental Health NHS Trust');

    const [row] = rowsOf<{ id: string }>(
      await t.database.db.execute(sql`select id from contracts where provider_org_id = ${area.trust.id}`),
    );
    const audited = rowsOf<{ action: string; org_id: string }>(
      await t.database.db.execute(sql`select action, org_id from audit_events where record_id = ${row?.id}`),
    );
    expect(audited).toEqual([{ action: 'contract.added', org_id: area.icb.id }]);

    // Change it: SC32 now in, the review moved on.
    const edit = await commissioner.get(`/contracts/${row?.id}/edit`);
    expect(edit.statusCode).toBe(200);
    const changed = await commissioner.post(
      `/contracts/${row?.id}`,
      contractForm(area.trust.id, { name: 'Acute services', sc32Included: 'yes', reviewOn: addDays(today, 200) }),
    );
    expect(changed.statusCode).toBe(303);
    const after = textOf(mainOf((await commissioner.get('/contracts')).body));
    expect(after).not.toContain('Review overdue');
    expect(after).not.toContain('SC32 missing');
  });

  it('names every mistake in the contract form and stores nothing', async () => {
    const area = await anArea();
    const other = await anArea();
    const commissioner = await signedInAs(t.app, t.database, area.commissioner);
    const before = await count('contracts');
    const response = await commissioner.post(
      '/contracts',
      contractForm(other.trust.id, { name: '', sc32Included: 'maybe', startsOn: '2026-02-30', reviewOn: '' }),
    );
    expect(response.statusCode).toBe(400);
    const text = textOf(response.body);
    for (const message of [
      'There is a problem',
      'Choose a provider your ICB commissions',
      'Enter the contract’s name',
      'Say whether the Prevent clauses of SC32 (Safeguarding) are in the contract',
      'Enter a real start date',
      'Enter the date the contract is next to be reviewed',
    ])
      expect(text).toContain(message);
    expect(response.body).toContain('href="#providerOrgId"');
    const order = await commissioner.post(
      '/contracts',
      contractForm(area.trust.id, { startsOn: addDays(today, -10), endsOn: addDays(today, -20), reviewOn: addDays(today, -11) }),
    );
    expect(order.statusCode).toBe(400);
    expect(textOf(order.body)).toContain('The end date cannot be before the start date');
    expect(textOf(order.body)).toContain('The review date cannot be before the start date');
    expect(await count('contracts')).toBe(before);
  });

  it('records a quality check only when it is right, then tells both sides', async () => {
    const area = await anArea();
    const commissioner = await signedInAs(t.app, t.database, area.commissioner);
    await commissioner.post('/contracts', contractForm(area.trust.id));
    const [contract] = rowsOf<{ id: string }>(
      await t.database.db.execute(sql`select id from contracts where provider_org_id = ${area.trust.id}`),
    );
    const url = `/contracts/${contract?.id}/checks`;
    const form = await commissioner.get(`${url}/new`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('value="Cam Commissioner');

    const checksBefore = await count('contract_checks');
    const bad = await postPairs(commissioner, url, [
      ['checkedOn', addDays(today, 1)],
      ['findings', ''],
      ['checkedBy', 'Cam Commissioner'],
    ]);
    expect(bad.statusCode).toBe(400);
    const text = textOf(bad.body);
    for (const message of [
      'There is a problem',
      'The date of the check cannot be in the future',
      'Tick at least one thing you checked',
      'Enter what the check found',
      'Choose a rating: assured, partly assured or not assured',
    ])
      expect(text).toContain(message);
    for (const field of ['checkedOn', 'checked', 'findings', 'rating']) expect(bad.body).toContain(`href="#${field}"`);
    const early = await postPairs(commissioner, url, [
      ['checkedOn', addDays(today, -201)],
      ['checked', 'weather'],
      ['findings', 'x'],
      ['rating', 'splendid'],
      ['checkedBy', 'Cam'],
    ]);
    expect(early.statusCode).toBe(400);
    expect(textOf(early.body)).toContain('The check cannot be before the contract started');
    expect(textOf(early.body)).toContain('Tick only the things listed');
    // The provider reads the findings: the anonymiser's check refuses what points at a person.
    const identifying = await postPairs(commissioner, url, [
      ['checkedOn', addDays(today, -2)],
      ['checked', 'contract'],
      ['findings', 'The referral of the patient at 12 Acacia Avenue, LS1 4AB was late.'],
      ['rating', 'assured'],
      ['checkedBy', 'Cam Commissioner'],
    ]);
    expect(identifying.statusCode).toBe(400);
    expect(textOf(identifying.body)).toContain('The findings holds what looks like an identifier: “12 Acacia Avenue”, “LS1 4AB”');
    expect(identifying.body).toContain('href="#findings"');
    expect(await count('contract_checks')).toBe(checksBefore);

    const saved = await postPairs(commissioner, url, [
      ['checkedOn', addDays(today, -2)],
      ['checked', 'contract'],
      ['checked', 'safeguarding'],
      ['findings', 'Prevent sits in the safeguarding policy and the contract.'],
      ['rating', 'assured'],
      ['checkedBy', 'Cam Commissioner'],
    ]);
    expect(saved.statusCode).toBe(303);
    const checkId = /\/contracts\/checks\/([0-9a-f-]{36})$/.exec(saved.headers.location as string)?.[1] ?? '';
    const page = textOf(mainOf((await commissioner.get(`/contracts/checks/${checkId}`)).body));
    expect(page).toContain('Prevent is in the contract: checked');
    expect(page).toContain('Provider staff are appropriately trained: not checked');
    expect(page).toContain('Prevent is considered alongside other safeguarding: checked');
    expect(page).toContain('Assured');
    const audited = rowsOf<{ action: string; details: { rating: string; checked: string } }>(
      await t.database.db.execute(sql`select action, details from audit_events where record_id = ${checkId}`),
    );
    expect(audited).toEqual([
      {
        action: 'contract_check.recorded',
        details: expect.objectContaining({ rating: 'assured', checked: 'contract, safeguarding' }),
      },
    ]);

    await runDueJobs(t.database);
    const told = rowsOf<{ user_id: string; title: string }>(
      await t.database.db.execute(
        sql`select user_id, title from notifications where kind = 'contract-check' and link = ${`/contracts/checks/${checkId}`}`,
      ),
    );
    expect(told.map((n) => n.user_id).sort()).toEqual([area.commissioner.id, area.trustLead.id].sort());
    expect(told.find((n) => n.user_id === area.commissioner.id)?.title).toBe(
      `${area.trust.name}: contract quality check recorded`,
    );
    const trustLead = await signedInAs(t.app, t.database, area.trustLead);
    expect(textOf((await trustLead.get('/notifications')).body)).toContain('Contract quality check recorded');
  });

  it('adds actions to a check; the provider reads them and marks its own done, never the ICB’s', async () => {
    const area = await anArea();
    const { checkId, providerAction, icbAction } = await aCheckedContract(area);
    const commissioner = await signedInAs(t.app, t.database, area.commissioner);

    const actionsBefore = await count('contract_check_actions');
    const bad = await commissioner.post(`/contracts/checks/${checkId}/actions`, {
      description: '',
      ownedBy: 'somebody',
      ownerName: '',
      dueOn: addDays(today, -31),
    });
    expect(bad.statusCode).toBe(400);
    for (const message of [
      'Enter what is to be done',
      'Choose who owns the action: the provider or the ICB',
      'Enter the name of the person who owns the action',
      'The due date cannot be before the check',
    ])
      expect(textOf(bad.body)).toContain(message);
    const identifying = await commissioner.post(`/contracts/checks/${checkId}/actions`, {
      description: 'Call Mrs Ahmed on 07700 900123 about her son',
      ownedBy: 'provider',
      ownerName: 'Pat Owner',
      dueOn: addDays(today, 30),
    });
    expect(identifying.statusCode).toBe(400);
    expect(textOf(identifying.body)).toContain('The action holds what looks like an identifier: “Ahmed”, “07700 900123”');
    expect(await count('contract_check_actions')).toBe(actionsBefore);
    expect((await commissioner.get(`/contracts/checks/${checkId}/actions/new`)).statusCode).toBe(200);

    // The provider's lead: the contract, the check and the actions, to read; a button for its own action only.
    const lead = await signedInAs(t.app, t.database, area.trustLead);
    const own = await lead.get('/contracts');
    expect(own.statusCode).toBe(200);
    const ownText = textOf(mainOf(own.body));
    expect(ownText).toContain('Community services');
    expect(ownText).toContain('Train the two wards');
    expect(ownText).toContain('Partly assured');
    expect(mainOf(own.body)).not.toContain('Record a quality check');
    expect(mainOf(own.body)).not.toContain('/edit');
    const check = await lead.get(`/contracts/checks/${checkId}`);
    expect(check.statusCode).toBe(200);
    expect(check.body).toContain(`/contracts/actions/${providerAction}/done`);
    expect(check.body).not.toContain(`/contracts/actions/${icbAction}/done`);
    expect(check.body).not.toContain('Add an action');
    expect(mainOf(check.body)).toContain('nhsuk-tag--red">Overdue');

    expect((await lead.post(`/contracts/actions/${icbAction}/done`)).statusCode).toBe(403);
    const done = await lead.post(`/contracts/actions/${providerAction}/done`);
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe(`/contracts/checks/${checkId}#actions`);
    const states = rowsOf<{ id: string; status: string; done_on: string | null; done_by: string | null }>(
      await t.database.db.execute(
        sql`select id, status, done_on::text, done_by from contract_check_actions where check_id = ${checkId}`,
      ),
    );
    expect(states.find((s) => s.id === providerAction)).toMatchObject({
      status: 'done',
      done_on: today,
      done_by: `Tam Trustlead ${area.trust.odsCode.slice(1)}`,
    });
    expect(states.find((s) => s.id === icbAction)).toMatchObject({ status: 'open', done_on: null });
    const audited = rowsOf<{ action: string; org_id: string }>(
      await t.database.db.execute(sql`select action, org_id from audit_events where record_id = ${providerAction} order by seq`),
    );
    expect(audited.map((a) => a.action)).toEqual(['contract_action.added', 'contract_action.done']);
    expect(audited[1]?.org_id).toBe(area.trust.id);
    // Again: nothing more changes.
    expect((await lead.post(`/contracts/actions/${providerAction}/done`)).statusCode).toBe(303);
    expect(
      rowsOf<{ n: number }>(
        await t.database.db.execute(sql`select count(*)::int as n from audit_events where record_id = ${providerAction}`),
      )[0]?.n,
    ).toBe(2);

    // The ICB marks its own.
    expect((await commissioner.post(`/contracts/actions/${icbAction}/done`)).statusCode).toBe(303);
    expect(textOf(mainOf((await commissioner.get(`/contracts/providers/${area.trust.id}`)).body))).toContain('No open actions.');
  });

  it('answers 404 for another ICB’s or another provider’s ids, and changes nothing', async () => {
    const area = await anArea();
    const other = await anArea();
    const { contract, checkId, providerAction, icbAction } = await aCheckedContract(area);
    const outsider = await signedInAs(t.app, t.database, other.commissioner);
    const otherTrust = await signedInAs(t.app, t.database, other.trustLead);
    const sibling = await signedInAs(t.app, t.database, area.clinicLead); // the same ICB, another provider
    const demoCommissioner = await signedIn(t.app, demo.commissioner);
    const before = rowsOf(
      await t.database.db.execute(sql`select * from contract_check_actions where check_id = ${checkId} order by id`),
    );
    for (const visitor of [outsider, demoCommissioner]) {
      for (const url of [
        `/contracts/providers/${area.trust.id}`,
        `/contracts/providers/${area.icb.id}`,
        `/contracts/${contract.id}/edit`,
        `/contracts/${contract.id}/checks/new`,
        `/contracts/checks/${checkId}`,
        `/contracts/checks/${checkId}/actions/new`,
      ])
        expect((await visitor.get(url)).statusCode, url).toBe(404);
      for (const [url, form] of [
        [`/contracts/${contract.id}`, contractForm(area.trust.id, { name: 'Taken over' })],
        [
          `/contracts/${contract.id}/checks`,
          { checkedOn: today, checked: 'training', findings: 'x', rating: 'assured', checkedBy: 'x' },
        ],
        [`/contracts/checks/${checkId}/actions`, { description: 'x', ownedBy: 'icb', ownerName: 'x', dueOn: today }],
        [`/contracts/actions/${icbAction}/done`, {}],
      ] as const)
        expect((await visitor.post(url, form)).statusCode, url).toBe(404);
      // Adding a contract for another ICB's provider is refused as bad input.
      expect((await visitor.post('/contracts', contractForm(area.trust.id))).statusCode).toBe(400);
    }
    for (const visitor of [otherTrust, sibling]) {
      for (const url of [`/contracts/providers/${area.trust.id}`, `/contracts/checks/${checkId}`])
        expect((await visitor.get(url)).statusCode, url).toBe(404);
      expect((await visitor.post(`/contracts/actions/${providerAction}/done`)).statusCode).toBe(404);
      const page = textOf(mainOf((await visitor.get('/contracts')).body));
      expect(page).not.toContain('Train the two wards');
    }
    const after = rowsOf(
      await t.database.db.execute(sql`select * from contract_check_actions where check_id = ${checkId} order by id`),
    );
    expect(after).toEqual(before);
    expect(
      rowsOf<{ name: string }>(await t.database.db.execute(sql`select name from contracts where id = ${contract.id}`))[0]?.name,
    ).toBe('Community services');
  });

  it('in the database: a provider of another ICB sees nothing; a provider writes nothing but its own actions’ status', async () => {
    const area = await anArea();
    const other = await anArea();
    const { contract, providerAction, icbAction } = await aCheckedContract(area);
    const db = t.database.db;
    const seen = (orgId: string) =>
      withScope(db, { userId: null, orgIds: [orgId] }, async (tx) => ({
        contracts: rowsOf<{ n: number }>(await tx.execute(sql`select count(*)::int as n from contracts`))[0]?.n,
        checks: rowsOf<{ n: number }>(await tx.execute(sql`select count(*)::int as n from contract_checks`))[0]?.n,
        actions: rowsOf<{ n: number }>(await tx.execute(sql`select count(*)::int as n from contract_check_actions`))[0]?.n,
      }));
    expect(await seen(other.trust.id)).toEqual({ contracts: 0, checks: 0, actions: 0 });
    expect(await seen(other.icb.id)).toEqual({ contracts: 0, checks: 0, actions: 0 });
    expect(await seen(area.clinic.id)).toEqual({ contracts: 0, checks: 0, actions: 0 });
    expect(await seen(area.trust.id)).toEqual({ contracts: 1, checks: 1, actions: 2 });
    expect(await seen(area.icb.id)).toEqual({ contracts: 1, checks: 1, actions: 2 });

    const asTrust = (query: ReturnType<typeof sql>) =>
      withScope(db, { userId: null, orgIds: [area.trust.id] }, (tx) => tx.execute(query));
    expect(
      await refusal(
        asTrust(sql`insert into contracts (icb_org_id, provider_org_id, name, sc32_included, starts_on, review_on)
          values (${area.icb.id}, ${area.trust.id}, 'Our own', true, ${today}, ${today})`),
      ),
    ).toMatch(/row-level security/);
    // An ICB cannot write a contract for a provider it does not commission.
    expect(
      await refusal(
        withScope(db, { userId: null, orgIds: [other.icb.id] }, (tx) =>
          tx.execute(sql`insert into contracts (icb_org_id, provider_org_id, name, sc32_included, starts_on, review_on)
            values (${other.icb.id}, ${area.trust.id}, 'Poached', true, ${today}, ${today})`),
        ),
      ),
    ).toMatch(/row-level security/);
    await asTrust(sql`update contracts set sc32_included = false where id = ${contract.id}`);
    await asTrust(sql`update contract_check_actions set status = 'done', done_on = ${today} where id = ${icbAction}`);
    expect(
      await refusal(asTrust(sql`update contract_check_actions set description = 'Nothing to do' where id = ${providerAction}`)),
    ).toMatch(/may only mark its own open action done/);
    const state = rowsOf<{ sc32: boolean; icb: string; provider: string }>(
      await db.execute(sql`select (select sc32_included from contracts where id = ${contract.id}) as sc32,
        (select status from contract_check_actions where id = ${icbAction}) as icb,
        (select description from contract_check_actions where id = ${providerAction}) as provider`),
    );
    expect(state).toEqual([{ sc32: true, icb: 'open', provider: 'Train the two wards' }]);
  });

  it('gives the assurance module each provider’s figures, for an ICB and for a provider, as at a day', async () => {
    const area = await anArea();
    const { ctx, providerAction } = await aCheckedContract(area, { sc32Included: 'no', reviewOn: addDays(today, -1) });
    const figures = await contracts.contractFigures(t.database.db, ctx, today);
    expect(figures.map((f) => f.org.name)).toEqual([area.clinic.name, area.trust.name]);
    expect(figures[1]).toEqual({
      org: { id: area.trust.id, name: area.trust.name, odsCode: area.trust.odsCode },
      hasContract: true,
      contractsInForce: 1,
      sc32Included: false,
      contractsWithoutSc32: 1,
      reviewOverdue: true,
      nextReviewOn: addDays(today, -1),
      lastCheck: { id: expect.any(String), checkedOn: addDays(today, -30), rating: 'partly_assured' },
      openActions: 2,
      overdueActions: 1,
    });
    expect(figures[0]).toMatchObject({ hasContract: false, sc32Included: false, lastCheck: null, openActions: 0 });
    // Before the check, there was none, and no actions.
    expect((await contracts.contractFigures(t.database.db, ctx, addDays(today, -31)))[1]).toMatchObject({
      lastCheck: null,
      openActions: 0,
      reviewOverdue: false,
    });

    await contracts.markActionDone(t.database.db, await contextOf(t.database, area.trustLead), providerAction);
    const own = await contracts.contractFigures(t.database.db, await contextOf(t.database, area.trustLead), today);
    expect(own).toHaveLength(1);
    expect(own[0]).toMatchObject({ org: { id: area.trust.id }, openActions: 1, overdueActions: 1, sc32Included: false });
    const region = await contextOf(t.database, { id: await idOfAccount(demo.regionalLead) });
    expect(await contracts.contractFigures(t.database.db, region, today)).toEqual([]);
  });

  async function idOfAccount(email: string): Promise<string> {
    return rowsOf<{ id: string }>(await t.database.db.execute(sql`select id from users where email = ${email}`))[0]?.id ?? '';
  }

  it('reminds the owner’s leads of an overdue action once, and nobody else', async () => {
    const area = await anArea();
    const { checkId, icbAction } = await aCheckedContract(area);
    const tomorrowWeek = addDays(today, 12); // the provider's action (due in 10 days) is overdue too by then
    const due = (await contractActionReminders(t.database, tomorrowWeek)).filter(
      (r) => r.link === `/contracts/checks/${checkId}`,
    );
    expect(due.map((r) => [r.orgId, r.roles])).toEqual(
      expect.arrayContaining([
        [area.icb.id, ['commissioner_lead']],
        [area.trust.id, ['operational_lead', 'accountable_lead']],
      ]),
    );
    expect(due).toHaveLength(2);
    expect(due.find((r) => r.orgId === area.icb.id)?.key).toBe(`contract-action-overdue:${icbAction}:${addDays(today, -5)}`);
    const sent = async () =>
      rowsOf<{ user_id: string }>(
        await t.database.db.execute(
          sql`select user_id from notifications where kind = 'contracts' and link = ${`/contracts/checks/${checkId}`}`,
        ),
      );
    await sendDueReminders(t.database, tomorrowWeek);
    const once = await sent();
    expect(once.map((n) => n.user_id).sort()).toEqual([area.commissioner.id, area.trustLead.id].sort());
    await sendDueReminders(t.database, addDays(tomorrowWeek, 1));
    expect(await sent()).toHaveLength(2);
  });

  it('lets only whoever holds contracts:manage at the ICB change the register', async () => {
    const area = await anArea();
    const { contract } = await aCheckedContract(area);
    const ctx = await contextOf(t.database, area.commissioner);
    const held = new Set([...ctx.user.permissions].filter((p) => p !== 'contracts:manage'));
    const readOnly = contextFor({ ...ctx.user, permissions: held }, null);
    const register = await contracts.register(t.database.db, readOnly);
    expect(register.side).toMatchObject({ kind: 'commissioner', canManage: false });
    await expect(contracts.addContract(t.database.db, readOnly, contractForm(area.trust.id))).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    const lead = await contextOf(t.database, area.trustLead);
    await expect(contracts.updateContract(t.database.db, lead, contract.id, contractForm(area.trust.id))).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(contracts.addContract(t.database.db, ctx, {})).rejects.toBeInstanceOf(InputError);
    // Providers' leads and the commissioner see the menu item; staff and regions are refused.
    const trustLead = await signedInAs(t.app, t.database, area.trustLead);
    expect((await trustLead.get('/')).body).toContain('href="/contracts"');
    for (const email of [demo.staff, demo.regionalLead, demo.boardViewer, demo.icbAdmin]) {
      const visitor = await signedIn(t.app, email);
      expect((await visitor.get('/contracts')).statusCode, email).toBe(403);
    }
  });

  it('the demo: the ICB’s providers, one without SC32, and a check with an open action owned by a provider', async () => {
    const commissioner = await signedIn(t.app, demo.commissioner);
    const page = await commissioner.get('/contracts');
    const rows = [...mainOf(page.body).matchAll(/<tr[\s\S]*?<\/tr>/g)].map((m) => textOf(m[0]));
    const row = (name: string) => rows.find((r) => r.includes(name)) ?? '';
    expect(row('Dales Community and Mental Health NHS Trust')).toMatch(/No: SC32 missing.*Review overdue.*No check yet/);
    expect(row('Northshire Teaching Hospitals NHS Foundation Trust')).toMatch(/Yes.*Partly assured.*Open actions 1$/);
    expect(row('Harbourside Independent Clinics Ltd')).toMatch(/Yes.*Assured.*Open actions 0$/);
    const lead = await signedIn(t.app, demo.operationalLead);
    const own = await lead.get('/contracts');
    expect(textOf(mainOf(own.body))).toContain('Bring level 3 Prevent training in the emergency department to 85%');
    expect(own.body).toMatch(/\/contracts\/actions\/[0-9a-f-]{36}\/done/);
    const rz1 = await orgIdOf(t.database, 'RZ1');
    const figures = await contracts.contractFigures(
      t.database.db,
      await contextOf(t.database, { id: await idOfAccount(demo.operationalLead) }),
    );
    expect(figures).toEqual([
      expect.objectContaining({ org: expect.objectContaining({ id: rz1 }), openActions: 1, sc32Included: true }),
    ]);
  });
});
