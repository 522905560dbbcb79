import { and, asc, eq, gt, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import type { Role } from '../../platform/permissions.ts';
import { organisations } from '../organisations/schema.ts';
import { invitations, roleGrants, users } from './schema.ts';

export type UserRow = typeof users.$inferSelect;
export type GrantRow = typeof roleGrants.$inferSelect;

export async function byEmail(tx: Executor, email: string): Promise<UserRow | undefined> {
  const [row] = await tx.select().from(users).where(eq(users.email, email));
  return row;
}

/** What the service shows of a person: never the password hash or the authenticator secret. */
/** A grant given for a set time stops counting when it ends, as if revoked. */
const notExpired = or(isNull(roleGrants.expiresAt), gt(roleGrants.expiresAt, sql`now()`));

const personColumns = {
  id: users.id,
  email: users.email,
  displayName: users.displayName,
  totpEnabledAt: users.totpEnabledAt,
  deactivatedAt: users.deactivatedAt,
  createdAt: users.createdAt,
  hasPassword: sql<boolean>`${users.passwordHash} is not null`,
};
export type Person = {
  [K in keyof typeof personColumns]: K extends 'hasPassword' ? boolean : UserRow[Exclude<K, 'hasPassword'>];
};

export async function personById(tx: Executor, id: string): Promise<Person | undefined> {
  const [row] = await tx.select(personColumns).from(users).where(eq(users.id, id));
  return row;
}

/** The whole row, secrets included: only for signing in and changing credentials. */
export async function byId(tx: Executor, id: string): Promise<UserRow | undefined> {
  const [row] = await tx.select().from(users).where(eq(users.id, id));
  return row;
}

export async function insert(tx: Executor, user: typeof users.$inferInsert): Promise<UserRow> {
  const [row] = await tx.insert(users).values(user).returning();
  if (!row) throw new Error('insert returned nothing');
  return row;
}

export async function update(
  tx: Executor,
  id: string,
  changes: Partial<Omit<UserRow, 'id' | 'email' | 'createdAt'>>,
): Promise<void> {
  await tx.update(users).set(changes).where(eq(users.id, id));
}

export async function recordFailedSignIn(tx: Executor, id: string, lockAfter: number, lockMinutes: number): Promise<void> {
  await tx
    .update(users)
    .set({
      failedSignIns: sql`case when ${users.failedSignIns} + 1 >= ${lockAfter} then 0 else ${users.failedSignIns} + 1 end`,
      lockedUntil: sql`case when ${users.failedSignIns} + 1 >= ${lockAfter} then now() + make_interval(mins => ${lockMinutes}) else ${users.lockedUntil} end`,
    })
    .where(eq(users.id, id));
}

/** A person's current roles with their organisations (row-level security lets a person read their own). */
export async function activeGrantsOf(tx: Executor, userId: string) {
  return tx
    .select({
      id: roleGrants.id,
      role: roleGrants.role,
      org: {
        id: organisations.id,
        odsCode: organisations.odsCode,
        name: organisations.name,
        kind: organisations.kind,
        region: organisations.region,
      },
    })
    .from(roleGrants)
    .innerJoin(organisations, eq(organisations.id, roleGrants.orgId))
    .where(and(eq(roleGrants.userId, userId), isNull(roleGrants.revokedAt), notExpired))
    .orderBy(asc(organisations.name), asc(roleGrants.grantedAt));
}

/** Everyone who holds or held a role in an organisation. */
export async function usersInOrganisation(tx: Executor, orgId: string) {
  const grants = await tx.select().from(roleGrants).where(eq(roleGrants.orgId, orgId)).orderBy(asc(roleGrants.grantedAt));
  const ids = [...new Set(grants.map((g) => g.userId))];
  const people = ids.length
    ? await tx.select(personColumns).from(users).where(inArray(users.id, ids)).orderBy(asc(users.displayName))
    : [];
  return people.map((user) => ({ user, grants: grants.filter((g) => g.userId === user.id) }));
}

/** People who can sign in and currently hold any of `held` in the organisation, each once. */
export async function activeHoldersOf(tx: Executor, orgId: string, held: readonly Role[]) {
  if (held.length === 0) return [];
  return tx
    .selectDistinct({ id: users.id, email: users.email, displayName: users.displayName })
    .from(users)
    .innerJoin(roleGrants, eq(roleGrants.userId, users.id))
    .where(
      and(
        eq(roleGrants.orgId, orgId),
        inArray(roleGrants.role, [...held]),
        isNull(roleGrants.revokedAt),
        notExpired,
        isNull(users.deactivatedAt),
      ),
    )
    .orderBy(asc(users.displayName), asc(users.id));
}

/**
 * An account's current roles in every organisation. Read through a database function because an
 * administrator's scope reaches only their own organisation; only the service's rules see the answer.
 */
export async function accountRoleGrants(tx: Executor, userId: string): Promise<{ orgId: string; role: Role }[]> {
  const result = await tx.execute(sql`select org_id, role from account_role_grants(${userId})`);
  return (result as unknown as { rows: { org_id: string; role: Role }[] }).rows.map((r) => ({ orgId: r.org_id, role: r.role }));
}

export async function grantsOfUserInOrganisation(tx: Executor, userId: string, orgId: string): Promise<GrantRow[]> {
  return tx
    .select()
    .from(roleGrants)
    .where(and(eq(roleGrants.userId, userId), eq(roleGrants.orgId, orgId)))
    .orderBy(asc(roleGrants.grantedAt));
}

export async function insertGrant(
  tx: Executor,
  grant: { orgId: string; userId: string; role: Role; grantedBy: string | null; expiresAt?: Date },
) {
  const [row] = await tx.insert(roleGrants).values(grant).returning();
  if (!row) throw new Error('insert returned nothing');
  return row;
}

export async function revokeGrant(tx: Executor, grantId: string, orgId: string, revokedBy: string): Promise<number> {
  const rows = await tx
    .update(roleGrants)
    .set({ revokedAt: new Date(), revokedBy })
    .where(and(eq(roleGrants.id, grantId), eq(roleGrants.orgId, orgId), isNull(roleGrants.revokedAt)))
    .returning({ id: roleGrants.id });
  return rows.length;
}

export async function insertInvitation(tx: Executor, invitation: typeof invitations.$inferInsert): Promise<void> {
  await tx.insert(invitations).values(invitation);
}

export async function openInvitation(tx: Executor, tokenHash: string) {
  const [row] = await tx
    .select()
    .from(invitations)
    .where(and(eq(invitations.tokenHash, tokenHash), isNull(invitations.usedAt), gt(invitations.expiresAt, new Date())));
  return row;
}

/** Marks an invitation used; false if it already was (two uses at once: only the first gets it). */
export async function markInvitationUsed(tx: Executor, tokenHash: string): Promise<boolean> {
  const rows = await tx
    .update(invitations)
    .set({ usedAt: new Date() })
    .where(and(eq(invitations.tokenHash, tokenHash), isNull(invitations.usedAt)))
    .returning({ tokenHash: invitations.tokenHash });
  return rows.length > 0;
}
