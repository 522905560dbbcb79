import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as figures from '../src/modules/concern-figures/service.ts';
import * as concerns from '../src/modules/concerns/service.ts';
import * as learning from '../src/modules/lessons/group-service.ts';
import * as lessons from '../src/modules/lessons/service.ts';
import * as organisations from '../src/modules/organisations/service.ts';
import * as risks from '../src/modules/risks/service.ts';
import * as users from '../src/modules/users/service.ts';
import { contextFor, type RequestContext } from '../src/platform/context.ts';
import { todayInLondon } from '../src/platform/dates.ts';
import { ForbiddenError, InputError } from '../src/platform/errors.ts';
import type { Permission } from '../src/platform/permissions.ts';
import { newUser } from './factories.ts';
import { demo, type TestApp, testApp } from './harness.ts';

/**
 * The decisions services once took by a role's name now ask `can`. The role table cannot be changed in a
 * test, so each test acts as a demo account with one permission added or taken away, and shows the
 * behaviour follows the permission, not the role the account holds.
 */
describe('decisions that follow a permission, not a role’s name', () => {
  let t: TestApp;
  let db: TestApp['database']['db'];
  const today = todayInLondon();

  beforeAll(async () => {
    t = await testApp();
    db = t.database.db;
  });
  afterAll(() => t.close());

  /** A demo account acting for its organisation, with permissions added to or taken from those its role gives. */
  async function actingAs(email: string, change: { add?: Permission[]; remove?: Permission[] } = {}): Promise<RequestContext> {
    const found = await users.findByEmail(db, email);
    const user = found ? await users.describeUser(db, found.id, null) : null;
    if (!user) throw new Error(`no account ${email}`);
    const held = new Set(user.permissions);
    for (const p of change.add ?? []) held.add(p);
    for (const p of change.remove ?? []) held.delete(p);
    return contextFor({ ...user, permissions: held }, null);
  }

  it('opens every case, and the leads’ part of it, to whoever holds concerns:manage (once: being a lead)', async () => {
    const lead = await concerns.listCases(db, await actingAs(demo.operationalLead), {});
    const practitioner = await actingAs(demo.practitioner);
    expect((await concerns.listCases(db, practitioner, {})).total).toBeLessThan(lead.total);

    const promoted = await actingAs(demo.practitioner, { add: ['concerns:manage'] });
    expect((await concerns.listCases(db, promoted, {})).total).toBe(lead.total);
    const demoted = await concerns.listCases(db, await actingAs(demo.operationalLead, { remove: ['concerns:manage'] }), {});
    expect(demoted.total).toBeLessThan(lead.total);
    for (const c of demoted.cases) expect(c.assignees).toContain('Jordan Ellis');

    const unassigned = lead.cases.find((c) => !c.assignees.includes('Priya Natarajan') && !c.erasedAt);
    if (!unassigned) throw new Error('the demo has no case the practitioner is not assigned to');
    await expect(concerns.withCase(db, practitioner, unassigned.id, 'case', async (open) => open.access)).rejects.toBeInstanceOf(
      concerns.BreakGlassNeeded,
    );
    const opened = await concerns.withCase(db, promoted, unassigned.id, 'case', async (open) => ({
      access: open.access,
      details: await concerns.caseDetails(open),
    }));
    expect(opened.access).toBe('lead');
    // Who opened the case is shown to the leads only.
    expect(opened.details.viewers.length).toBeGreaterThan(0);
  });

  it('shows the case page’s lessons learned section to whoever holds lessons:review', async () => {
    const { cases } = await concerns.listCases(db, await actingAs(demo.operationalLead), {});
    const id = cases[0]?.id ?? '';
    const section = async (ctx: RequestContext) => concerns.withCase(db, ctx, id, 'case', (open) => lessons.reviewSection(open));
    expect((await section(await actingAs(demo.operationalLead))).canReview).toBe(true);
    expect((await section(await actingAs(demo.operationalLead, { remove: ['lessons:review'] }))).canReview).toBe(false);
  });

  it('shows a person’s own organisation’s figures exactly only to whoever holds concerns:exact-figures', async () => {
    const suppressed = async (ctx: RequestContext) => (await figures.figuresFor(db, ctx, {})).suppressed;
    expect(await suppressed(await actingAs(demo.operationalLead))).toBe(false);
    expect(await suppressed(await actingAs(demo.operationalLead, { remove: ['concerns:exact-figures'] }))).toBe(true);
    expect(await suppressed(await actingAs(demo.boardViewer))).toBe(true);
    expect(await suppressed(await actingAs(demo.boardViewer, { add: ['concerns:exact-figures'] }))).toBe(false);
  });

  it('shows the providers’ figures, suppressed, to whoever holds concerns:providers where they reach providers', async () => {
    const shown = async (ctx: RequestContext) => {
      const f = await figures.figuresFor(db, ctx, {});
      return { across: f.across, suppressed: f.suppressed, organisations: f.organisations.length };
    };
    const commissioner = await shown(await actingAs(demo.commissioner));
    expect(commissioner).toEqual({ across: true, suppressed: true, organisations: expect.any(Number) });
    expect(commissioner.organisations).toBeGreaterThan(1);
    expect((await shown(await actingAs(demo.commissioner, { remove: ['concerns:providers'] }))).across).toBe(false);
    expect((await shown(await actingAs(demo.regionalLead))).across).toBe(true);
    expect((await shown(await actingAs(demo.regionalLead, { remove: ['concerns:providers'] }))).across).toBe(false);
    // The ICB's administrator reaches the providers but is not given their figures, until it holds the permission.
    expect((await shown(await actingAs(demo.icbAdmin))).across).toBe(false);
    expect(await shown(await actingAs(demo.icbAdmin, { add: ['concerns:providers'] }))).toEqual(commissioner);
  });

  it('reaches an ICB’s providers with organisations:commissioned, and a region’s organisations with organisations:region', async () => {
    const reach = async (ctx: RequestContext) => (await organisations.organisationsInReach(db, ctx)).map((o) => o.odsCode).sort();
    const commissioned = await reach(await actingAs(demo.commissioner));
    expect(commissioned.length).toBeGreaterThan(1);
    expect(await reach(await actingAs(demo.icbAdmin))).toEqual(commissioned);
    expect(await reach(await actingAs(demo.commissioner, { remove: ['organisations:commissioned'] }))).toEqual(['QZZ']);
    expect(await reach(await actingAs(demo.icbAdmin, { remove: ['organisations:commissioned'] }))).toEqual(['QZZ']);

    const region = await reach(await actingAs(demo.regionalLead));
    expect(region.length).toBeGreaterThan(commissioned.length);
    expect(await reach(await actingAs(demo.regionalLead, { remove: ['organisations:region'] }))).toEqual(['Y99']);
    // Someone else at the region gains the region with the permission.
    const [regionOrg] = await organisations.findByIds(db, [(await actingAs(demo.regionalLead)).user.activeOrg.id]);
    const colleague = await newUser(t.database, {
      email: 'colleague@northshire-region.example',
      displayName: 'Rene Colleague',
      roles: [{ orgId: String(regionOrg?.id), role: 'board_viewer' }],
    });
    const colleagueEmail = colleague.email;
    expect(await reach(await actingAs(colleagueEmail))).toEqual(['Y99']);
    expect(await reach(await actingAs(colleagueEmail, { add: ['organisations:region'] }))).toEqual(region);
    // The permission reaches nothing from an organisation of another kind.
    expect(
      await reach(await actingAs(demo.boardViewer, { add: ['organisations:commissioned', 'organisations:region'] })),
    ).toEqual(['RZ1']);
  });

  it('lets whoever holds ctlp:sign-off sign off the CTLP review, and no one else', async () => {
    const year = risks.financialYearOf(today);
    const signOff = async (ctx: RequestContext) => risks.signOffCtlp(db, ctx, year, { reviewedOn: today }, today);
    await expect(signOff(await actingAs(demo.accountableLead, { remove: ['ctlp:sign-off'] }))).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(signOff(await actingAs(demo.operationalLead))).rejects.toBeInstanceOf(ForbiddenError);
    await signOff(await actingAs(demo.operationalLead, { add: ['ctlp:sign-off'] }));
    const { record } = await risks.getCtlp(db, await actingAs(demo.operationalLead), year);
    expect(record?.signedOffByName).toBe('Jordan Ellis');
  });

  it('makes the host of the learning group whoever holds learning:manage at the commissioner', async () => {
    const isHost = async (ctx: RequestContext) => (await learning.groupOf(db, ctx)).isHost;
    expect(await isHost(await actingAs(demo.commissioner))).toBe(true);
    expect(await isHost(await actingAs(demo.commissioner, { remove: ['learning:manage'] }))).toBe(false);
    expect(await isHost(await actingAs(demo.icbAdmin))).toBe(false);
    expect(await isHost(await actingAs(demo.icbAdmin, { add: ['learning:manage'] }))).toBe(true);
    // Holding it at a provider does not host the provider's commissioner's group.
    expect(await isHost(await actingAs(demo.operationalLead, { add: ['learning:manage'] }))).toBe(false);
  });

  it('refuses an administrator the removal of their own role that carries users:manage, and only that', async () => {
    const admin = await actingAs(demo.systemAdmin);
    await users.grantRole(db, admin, admin.user.id, { role: 'board_viewer' });
    const grants = (await users.getMember(db, admin, admin.user.id)).grants.filter((g) => g.revokedAt === null);
    const byRole = (role: string) => grants.find((g) => g.role === role)?.id ?? '';
    await users.revokeRole(db, admin, admin.user.id, byRole('board_viewer'));
    const refused = users.revokeRole(db, admin, admin.user.id, byRole('system_admin'));
    await expect(refused).rejects.toBeInstanceOf(InputError);
    await expect(refused).rejects.toMatchObject({
      fieldErrors: { role: expect.stringContaining('your own administrator role') },
    });
  });
});
