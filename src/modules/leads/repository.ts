import { and, desc, eq, gte, inArray, isNull, lte, or } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { type LeadPost, leadAppointments } from './schema.ts';

export type AppointmentRow = typeof leadAppointments.$inferSelect;

export async function history(tx: Executor, orgId: string): Promise<AppointmentRow[]> {
  return tx
    .select()
    .from(leadAppointments)
    .where(eq(leadAppointments.orgId, orgId))
    .orderBy(desc(leadAppointments.startsOn), desc(leadAppointments.recordedAt));
}

/** Appointments whose dates cover `day` (YYYY-MM-DD), for any of the organisations given. */
export async function currentOn(tx: Executor, orgIds: readonly string[], day: string): Promise<AppointmentRow[]> {
  if (orgIds.length === 0) return [];
  return tx
    .select()
    .from(leadAppointments)
    .where(
      and(
        inArray(leadAppointments.orgId, [...orgIds]),
        lte(leadAppointments.startsOn, day),
        or(isNull(leadAppointments.endsOn), gte(leadAppointments.endsOn, day)),
      ),
    )
    .orderBy(desc(leadAppointments.startsOn));
}

export async function byId(tx: Executor, orgId: string, id: string): Promise<AppointmentRow | undefined> {
  const [row] = await tx
    .select()
    .from(leadAppointments)
    .where(and(eq(leadAppointments.id, id), eq(leadAppointments.orgId, orgId)));
  return row;
}

/** The open-ended appointment for a post, if any (there is at most one). */
export async function openFor(tx: Executor, orgId: string, post: LeadPost): Promise<AppointmentRow | undefined> {
  const [row] = await tx
    .select()
    .from(leadAppointments)
    .where(and(eq(leadAppointments.orgId, orgId), eq(leadAppointments.post, post), isNull(leadAppointments.endsOn)));
  return row;
}

export async function insert(tx: Executor, row: typeof leadAppointments.$inferInsert): Promise<AppointmentRow> {
  const [created] = await tx.insert(leadAppointments).values(row).returning();
  if (!created) throw new Error('insert returned nothing');
  return created;
}

export async function end(tx: Executor, orgId: string, id: string, endsOn: string): Promise<void> {
  await tx
    .update(leadAppointments)
    .set({ endsOn })
    .where(and(eq(leadAppointments.id, id), eq(leadAppointments.orgId, orgId)));
}

export async function markCommissionerNotified(tx: Executor, id: string, at: Date): Promise<void> {
  await tx.update(leadAppointments).set({ commissionerNotifiedAt: at }).where(eq(leadAppointments.id, id));
}

/** For the job that tells the commissioner: runs as the owner, so it is looked up by id alone. */
export async function anyById(tx: Executor, id: string): Promise<AppointmentRow | undefined> {
  const [row] = await tx.select().from(leadAppointments).where(eq(leadAppointments.id, id));
  return row;
}
