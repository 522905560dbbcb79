import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../src/db/client.ts';
import { noScope, withScope } from '../src/db/tenancy.ts';
import * as concerns from '../src/modules/concerns/service.ts';
import type { OrganisationKind } from '../src/modules/organisations/schema.ts';
import * as organisations from '../src/modules/organisations/service.ts';
import * as policyDemo from '../src/modules/policies/demo.ts';
import * as policies from '../src/modules/policies/service.ts';
import * as risks from '../src/modules/risks/service.ts';
import * as users from '../src/modules/users/service.ts';
import { contextFor, type RequestContext } from '../src/platform/context.ts';
import { addDays } from '../src/platform/dates.ts';
import type { Role } from '../src/platform/permissions.ts';
import * as sessions from '../src/platform/sessions.ts';
import { concernForm } from './concerns.ts';
import { demoPassword, Visitor } from './harness.ts';

/** Whoever sets a test up, as the audit trail names them. */
const setUp = { userId: null, label: 'test set-up', ip: null };

/** An organisation made for one test: an ICB, or a provider of the ICB with `commissionerOds`. */
export async function newOrganisation(
  database: Database,
  fields: { odsCode: string; name: string; kind: OrganisationKind; commissionerOds?: string; region?: string },
): Promise<{ id: string; odsCode: string; name: string }> {
  const created = await organisations.addOrganisation(database.db, setUp, { region: 'North West', ...fields });
  return { id: created.id, odsCode: created.odsCode, name: created.name };
}

/** Another ICB and a provider it commissions, with a system administrator of the provider who can sign in. */
export async function anotherIcbsProvider(database: Database, suffix = '8') {
  await newOrganisation(database, { odsCode: `QY${suffix}`, name: `West Coast ${suffix} Integrated Care Board`, kind: 'icb' });
  const provider = await newOrganisation(database, {
    odsCode: `RY${suffix}`,
    name: `West Coast ${suffix} Provider NHS Trust`,
    kind: 'nhs_trust',
    commissionerOds: `QY${suffix}`,
  });
  const admin = await newUser(database, {
    email: `admin${suffix}@west-coast-provider.example`,
    displayName: `Drew Outsider ${suffix}`,
    roles: [{ orgId: provider.id, role: 'system_admin' }],
  });
  return { provider, admin };
}

/**
 * A person who can sign in with the demo password, holding each role given (in any organisations).
 * With `mfa`, the account has a second factor set up (a secret no test uses to sign in).
 */
export async function newUser(
  database: Database,
  person: { email: string; displayName: string; roles: { orgId: string; role: Role }[]; mfa?: boolean },
): Promise<{ id: string; email: string }> {
  const [first, ...others] = person.roles;
  if (!first) throw new Error('A test user needs at least one role');
  const { user } = await users.createAdministrator(database.db, setUp, {
    email: person.email,
    displayName: person.displayName,
    orgId: first.orgId,
    role: first.role,
    password: demoPassword,
  });
  for (const grant of others) {
    await database.db.execute(
      sql`insert into role_grants (org_id, user_id, role) values (${grant.orgId}, ${user.id}, ${grant.role})`,
    );
  }
  if (person.mfa) {
    await database.db.execute(
      sql`update users set totp_secret = 'JBSWY3DPEHPK3PXP', totp_enabled_at = now() where id = ${user.id}`,
    );
  }
  return { id: user.id, email: user.email };
}

/** The person as a service sees them when they act for `orgId` (by default the first organisation they hold a role in). */
export async function contextOf(database: Database, user: { id: string }, orgId: string | null = null): Promise<RequestContext> {
  const person = await withScope(database.db, { userId: user.id, orgIds: [] }, (tx) => users.describeUser(tx, user.id, orgId));
  if (!person) throw new Error(`User ${user.id} holds no role${orgId ? ` in ${orgId}` : ''}`);
  return contextFor(person, '127.0.0.1');
}

/**
 * A visitor already signed in as `user`, acting for `orgId`: the session is written directly, as the
 * sign-in form would leave it, so a test that is not about signing in skips the password and its checks.
 */
export async function signedInAs(
  app: FastifyInstance,
  database: Database,
  user: { id: string },
  orgId: string | null = null,
): Promise<Visitor> {
  const context = await contextOf(database, user, orgId);
  const token = await withScope(database.db, noScope, (tx) =>
    sessions.startSession(tx, user.id, context.user.activeOrg.id, 'signed-in', 1),
  );
  const visitor = new Visitor(app);
  visitor.keepCookie(sessions.sessionCookie, token);
  const home = await visitor.get('/');
  if (home.statusCode !== 200)
    throw new Error(`The session written for ${user.id} did not open the home page: ${home.statusCode}`);
  return visitor;
}

/**
 * A concern case raised by `raiser` (a context from contextOf) through the concerns service, as the
 * form raises it, about an invented patient; `fields` override the form's (see test/concerns.ts).
 */
export async function newCase(
  database: Database,
  raiser: RequestContext,
  fields: Record<string, string> = {},
): Promise<{ id: string; reference: string }> {
  const { observedOn, observedTime, ...form } = concernForm(fields);
  return concerns.raiseConcern(
    database.db,
    { kind: 'person', ctx: raiser },
    { ...form, observedAt: `${observedOn}T${observedTime}` },
  );
}

/** The id of a demo organisation by its ODS code (see src/demo/seed.ts). */
export async function orgIdOf(database: Database, odsCode: string): Promise<string> {
  const found = await organisations.findByOdsCode(database.db, odsCode);
  if (!found) throw new Error(`No organisation ${odsCode}`);
  return found.id;
}

/**
 * A Prevent framework approved 10 days before `today`, in date for a year, with every required content of
 * a trust ticked and written: what meets the standard's policy requirement.
 */
export async function newCompletePreventFramework(database: Database, ctx: RequestContext, today: string) {
  const contents = policies.requiredContentsFor('nhs_trust');
  return policies.createPolicy(
    database.db,
    ctx,
    {
      title: 'Prevent framework',
      kind: 'prevent_framework',
      version: '1.0',
      approvedOn: addDays(today, -10),
      approver: 'Trust board',
      nextReviewOn: addDays(today, 355),
      checklist: contents.map((c) => c.key),
      ...Object.fromEntries(contents.map((c, i) => [policies.sectionField(c.key), `Section ${i + 1}`])),
    },
    { filename: 'framework.pdf', bytes: policyDemo.pdfDocument('Prevent framework'), truncated: false },
  );
}

/** An open Prevent risk in the register, scored 3 × 3 inherent, 2 × 2 current and 1 × 1 target. */
export async function newPreventRisk(database: Database, ctx: RequestContext) {
  return risks.addRisk(database.db, ctx, {
    title: 'Staff not trained',
    category: 'training',
    owner: 'Pat Lead',
    ...{ inherentLikelihood: '3', inherentImpact: '3', currentLikelihood: '2', currentImpact: '2' },
    ...{ targetLikelihood: '1', targetImpact: '1' },
  });
}
