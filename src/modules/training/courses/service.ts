/*
 * The course register: each Prevent course the organisation recognises, its level, provider, how it
 * is delivered, what it covers and who approved it. Training records point to a course when it is known.
 */
import { z } from 'zod';
import type { Db, Executor } from '../../../db/client.ts';
import { withScope } from '../../../db/tenancy.ts';
import type { RequestContext } from '../../../platform/context.ts';
import { isRealDate, todayInLondon } from '../../../platform/dates.ts';
import { InputError, NotFoundError } from '../../../platform/errors.ts';
import { blankToUndefined, parseInput } from '../../../platform/validation.ts';
import * as audit from '../../audit/service.ts';
import { level } from '../fields.ts';
import { levelNames } from '../rules.ts';
import { type CourseContent, type CourseDelivery, courseContents, courseDeliveries, type TrainingLevel } from '../schema.ts';
import * as repository from './repository.ts';

export type Course = repository.CourseRow;
export type CourseWithUse = Course & { records: number };
export { courseContents, courseDeliveries };

export const deliveryNames: Record<CourseDelivery, string> = {
  face_to_face: 'Face to face',
  virtual: 'Virtual (live, online)',
  e_learning: 'E-learning',
};

/** The framework's content, in the words the register shows. */
export const contentNames: Record<CourseContent, string> = {
  prevent_duty: 'What Prevent is and the Prevent duty',
  vulnerability: 'Recognising vulnerability to radicalisation',
  ideologies: 'Ideologies and narratives',
  raising_concern: 'How to raise a concern',
  channel: 'Channel and support pathways',
  information_sharing: 'Information sharing',
  local_arrangements: 'The organisation’s Prevent lead and policy',
};

const required = (max: number, missing: string, label: string) =>
  z.preprocess(blankToUndefined, z.string({ error: missing }).max(max, `${label} must be ${max} characters or fewer`));

const asList = (value: unknown) => (value === undefined || value === '' ? [] : Array.isArray(value) ? value : [value]);

const courseInput = z.object({
  title: required(300, 'Enter the course title', 'Course title'),
  level,
  provider: required(200, 'Enter who provides the course', 'Provider'),
  delivery: z.enum(courseDeliveries, { error: 'Choose how the course is delivered: face to face, virtual or e-learning' }),
  content: z.preprocess(
    asList,
    z
      .array(z.string())
      .min(1, 'Tick at least one thing the course covers')
      .refine(
        (list) => list.every((c) => (courseContents as readonly string[]).includes(c)),
        'Tick what the course covers from the list',
      )
      .transform((list) => courseContents.filter((c) => list.includes(c))),
  ),
  approvedBy: required(120, 'Enter who approved the course', 'Approved by'),
  approvedOn: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Enter the date the course was approved' }).refine(isRealDate, 'Approval date: enter a real date'),
  ),
});

function courseFields(input: unknown, today: string): repository.CourseFields {
  const fields = parseInput(courseInput, input);
  if (fields.approvedOn > today) throw new InputError({ approvedOn: 'The approval date cannot be in the future' });
  return fields;
}

export async function courses(db: Db, ctx: RequestContext): Promise<CourseWithUse[]> {
  return withScope(db, ctx.scope, async (tx) => {
    const orgId = ctx.user.activeOrg.id;
    const counts = await repository.recordCounts(tx, orgId);
    return (await repository.coursesOf(tx, orgId)).map((c) => ({ ...c, records: counts.get(c.id) ?? 0 }));
  });
}

export async function getCourse(db: Db, ctx: RequestContext, id: string): Promise<Course> {
  const found = await withScope(db, ctx.scope, (tx) => repository.courseById(tx, ctx.user.activeOrg.id, id));
  if (!found) throw new NotFoundError('course');
  return found;
}

async function refuseDuplicateTitle(tx: Executor, orgId: string, title: string, id?: string): Promise<void> {
  const other = await repository.courseInUseByTitle(tx, orgId, title);
  if (other && other.id !== id) throw new InputError({ title: 'A course in use already has this title' });
}

export async function addCourse(db: Db, ctx: RequestContext, input: unknown, today = todayInLondon()): Promise<Course> {
  const fields = courseFields(input, today);
  return withScope(db, ctx.scope, async (tx) => {
    const orgId = ctx.user.activeOrg.id;
    await refuseDuplicateTitle(tx, orgId, fields.title);
    const created = await repository.insertCourse(tx, orgId, fields);
    await audit.record(tx, ctx.actor, {
      orgId,
      action: 'training.course.added',
      recordType: 'training_course',
      recordId: created.id,
      details: { level: fields.level, delivery: fields.delivery },
    });
    return created;
  });
}

export async function updateCourse(db: Db, ctx: RequestContext, id: string, input: unknown, today = todayInLondon()) {
  const fields = courseFields(input, today);
  await withScope(db, ctx.scope, async (tx) => {
    const orgId = ctx.user.activeOrg.id;
    const existing = await repository.courseById(tx, orgId, id);
    if (!existing) throw new NotFoundError('course');
    if (existing.retiredAt) throw new InputError({ title: 'This course is retired and cannot be changed' });
    await refuseDuplicateTitle(tx, orgId, fields.title, id);
    await repository.updateCourse(tx, orgId, id, fields);
    await audit.record(tx, ctx.actor, {
      orgId,
      action: 'training.course.updated',
      recordType: 'training_course',
      recordId: id,
      details: { level: fields.level, delivery: fields.delivery },
    });
  });
}

/** A retired course is no longer offered for new records; the records that point to it keep it. */
export async function retireCourse(db: Db, ctx: RequestContext, id: string): Promise<void> {
  await withScope(db, ctx.scope, async (tx) => {
    const orgId = ctx.user.activeOrg.id;
    const existing = await repository.courseById(tx, orgId, id);
    if (!existing) throw new NotFoundError('course');
    if (existing.retiredAt) return;
    await repository.retireCourse(tx, orgId, id);
    await audit.record(tx, ctx.actor, { orgId, action: 'training.course.retired', recordType: 'training_course', recordId: id });
  });
}

/** The courses a new record may point to: those in use. */
export async function coursesInUse(db: Db, ctx: RequestContext): Promise<Course[]> {
  const all = await withScope(db, ctx.scope, (tx) => repository.coursesOf(tx, ctx.user.activeOrg.id));
  return all.filter((c) => c.retiredAt === null);
}

/**
 * The registered course a record entered by hand points to, checked against its level; undefined for
 * none. `field` names the form field a wrong choice is reported against.
 */
export async function courseForRecordIn(
  tx: Executor,
  orgId: string,
  courseId: string | undefined,
  recordLevel: TrainingLevel,
  field = 'courseId',
): Promise<Course | undefined> {
  if (courseId === undefined) return undefined;
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(courseId);
  const course = uuid ? await repository.courseById(tx, orgId, courseId) : undefined;
  if (!course || course.retiredAt) throw new InputError({ [field]: 'Choose a registered course from the list, or none' });
  if (course.level !== recordLevel)
    throw new InputError({
      [field]: `${course.title} is a ${levelNames[course.level]} course: choose a course at the level of the record, or none`,
    });
  return course;
}

/** After an import: its records whose course name is exactly a registered course's title (and level) point to it. */
export const linkImportedRecordsIn = (tx: Executor, orgId: string, importId: string) =>
  repository.linkImportedRecords(tx, orgId, importId);
