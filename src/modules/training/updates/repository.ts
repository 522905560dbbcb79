import { and, desc, eq, inArray, or, sql } from 'drizzle-orm';
import type { Executor } from '../../../db/client.ts';
import { inScopeAt } from '../repository.ts';
import { staff, type TrainingLevel, trainingUpdateRecipients, trainingUpdates, type UpdateGroupKind } from '../schema.ts';

export type UpdateRow = typeof trainingUpdates.$inferSelect;
export type UpdateFields = Omit<typeof trainingUpdates.$inferInsert, 'id' | 'orgId' | 'createdAt'>;
export type UpdateWithCount = UpdateRow & { recipients: number };

const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows;

/** Every update of the organisation, the latest first, with how many people had it. */
export async function updatesOf(tx: Executor, orgId: string): Promise<UpdateWithCount[]> {
  return tx
    .select({
      id: trainingUpdates.id,
      orgId: trainingUpdates.orgId,
      kind: trainingUpdates.kind,
      title: trainingUpdates.title,
      heldOn: trainingUpdates.heldOn,
      deliveredBy: trainingUpdates.deliveredBy,
      groupKind: trainingUpdates.groupKind,
      groupName: trainingUpdates.groupName,
      createdBy: trainingUpdates.createdBy,
      createdAt: trainingUpdates.createdAt,
      recipients: sql<number>`(select count(*)::int from training_update_recipients r where r.update_id = ${trainingUpdates.id})`,
    })
    .from(trainingUpdates)
    .where(eq(trainingUpdates.orgId, orgId))
    .orderBy(desc(trainingUpdates.heldOn), desc(trainingUpdates.createdAt));
}

export async function updateById(tx: Executor, orgId: string, id: string): Promise<UpdateRow | undefined> {
  const [row] = await tx
    .select()
    .from(trainingUpdates)
    .where(and(eq(trainingUpdates.orgId, orgId), eq(trainingUpdates.id, id)));
  return row;
}

export async function insertUpdate(tx: Executor, orgId: string, fields: UpdateFields, staffIds: readonly string[]) {
  const [row] = await tx
    .insert(trainingUpdates)
    .values({ ...fields, orgId })
    .returning();
  if (!row) throw new Error('insert returned nothing');
  if (staffIds.length)
    await tx
      .insert(trainingUpdateRecipients)
      .values(staffIds.map((staffId) => ({ updateId: row.id, orgId, staffId })))
      .onConflictDoNothing();
  return row;
}

export async function deleteUpdate(tx: Executor, orgId: string, id: string): Promise<void> {
  await tx.delete(trainingUpdates).where(and(eq(trainingUpdates.orgId, orgId), eq(trainingUpdates.id, id)));
}

export type Recipient = { id: string; firstName: string; lastName: string; assignmentNumber: string; department: string };

export async function recipientsOf(tx: Executor, orgId: string, updateId: string): Promise<Recipient[]> {
  const result = await tx.execute(sql`
    select st.id, st.first_name as "firstName", st.last_name as "lastName", st.assignment_number as "assignmentNumber",
           st.department
      from training_update_recipients r join staff st on st.id = r.staff_id and st.org_id = ${orgId}
     where r.org_id = ${orgId} and r.update_id = ${updateId}
     order by st.last_name, st.first_name, st.assignment_number`);
  return rowsOf<Recipient>(result);
}

/** Staff whose employee or assignment number is one of these: an employee number brings every assignment of the person. */
export async function staffByNumbers(
  tx: Executor,
  orgId: string,
  numbers: readonly string[],
): Promise<{ id: string; employeeNumber: string; assignmentNumber: string }[]> {
  if (numbers.length === 0) return [];
  const list = [...numbers];
  return tx
    .select({ id: staff.id, employeeNumber: staff.employeeNumber, assignmentNumber: staff.assignmentNumber })
    .from(staff)
    .where(and(eq(staff.orgId, orgId), or(inArray(staff.employeeNumber, list), inArray(staff.assignmentNumber, list))));
}

/** The staff of a department or staff group in scope on the day. */
export async function staffInGroup(
  tx: Executor,
  orgId: string,
  kind: UpdateGroupKind,
  name: string,
  day: string,
): Promise<string[]> {
  const column = kind === 'department' ? sql`st.department` : sql`st.staff_group`;
  const result = await tx.execute(sql`
    select st.id from staff st where st.org_id = ${orgId} and ${column} = ${name} and ${inScopeAt(day)}`);
  return rowsOf<{ id: string }>(result).map((r) => r.id);
}

export type UpdateCounts = { level: TrainingLevel; inScope: number; updated: number };

/** Per required level: staff in scope on the day, and of them those who had an update after `after` and by the day. */
export async function annualUpdateCounts(tx: Executor, orgId: string, after: string, asAt: string): Promise<UpdateCounts[]> {
  const result = await tx.execute(sql`
    select st.required_level as level, count(*)::int as "inScope",
           count(*) filter (where exists (
             select 1 from training_update_recipients r join training_updates u on u.id = r.update_id
              where r.staff_id = st.id and r.org_id = ${orgId} and u.org_id = ${orgId}
                and u.held_on > ${after}::date and u.held_on <= ${asAt}::date))::int as updated
      from staff st
     where st.org_id = ${orgId} and ${inScopeAt(asAt)}
     group by st.required_level`);
  return rowsOf<UpdateCounts>(result);
}
