import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../../../db/client.ts';
import { trainingCourses } from '../schema.ts';

export type CourseRow = typeof trainingCourses.$inferSelect;
export type CourseFields = Pick<
  typeof trainingCourses.$inferInsert,
  'title' | 'level' | 'provider' | 'delivery' | 'content' | 'approvedBy' | 'approvedOn'
>;

/** Every course of the organisation, those in use first, then by title. */
export async function coursesOf(tx: Executor, orgId: string): Promise<CourseRow[]> {
  return tx
    .select()
    .from(trainingCourses)
    .where(eq(trainingCourses.orgId, orgId))
    .orderBy(sql`${trainingCourses.retiredAt} is not null`, asc(trainingCourses.title));
}

export async function courseById(tx: Executor, orgId: string, id: string): Promise<CourseRow | undefined> {
  const [row] = await tx
    .select()
    .from(trainingCourses)
    .where(and(eq(trainingCourses.orgId, orgId), eq(trainingCourses.id, id)));
  return row;
}

/** The course in use with exactly this title, if any. */
export async function courseInUseByTitle(tx: Executor, orgId: string, title: string): Promise<CourseRow | undefined> {
  const [row] = await tx
    .select()
    .from(trainingCourses)
    .where(and(eq(trainingCourses.orgId, orgId), eq(trainingCourses.title, title), isNull(trainingCourses.retiredAt)));
  return row;
}

export async function insertCourse(tx: Executor, orgId: string, fields: CourseFields): Promise<CourseRow> {
  const [row] = await tx
    .insert(trainingCourses)
    .values({ ...fields, orgId })
    .returning();
  if (!row) throw new Error('insert returned nothing');
  return row;
}

export async function updateCourse(tx: Executor, orgId: string, id: string, fields: CourseFields): Promise<void> {
  await tx
    .update(trainingCourses)
    .set({ ...fields, updatedAt: new Date() })
    .where(and(eq(trainingCourses.orgId, orgId), eq(trainingCourses.id, id)));
}

export async function retireCourse(tx: Executor, orgId: string, id: string): Promise<void> {
  await tx
    .update(trainingCourses)
    .set({ retiredAt: new Date(), updatedAt: new Date() })
    .where(and(eq(trainingCourses.orgId, orgId), eq(trainingCourses.id, id)));
}

/** How many training records point to each course. */
export async function recordCounts(tx: Executor, orgId: string): Promise<Map<string, number>> {
  const result = await tx.execute(sql`
    select course_id as "courseId", count(*)::int as n from training_records
     where org_id = ${orgId} and course_id is not null group by course_id`);
  return new Map((result as unknown as { rows: { courseId: string; n: number }[] }).rows.map((r) => [r.courseId, r.n]));
}

/**
 * Points records of an import at the course in use with the same title and level, exactly: a course
 * name that differs by a letter is left unlinked rather than guessed.
 */
export async function linkImportedRecords(tx: Executor, orgId: string, importId: string): Promise<number> {
  const result = await tx.execute(sql`
    with linked as (
      update training_records r set course_id = c.id
        from training_courses c
       where r.org_id = ${orgId} and r.import_id = ${importId} and r.course_id is null
         and c.org_id = ${orgId} and c.retired_at is null and c.title = r.course and c.level = r.level
      returning 1
    )
    select count(*)::int as n from linked`);
  return (result as unknown as { rows: { n: number }[] }).rows[0]?.n ?? 0;
}
