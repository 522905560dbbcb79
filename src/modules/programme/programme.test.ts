import { randomUUID } from 'node:crypto';
import { and, asc, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newOrganisation, newUser, signedInAs } from '../../../test/factories.ts';
import { demo, signedIn, type TestApp, testApp, textOf } from '../../../test/harness.ts';
import { withScope } from '../../db/tenancy.ts';
import { contextFor, type RequestContext } from '../../platform/context.ts';
import { addDays, todayInLondon } from '../../platform/dates.ts';
import { auditEvents } from '../audit/schema.ts';
import * as organisations from '../organisations/service.ts';
import * as users from '../users/service.ts';
import { programmeReminders } from './reminders.ts';
import { workProgrammeItems, workProgrammes } from './schema.ts';
import * as programme from './service.ts';

describe('annual work programme', () => {
  let t: TestApp;
  const today = todayInLondon();
  const org: Record<'rz1' | 'rz2' | 'nz3' | 'icb', string> = { rz1: '', rz2: '', nz3: '', icb: '' };

  const userId = async (email: string) => (await users.findByEmail(t.database.db, email))?.id ?? '';
  async function contextOf(email: string, orgId: string): Promise<RequestContext> {
    const user = await users.describeUser(t.database.db, await userId(email), orgId);
    if (!user) throw new Error(email);
    return contextFor(user, '127.0.0.1');
  }
  const programmesOf = (orgId: string) =>
    t.database.db.select().from(workProgrammes).where(eq(workProgrammes.orgId, orgId)).orderBy(asc(workProgrammes.startsOn));
  const itemsOf = (programmeId: string) =>
    t.database.db
      .select()
      .from(workProgrammeItems)
      .where(eq(workProgrammeItems.programmeId, programmeId))
      .orderBy(asc(workProgrammeItems.position));
  const itemById = async (id: string) =>
    (await t.database.db.select().from(workProgrammeItems).where(eq(workProgrammeItems.id, id)))[0];
  const auditActions = async (orgId: string) =>
    (
      await t.database.db
        .select({ action: auditEvents.action, recordId: auditEvents.recordId })
        .from(auditEvents)
        .where(and(eq(auditEvents.orgId, orgId), like(auditEvents.action, 'programme.%')))
    ).map((r) => r.action);

  /**
   * A provider of the demo ICB with its operational lead signed in, for a test that starts or changes a
   * programme: the demo trust RZ2 keeps having none, as the test of the demo programmes reads it.
   */
  const aProviderOfTheIcb = async (odsCode: string, name: string) => {
    const provider = await newOrganisation(t.database, { odsCode, name, kind: 'nhs_trust', commissionerOds: 'QZZ' });
    const user = await newUser(t.database, {
      email: `prevent.lead@${odsCode.toLowerCase()}.example`,
      displayName: `Lead of ${odsCode}`,
      roles: [{ orgId: provider.id, role: 'operational_lead' }],
    });
    return { provider, leadId: user.id, lead: await signedInAs(t.app, t.database, user, provider.id) };
  };

  /** The same, with this year's programme started as the lead starts it, holding the items the standard requires. */
  const aProviderWithAProgramme = async (odsCode: string, name: string) => {
    const made = await aProviderOfTheIcb(odsCode, name);
    const year = programme.programmeYearContaining(today, 4).year;
    const started = await made.lead.post(`/programme/${year}/start`);
    if (started.statusCode !== 303) throw new Error(`Starting the programme at ${odsCode} answered ${started.statusCode}`);
    return made;
  };

  beforeAll(async () => {
    t = await testApp();
    for (const [key, ods] of [
      ['rz1', 'RZ1'],
      ['rz2', 'RZ2'],
      ['nz3', 'NZ3'],
      ['icb', 'QZZ'],
    ] as const) {
      org[key] = (await organisations.findByOdsCode(t.database.db, ods))?.id ?? '';
    }
  });
  afterAll(() => t.close());

  it('works out the programme year containing a date, April to March unless the organisation says otherwise', () => {
    expect(programme.programmeYearContaining('2026-03-31', 4)).toEqual({
      year: 2025,
      startsOn: '2025-04-01',
      endsOn: '2026-03-31',
    });
    expect(programme.programmeYearContaining('2026-04-01', 4)).toEqual({
      year: 2026,
      startsOn: '2026-04-01',
      endsOn: '2027-03-31',
    });
    expect(programme.programmeYearContaining('2026-12-31', 1)).toEqual({
      year: 2026,
      startsOn: '2026-01-01',
      endsOn: '2026-12-31',
    });
    expect(programme.programmeYearContaining('2026-08-31', 9).year).toBe(2025);
    expect(programme.programmeYearContaining('2026-09-01', 9)).toEqual({
      year: 2026,
      startsOn: '2026-09-01',
      endsOn: '2027-08-31',
    });
    // A year starting in March ends on the last day of February, leap years included.
    expect(programme.programmeYearWindow(2027, 3).endsOn).toBe('2028-02-29');
    expect(programme.programmeYearWindow(2026, 3).endsOn).toBe('2027-02-28');
    expect(programme.yearLabel('2026-04-01', '2027-03-31')).toBe('2026 to 2027');
    expect(programme.yearLabel('2026-01-01', '2026-12-31')).toBe('2026');
    expect(programme.oneYearOn('2028-02-29')).toBe('2029-02-28');
    expect(programme.oneYearOn('2026-06-30')).toBe('2027-06-30');
  });

  it('requires of a commissioner, and not of a provider, measures to engage GPs and other primary care', () => {
    const areas = (kind: organisations.OrganisationKind) => programme.requiredItemsFor(kind).map((i) => i.area);
    expect(areas('icb')).toEqual(['training_needs_analysis', 'risk_assessment', 'changes', 'local_delivery', 'primary_care']);
    for (const kind of ['nhs_foundation_trust', 'nhs_trust', 'independent_provider'] as const) {
      expect(areas(kind)).toEqual(['training_needs_analysis', 'risk_assessment', 'changes', 'local_delivery']);
    }
  });

  it('has demo programmes: the trust about half done with one overdue, the ICB with its primary-care item, RZ2 none', async () => {
    const [trust] = await programmesOf(org.rz1);
    expect(trust).toBeDefined();
    const progress = await programme.programmeProgress(t.database.db, org.rz1, today);
    expect(progress).toMatchObject({ total: 6, done: 3, percent: 50 });
    // On the first day of a programme year no date in it has passed yet.
    expect(progress?.overdue).toBe(trust?.startsOn === today ? 0 : 1);

    const [icbProgramme] = await programmesOf(org.icb);
    const icbItems = await itemsOf(icbProgramme?.id ?? '');
    expect(icbItems.filter((i) => i.required).map((i) => i.area)).toContain('primary_care');
    expect(await programmesOf(org.rz2)).toEqual([]);

    const lead = await signedIn(t.app, demo.operationalLead);
    const page = textOf((await lead.get('/programme')).body);
    expect(page).toContain('3 of 6 items done (50%)');
    expect(page).toContain('Required by the standard');
    const other = await signedIn(t.app, demo.otherTrustLead);
    expect(textOf((await other.get('/programme')).body)).toMatch(/There is no programme for \d{4} to \d{4} yet/);
  });

  it('lets the commissioning ICB read a provider’s progress, and no other organisation', async () => {
    const commissionerId = await userId(demo.commissioner);
    const seen = await withScope(t.database.db, { userId: commissionerId, orgIds: [org.icb] }, (tx) =>
      programme.programmeProgress(tx, org.rz1, today),
    );
    expect(seen).toMatchObject({ total: 6, done: 3, percent: 50 });
    const rz2LeadId = await userId(demo.otherTrustLead);
    const notSeen = await withScope(t.database.db, { userId: rz2LeadId, orgIds: [org.rz2] }, (tx) =>
      programme.programmeProgress(tx, org.rz1, today),
    );
    expect(notSeen).toBeNull();
  });

  it('starts a provider’s programme with the items the standard requires, audited', async () => {
    const { provider, lead } = await aProviderOfTheIcb('RP1', 'Pinewood Starting NHS Trust');
    const page = await lead.get('/programme');
    const year = Number(/action="\/programme\/(\d{4})\/start"/.exec(page.body)?.[1]);
    expect(year).toBe(programme.programmeYearContaining(today, 4).year);
    const started = await lead.post(`/programme/${year}/start`);
    expect(started.statusCode).toBe(303);
    expect(started.headers.location).toBe(`/programme/${year}`);

    const [created] = await programmesOf(provider.id);
    expect(created).toMatchObject({ startsOn: `${year}-04-01`, endsOn: `${year + 1}-03-31` });
    const items = await itemsOf(created?.id ?? '');
    expect(items.map((i) => i.area)).toEqual(['training_needs_analysis', 'risk_assessment', 'changes', 'local_delivery']);
    expect(items.every((i) => i.required && i.status === 'not_started' && i.dueOn === `${year + 1}-03-31`)).toBe(true);

    const again = await lead.post(`/programme/${year}/start`);
    expect(again.statusCode).toBe(400);
    expect(textOf(again.body)).toContain('has already been started');
    expect(await programmesOf(provider.id)).toHaveLength(1);
    expect(await auditActions(provider.id)).toContain('programme.started');
  });

  it('lets a lead add, change and remove items, but not remove one the standard requires', async () => {
    const { provider, lead, leadId: ownerId } = await aProviderWithAProgramme('RP2', 'Pinewood Items NHS Trust');
    const [current] = await programmesOf(provider.id);
    const year = programme.yearOf(current ?? { startsOn: '' });

    expect((await lead.get(`/programme/${year}/items/new`)).statusCode).toBe(200);
    const added = await lead.post(`/programme/${year}/items`, {
      title: 'Run a Prevent awareness week',
      area: 'other',
      ownerUserId: ownerId,
      ownerName: '',
      dueOn: addDays(current?.startsOn ?? '', 60),
      status: 'in_progress',
      notes: 'With the safeguarding team',
      evidence0Label: 'Plan',
      evidence0Url: 'https://intranet.dales.example/prevent-week',
      evidence1Label: '',
      evidence1Url: '',
    });
    expect(added.statusCode).toBe(303);
    const items = await itemsOf(current?.id ?? '');
    const item = items.find((i) => i.title === 'Run a Prevent awareness week');
    expect(item).toMatchObject({
      required: false,
      area: 'other',
      ownerUserId: ownerId,
      status: 'in_progress',
      evidence: [{ label: 'Plan', url: 'https://intranet.dales.example/prevent-week' }],
      position: 4,
    });
    expect(textOf((await lead.get(`/programme/items/${item?.id}`)).body)).toContain('With the safeguarding team');

    const changed = await lead.post(`/programme/items/${item?.id}`, {
      title: 'Run a Prevent awareness week in the autumn',
      area: 'local_delivery',
      ownerUserId: '',
      ownerName: 'Safeguarding team',
      dueOn: addDays(current?.startsOn ?? '', 90),
      status: 'done',
      notes: '',
    });
    expect(changed.statusCode).toBe(303);
    expect(await itemById(item?.id ?? '')).toMatchObject({
      title: 'Run a Prevent awareness week in the autumn',
      area: 'local_delivery',
      ownerUserId: null,
      ownerName: 'Safeguarding team',
      status: 'done',
      notes: null,
      evidence: [],
    });

    const required = items.find((i) => i.required);
    const requiredChange = await lead.post(`/programme/items/${required?.id}`, {
      title: required?.title ?? '',
      area: 'other',
      ownerUserId: ownerId,
      dueOn: required?.dueOn ?? '',
      status: 'in_progress',
    });
    expect(requiredChange.statusCode).toBe(303);
    // A required item keeps its part of the standard, whatever the form says.
    expect(await itemById(required?.id ?? '')).toMatchObject({ area: required?.area, status: 'in_progress' });

    expect(textOf((await lead.get(`/programme/items/${required?.id}/delete`)).body)).toContain('cannot be removed');
    const refused = await lead.post(`/programme/items/${required?.id}/delete`);
    expect(refused.statusCode).toBe(400);
    expect(textOf(refused.body)).toContain('required by the Prevent core standard');
    expect(await itemById(required?.id ?? '')).toBeDefined();

    const removed = await lead.post(`/programme/items/${item?.id}/delete`);
    expect(removed.statusCode).toBe(303);
    expect(await itemById(item?.id ?? '')).toBeUndefined();

    expect(await auditActions(provider.id)).toEqual(
      expect.arrayContaining(['programme.item_added', 'programme.item_updated', 'programme.item_deleted']),
    );
  });

  it('explains each mistake next to its field and changes nothing', async () => {
    const { provider, lead, leadId } = await aProviderWithAProgramme('RP3', 'Pinewood Mistakes NHS Trust');
    const [current] = await programmesOf(provider.id);
    const year = programme.yearOf(current ?? { startsOn: '' });
    const [item] = await itemsOf(current?.id ?? '');
    const before = await itemById(item?.id ?? '');
    const rz1LeadId = await userId(demo.operationalLead);
    const good = {
      title: 'A valid title',
      area: 'other',
      ownerUserId: '',
      ownerName: '',
      dueOn: current?.endsOn ?? '',
      status: 'in_progress',
      notes: 'Changed',
    };
    const cases: [Record<string, string>, string, string][] = [
      [{ dueOn: `${year}-02-31` }, 'dueOn', 'Enter a real date'],
      [{ dueOn: 'soon' }, 'dueOn', 'Enter a real date'],
      [{ dueOn: addDays(current?.endsOn ?? '', 1) }, 'dueOn', 'Enter a date within this programme year'],
      [{ dueOn: addDays(current?.startsOn ?? '', -1) }, 'dueOn', 'Enter a date within this programme year'],
      [{ ownerUserId: randomUUID() }, 'ownerUserId', 'Choose a person from the list'],
      [{ ownerUserId: rz1LeadId }, 'ownerUserId', 'Choose a person from the list'],
      [{ ownerUserId: 'not-an-id' }, 'ownerUserId', 'Choose a person from the list'],
      [{ ownerUserId: leadId, ownerName: 'Someone' }, 'ownerName', 'not both'],
      [{ title: '' }, 'title', 'Enter what the item is'],
      [{ title: 'x'.repeat(201) }, 'title', 'must be 200 characters or fewer'],
      [{ status: 'finished' }, 'status', 'Choose the item’s status'],
      [
        { evidence0Label: 'Plan', evidence0Url: 'javascript:alert(1)' },
        'evidence0Url',
        'Enter a web address starting with https://',
      ],
      [
        { evidence0Label: 'Plan', evidence0Url: 'not a web address' },
        'evidence0Url',
        'Enter a web address starting with https://',
      ],
      [
        { evidence0Label: 'Plan', evidence0Url: 'ftp://files.example/plan' },
        'evidence0Url',
        'Enter a web address starting with https://',
      ],
      [{ evidence0Label: '', evidence0Url: 'https://intranet.example/plan' }, 'evidence0Label', 'Enter a label for this link'],
    ];
    for (const [fields, field, message] of cases) {
      const response = await lead.post(`/programme/items/${item?.id}`, { ...good, ...fields });
      expect(response.statusCode, message).toBe(400);
      const text = textOf(response.body);
      expect(text, message).toContain('There is a problem');
      expect(text, message).toContain(message);
      // The summary links to the field, and the field carries the message.
      expect(response.body, message).toContain(`href="#${field}"`);
      expect(response.body, message).toContain(`id="${field}-error"`);
      expect(await itemById(item?.id ?? ''), message).toEqual(before);
    }

    const count = (await itemsOf(current?.id ?? '')).length;
    const badAdd = await lead.post(`/programme/${year}/items`, {
      ...good,
      area: 'nonsense',
      title: '',
      dueOn: addDays(current?.endsOn ?? '', 1),
    });
    expect(badAdd.statusCode).toBe(400);
    // Every problem at once, the programme year's dates included.
    expect(textOf(badAdd.body)).toContain('Enter a date within this programme year');
    expect(textOf(badAdd.body)).toContain('Choose the part of the standard this item covers');
    expect(textOf(badAdd.body)).toContain('Enter what the item is');
    expect(await itemsOf(current?.id ?? '')).toHaveLength(count);
  });

  it('copies a programme forward once: dates a year on, every item not started, notes and evidence left behind', async () => {
    const { provider, lead } = await aProviderWithAProgramme('RP4', 'Pinewood Copying NHS Trust');
    const [source] = await programmesOf(provider.id);
    const year = programme.yearOf(source ?? { startsOn: '' });
    const sourceItems = await itemsOf(source?.id ?? '');
    const first = sourceItems[0];
    await lead.post(`/programme/items/${first?.id}`, {
      title: first?.title ?? '',
      ownerName: 'Learning and development',
      dueOn: `${year}-09-30`,
      status: 'done',
      notes: 'Done in September',
      evidence0Label: 'Needs analysis',
      evidence0Url: 'https://intranet.dales.example/tna',
    });
    expect(await itemById(first?.id ?? '')).toMatchObject({ status: 'done', notes: 'Done in September' });

    const copied = await lead.post(`/programme/${year}/copy-forward`);
    expect(copied.statusCode).toBe(303);
    expect(copied.headers.location).toBe(`/programme/${year + 1}`);
    const [, next] = await programmesOf(provider.id);
    expect(next).toMatchObject({ startsOn: `${year + 1}-04-01`, endsOn: `${year + 2}-03-31`, copiedFrom: source?.id });
    const nextItems = await itemsOf(next?.id ?? '');
    expect(nextItems).toHaveLength(sourceItems.length);
    for (const [i, copy] of nextItems.entries()) {
      const original = i === 0 ? await itemById(first?.id ?? '') : sourceItems[i];
      expect(copy).toMatchObject({
        title: original?.title,
        area: original?.area,
        required: original?.required,
        ownerUserId: original?.ownerUserId,
        ownerName: original?.ownerName,
        dueOn: programme.oneYearOn(original?.dueOn ?? ''),
        status: 'not_started',
        notes: null,
        evidence: [],
      });
    }
    expect(nextItems[0]?.dueOn).toBe(`${year + 1}-09-30`);
    expect(textOf((await lead.get(`/programme/${year + 1}`)).body)).toContain(`Copied forward from The ${year} programme`);

    const twice = await lead.post(`/programme/${year}/copy-forward`);
    expect(twice.statusCode).toBe(400);
    expect(textOf(twice.body)).toContain('already exists, so this one cannot be copied forward');
    expect(await programmesOf(provider.id)).toHaveLength(2);
    expect(await auditActions(provider.id)).toContain('programme.copied_forward');
  });

  it('counts progress on known data, and a changed start month shapes the next programme', async () => {
    const ctx = await contextOf(demo.independentLead, org.nz3);
    const day = '2031-05-10';
    expect(await programme.currentYear(t.database.db, ctx, day)).toBe(2031);
    await expect(programme.startProgramme(t.database.db, ctx, 2029, day)).rejects.toThrow(
      'You can start only this year’s programme or next year’s',
    );
    await programme.startProgramme(t.database.db, ctx, 2031, day);
    const page = await programme.programmePage(t.database.db, ctx, 2031, day);
    const [a, b, c] = page.items;
    const edit = (item: programme.Item | undefined, status: string, dueOn: string) =>
      programme.updateItem(t.database.db, ctx, item?.id ?? '', { title: item?.title, status, dueOn });
    await edit(a, 'done', '2031-04-30');
    await edit(b, 'done', '2031-05-01');
    await edit(c, 'in_progress', '2031-05-09');
    await programme.addItem(t.database.db, ctx, 2031, {
      title: 'Audit Prevent in local contracts',
      area: 'other',
      status: 'not_started',
      dueOn: '2031-05-20',
    });
    expect(await programme.programmeProgress(t.database.db, org.nz3, day)).toEqual({
      year: 2031,
      total: 5,
      done: 2,
      percent: 40,
      overdue: 1,
    });
    expect(await programme.programmeProgress(t.database.db, org.nz3, '2030-12-31')).toBeNull();
    const due = await programme.dueAndOverdueItems(t.database, day);
    expect(due.overdue.filter((i) => i.orgId === org.nz3).map((i) => i.dueOn)).toEqual(['2031-05-09']);
    expect(due.dueSoon.filter((i) => i.orgId === org.nz3).map((i) => i.title)).toEqual(['Audit Prevent in local contracts']);

    const lead = await signedIn(t.app, demo.independentLead);
    expect((await lead.get('/programme/settings')).statusCode).toBe(200);
    const bad = await lead.post('/programme/settings', { yearStartMonth: '13' });
    expect(bad.statusCode).toBe(400);
    expect(textOf(bad.body)).toContain('Choose the month the programme year starts');
    expect(await programme.yearStartMonth(t.database.db, ctx)).toBe(4);
    expect((await lead.post('/programme/settings', { yearStartMonth: '1' })).statusCode).toBe(303);
    expect(await programme.yearStartMonth(t.database.db, ctx)).toBe(1);
    expect(await auditActions(org.nz3)).toContain('programme.settings_changed');

    // The programme running keeps its dates; the next starts the day after it ends and runs to December.
    const later = '2032-02-01';
    expect(await programme.currentYear(t.database.db, ctx, later)).toBe(2031);
    await programme.copyForward(t.database.db, ctx, 2031, later);
    const [, next] = await programmesOf(org.nz3);
    expect(next).toMatchObject({ startsOn: '2032-04-01', endsOn: '2032-12-31' });
    // A date a year on that falls after the shortened year is kept inside it.
    const nextItems = await itemsOf(next?.id ?? '');
    expect(nextItems.map((i) => i.dueOn)).toEqual(['2032-04-30', '2032-05-01', '2032-05-09', '2032-12-31', '2032-05-20']);
    expect(programme.programmeYearContaining('2033-01-15', 1).year).toBe(2033);
    expect(await programme.currentYear(t.database.db, ctx, '2033-01-15')).toBe(2033);
  });

  it('answers 404 for another organisation’s programme items, and changes nothing', async () => {
    const [trust] = await programmesOf(org.rz1);
    const [item] = await itemsOf(trust?.id ?? '');
    const before = await itemById(item?.id ?? '');
    const other = await signedIn(t.app, demo.otherTrustLead);
    expect((await other.get(`/programme/items/${item?.id}`)).statusCode).toBe(404);
    expect((await other.get(`/programme/items/${item?.id}/edit`)).statusCode).toBe(404);
    const edit = await other.post(`/programme/items/${item?.id}`, {
      title: 'Taken over',
      status: 'done',
      dueOn: item?.dueOn ?? '',
    });
    expect(edit.statusCode).toBe(404);
    expect((await other.post(`/programme/items/${item?.id}/delete`)).statusCode).toBe(404);
    expect(await itemById(item?.id ?? '')).toEqual(before);
    // The commissioner may read the trust's progress, but not work on its items through these pages.
    const commissioner = await signedIn(t.app, demo.commissioner);
    expect((await commissioner.get(`/programme/items/${item?.id}`)).statusCode).toBe(404);
    expect((await other.get('/programme/2019')).statusCode).toBe(200);
    expect((await other.get('/programme/not-a-year')).statusCode).toBe(404);
  });

  it('lets a board viewer read the programme but not change it', async () => {
    const board = await signedIn(t.app, demo.boardViewer);
    const page = await board.get('/programme');
    expect(page.statusCode).toBe(200);
    expect(textOf(page.body)).toContain('items done');
    expect(textOf(page.body)).not.toContain('Add an item');
    const [trust] = await programmesOf(org.rz1);
    const [item] = await itemsOf(trust?.id ?? '');
    expect((await board.get(`/programme/items/${item?.id}`)).statusCode).toBe(200);
    expect((await board.get(`/programme/items/${item?.id}/edit`)).statusCode).toBe(403);
    const before = await itemById(item?.id ?? '');
    const refused = await board.post(`/programme/items/${item?.id}`, {
      title: 'x',
      status: 'done',
      dueOn: item?.dueOn ?? '',
    });
    expect(refused.statusCode).toBe(403);
    expect(await itemById(item?.id ?? '')).toEqual(before);
    expect((await board.post(`/programme/${programme.yearOf(trust ?? { startsOn: '' })}/copy-forward`)).statusCode).toBe(403);
  });

  it('gives the reminder scan items due within 14 days and items overdue, keyed by item and due date', async () => {
    const reminders = await programmeReminders(t.database, today);
    const trustItems = await itemsOf((await programmesOf(org.rz1))[0]?.id ?? '');
    const soon = trustItems.find((i) => i.status !== 'done' && i.dueOn && i.dueOn >= today && i.dueOn <= addDays(today, 14));
    if (soon) {
      expect(reminders).toContainEqual(
        expect.objectContaining({
          key: `programme-due:${soon.id}:${soon.dueOn}`,
          orgId: org.rz1,
          roles: ['operational_lead', 'accountable_lead'],
          link: `/programme/items/${soon.id}`,
        }),
      );
    }
    for (const late of trustItems.filter((i) => i.status !== 'done' && i.dueOn && i.dueOn < today)) {
      expect(reminders.map((r) => r.key)).toContain(`programme-overdue:${late.id}:${late.dueOn}`);
    }
    expect(reminders.every((r) => /^programme-(due|overdue):[0-9a-f-]{36}:\d{4}-\d{2}-\d{2}$/.test(r.key))).toBe(true);
  });
});
