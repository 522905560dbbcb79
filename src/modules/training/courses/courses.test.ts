import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextOf, newOrganisation, newUser, signedInAs } from '../../../../test/factories.ts';
import { demo, signedIn, type TestApp, testApp, textOf, type Visitor } from '../../../../test/harness.ts';
import type { RequestContext } from '../../../platform/context.ts';
import { InputError } from '../../../platform/errors.ts';
import * as imports from '../import/service.ts';
import * as uploadJobs from '../import/uploads.ts';
import * as training from '../service.ts';
import * as register from './service.ts';

const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows;
const level3Title = 'Prevent Level 3 Workshop (RK7)';

const courseForm = (overrides: Record<string, string> = {}) => ({
  title: level3Title,
  level: 'level3',
  provider: 'RK7 safeguarding team',
  delivery: 'face_to_face',
  content: 'channel',
  approvedBy: 'Robin Example',
  approvedOn: '2026-01-10',
  ...overrides,
});

describe('the course register', () => {
  let t: TestApp;
  let orgId: string;
  let admin: Visitor;
  let ctx: RequestContext;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-courses-test-'));

  beforeAll(async () => {
    t = await testApp();
    await newOrganisation(t.database, { odsCode: 'QK7', name: 'Courses Test Integrated Care Board', kind: 'icb' });
    const trust = await newOrganisation(t.database, {
      odsCode: 'RK7',
      name: 'Courses Test NHS Trust',
      kind: 'nhs_trust',
      commissionerOds: 'QK7',
    });
    orgId = trust.id;
    const person = await newUser(t.database, {
      email: 'training@courses-test.example',
      displayName: 'Courses Admin',
      roles: [{ orgId, role: 'training_admin' }],
    });
    admin = await signedInAs(t.app, t.database, person);
    ctx = await contextOf(t.database, person);
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const coursesOfOrg = async () =>
    rowsOf<{ id: string; title: string; content: string[]; retired: boolean }>(
      await t.database.db.execute(
        sql`select id, title, content, retired_at is not null as retired from training_courses where org_id = ${orgId} order by created_at`,
      ),
    );

  it('lets the training administrator register, change and retire a course, audited', async () => {
    expect((await admin.get('/training/courses/new')).statusCode).toBe(200);
    const added = await admin.post('/training/courses', courseForm());
    expect(added.statusCode).toBe(303);
    const [course] = await coursesOfOrg();
    expect(course).toMatchObject({ title: level3Title, content: ['channel'], retired: false });
    const list = textOf((await admin.get('/training/courses')).body);
    for (const text of [
      level3Title,
      'Level 3 (face to face)',
      'RK7 safeguarding team',
      'Face to face',
      'Channel and support pathways',
    ])
      expect(list).toContain(text);
    expect(list).toContain('Robin Example, 10 January 2026');

    const form = await admin.get(`/training/courses/${course?.id}`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain(`value="${level3Title}"`);
    // Several ticks, through the service as the form sends them.
    await register.updateCourse(t.database.db, ctx, course?.id ?? '', {
      ...courseForm({ delivery: 'virtual' }),
      content: ['information_sharing', 'prevent_duty', 'channel'],
    });
    const [changed] = await coursesOfOrg();
    // Kept in the framework's order, whatever order they were sent in.
    expect(changed?.content).toEqual(['prevent_duty', 'channel', 'information_sharing']);
    expect(textOf((await admin.get('/training/courses')).body)).toContain('Virtual (live, online)');

    expect((await admin.post(`/training/courses/${course?.id}/retire`, {})).statusCode).toBe(303);
    expect((await coursesOfOrg())[0]?.retired).toBe(true);
    expect(textOf((await admin.get('/training/courses')).body)).toContain('Retired');
    const actions = rowsOf<{ action: string }>(
      await t.database.db.execute(sql`select action from audit_events where record_id = ${course?.id} order by seq`),
    );
    expect(actions.map((a) => a.action)).toEqual(['training.course.added', 'training.course.updated', 'training.course.retired']);
  });

  it('names every wrong field and keeps nothing', async () => {
    const before = (await coursesOfOrg()).length;
    const empty = await admin.post('/training/courses', {});
    expect(empty.statusCode).toBe(400);
    const text = textOf(empty.body);
    for (const message of [
      'Enter the course title',
      'Choose basic Prevent awareness or level 3',
      'Enter who provides the course',
      'Choose how the course is delivered: face to face, virtual or e-learning',
      'Tick at least one thing the course covers',
      'Enter who approved the course',
      'Enter the date the course was approved',
    ])
      expect(text).toContain(message);
    const wrong = await admin.post(
      '/training/courses',
      courseForm({ title: 'Another', delivery: 'carrier_pigeon', content: 'astrology', approvedOn: '2099-01-01' }),
    );
    expect(wrong.statusCode).toBe(400);
    expect(textOf(wrong.body)).toContain('Choose how the course is delivered');
    expect(textOf(wrong.body)).toContain('Tick what the course covers from the list');
    const future = await admin.post('/training/courses', courseForm({ title: 'Another', approvedOn: '2099-01-01' }));
    expect(textOf(future.body)).toContain('The approval date cannot be in the future');
    expect((await coursesOfOrg()).length).toBe(before);
  });

  it('refuses a second course in use with the same title', async () => {
    await register.addCourse(t.database.db, ctx, courseForm({ title: 'Duplicate title', content: 'channel' }));
    await expect(register.addCourse(t.database.db, ctx, courseForm({ title: 'Duplicate title' }))).rejects.toThrow(InputError);
  });

  it('gives 404 for another organisation’s course, and 403 to those who may not change the register', async () => {
    const course = await register.addCourse(t.database.db, ctx, courseForm({ title: 'Private to RK7' }));
    const other = await signedIn(t.app, demo.trainingAdmin);
    expect((await other.get(`/training/courses/${course.id}`)).statusCode).toBe(404);
    expect((await other.post(`/training/courses/${course.id}`, courseForm({ title: 'Taken over' }))).statusCode).toBe(404);
    expect((await other.post(`/training/courses/${course.id}/retire`, {})).statusCode).toBe(404);
    expect(textOf((await other.get('/training/courses')).body)).not.toContain('Private to RK7');
    expect((await coursesOfOrg()).find((c) => c.id === course.id)).toMatchObject({ title: 'Private to RK7', retired: false });

    const staff = await signedIn(t.app, demo.staff);
    expect((await staff.get('/training/courses')).statusCode).toBe(403);
    expect((await staff.get('/training/courses/new')).statusCode).toBe(403);
    expect((await staff.post('/training/courses', courseForm({ title: 'By staff' }))).statusCode).toBe(403);
    const board = await signedIn(t.app, demo.boardViewer);
    expect((await board.get('/training/courses')).statusCode).toBe(200);
    expect((await board.get('/training/courses/new')).statusCode).toBe(403);
  });

  it('lets a record entered by hand point to a course of its level, and keeps records without one valid', async () => {
    const course = await register.addCourse(
      t.database.db,
      ctx,
      courseForm({ title: 'Prevent awareness e-learning (RK7)', level: 'basic', delivery: 'e_learning' }),
    );
    const person = await training.addStaff(t.database.db, ctx, {
      employeeNumber: '7000001',
      assignmentNumber: '7000001-1',
      firstName: 'Casey',
      lastName: 'Recordson',
      staffGroup: 'Administrative and Clerical',
    });
    const page = await admin.get(`/training/staff/${person.id}`);
    expect(page.body).toContain('Prevent awareness e-learning (RK7) (Basic Prevent awareness)');

    // A level 3 record cannot point to a basic course; nothing is kept.
    const wrongLevel = await admin.post(`/training/staff/${person.id}/records`, {
      courseId: course.id,
      level: 'level3',
      completedOn: '2026-02-01',
    });
    expect(wrongLevel.statusCode).toBe(400);
    expect(textOf(wrongLevel.body)).toContain('is a Basic Prevent awareness course: choose a course at the level of the record');
    const none = await admin.post(`/training/staff/${person.id}/records`, { level: 'basic', completedOn: '2026-02-01' });
    expect(textOf(none.body)).toContain('Enter the course name, or choose a registered course');

    expect(
      (
        await admin.post(`/training/staff/${person.id}/records`, {
          courseId: course.id,
          level: 'basic',
          completedOn: '2026-02-01',
        })
      ).statusCode,
    ).toBe(303);
    expect(
      (
        await admin.post(`/training/staff/${person.id}/records`, {
          course: 'Local Prevent talk',
          level: 'basic',
          completedOn: '2026-03-01',
        })
      ).statusCode,
    ).toBe(303);
    const records = rowsOf<{ course: string; courseId: string | null }>(
      await t.database.db.execute(
        sql`select course, course_id as "courseId" from training_records where staff_id = ${person.id} order by completed_on`,
      ),
    );
    expect(records).toEqual([
      { course: 'Prevent awareness e-learning (RK7)', courseId: course.id },
      { course: 'Local Prevent talk', courseId: null },
    ]);
    expect(textOf((await admin.get('/training/courses')).body)).toMatch(/Prevent awareness e-learning \(RK7\).*E-learning.* 1 /);
  });

  it('links imported records to the registered course whose title matches exactly, at the same level', async () => {
    await register.addCourse(
      t.database.db,
      ctx,
      courseForm({ title: 'NHS|CSTF|Preventing Radicalisation - Level 3 - 3 Years|', level: 'level3' }),
    );
    const headings =
      'Employee Number,Assignment Number,First Name,Last Name,Organisation,Directorate,Department,Position Title,Staff Group,Assignment Status,Competence Name,Achievement Date,Expiry Date';
    const file = path.join(dir, 'esr.csv');
    fs.writeFileSync(
      file,
      `${headings}\r\n` +
        '7100001,7100001-1,Ari,Importer,Trust,Medicine,Ward A,Staff Nurse,Nursing and Midwifery Registered,Active Assignment,NHS|CSTF|Preventing Radicalisation - Level 3 - 3 Years|,05/03/2026,\r\n' +
        '7100002,7100002-1,Bo,Importer,Trust,Medicine,Ward A,Staff Nurse,Nursing and Midwifery Registered,Active Assignment,NHS|CSTF|Preventing Radicalisation - Level 3 - 3 Years (old)|,05/03/2026,\r\n',
    );
    // The staff entered by hand are not in the file, so they become leavers: their number is confirmed.
    const leavers = rowsOf<{ n: number }>(
      await t.database.db.execute(sql`select count(*)::int as n from staff where org_id = ${orgId} and left_on is null`),
    )[0]?.n;
    const row = await uploadJobs.startDirectImport(t.database.db, orgId, {
      name: 'esr.csv',
      bytes: fs.statSync(file).size,
      dryRun: false,
    });
    const outcome = await imports.runImport({
      database: t.database,
      orgId,
      importId: row.id,
      filePath: file,
      dryRun: false,
      confirmedLeavers: leavers ?? 0,
      actor: { userId: null, label: 'courses test', ip: null },
      scope: { userId: null, orgIds: [orgId] },
      today: '2026-06-01',
    });
    expect(outcome.status).toBe('imported');
    const linked = rowsOf<{ course: string; linked: boolean }>(
      await t.database.db.execute(
        sql`select course, course_id is not null as linked from training_records where import_id = ${row.id} order by course`,
      ),
    );
    expect(linked).toEqual([
      { course: 'NHS|CSTF|Preventing Radicalisation - Level 3 - 3 Years (old)|', linked: false },
      { course: 'NHS|CSTF|Preventing Radicalisation - Level 3 - 3 Years|', linked: true },
    ]);
  });
});
