import { sql } from 'drizzle-orm';
import type { Database } from '../src/db/client.ts';
import type { OrganisationKind } from '../src/modules/organisations/schema.ts';
import * as organisations from '../src/modules/organisations/service.ts';
import * as users from '../src/modules/users/service.ts';
import type { Role } from '../src/platform/permissions.ts';
import { demoPassword } from './harness.ts';

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
