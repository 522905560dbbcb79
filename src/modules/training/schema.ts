import { sql } from 'drizzle-orm';
import {
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { organisations } from '../organisations/schema.ts';
import { users } from '../users/schema.ts';

/**
 * Prevent training levels of the NHS England Prevent training and competencies framework: basic
 * Prevent awareness (the CSTF's level 1 subject) and level 3 (awareness of Prevent, face to face).
 * Level 3 covers basic awareness.
 */
export const trainingLevels = ['basic', 'level3'] as const;
export type TrainingLevel = (typeof trainingLevels)[number];

export const recordSources = ['manual', 'api', 'import'] as const;
export type RecordSource = (typeof recordSources)[number];

/**
 * One staff assignment, as the staff record system (ESR) knows it. A person with two assignments
 * is two rows, as in ESR's own compliance reports. Leavers are kept, with the date they left.
 */
export const staff = pgTable(
  'staff',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    employeeNumber: text('employee_number').notNull(),
    assignmentNumber: text('assignment_number').notNull(),
    firstName: text('first_name').notNull(),
    lastName: text('last_name').notNull(),
    /** Lets the person see their own status once signed in, and be reminded; optional. */
    email: text('email'),
    managerEmail: text('manager_email'),
    directorate: text('directorate').notNull().default(''),
    department: text('department').notNull().default(''),
    positionTitle: text('position_title').notNull().default(''),
    staffGroup: text('staff_group').notNull().default(''),
    /** ESR's assignment status, e.g. "Active Assignment", "Maternity & Adoption". */
    assignmentStatus: text('assignment_status').notNull().default('Active Assignment'),
    /** Out of scope while on long-term absence (derived from the assignment status). */
    longTermAbsence: boolean('long_term_absence').notNull().default(false),
    startedOn: date('started_on'),
    /** Set when the person left (or a newer import no longer lists them); out of scope from this date. */
    leftOn: date('left_on'),
    /** Derived from the organisation's current training needs analysis. */
    requiredLevel: text('required_level').$type<TrainingLevel>().notNull(),
    /**
     * The latest expiry of any of the person's Prevent records, and of their level 3 records ('infinity'
     * for no expiry): kept up to date on every write so that today's figures need no join.
     */
    bestExpiryAny: date('best_expiry_any'),
    bestExpiryLevel3: date('best_expiry_level3'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('staff_assignment_idx').on(t.orgId, t.assignmentNumber),
    index('staff_org_email_idx').on(t.orgId, sql`lower(${t.email})`),
  ],
);

/**
 * A period of long-term absence: out of scope from from_on until until_on (exclusive; open while away), so
 * that compliance as at a past date counts the person as they were then. Kept in step with the staff row.
 */
export const staffAbsences = pgTable(
  'staff_absences',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    staffId: uuid('staff_id')
      .notNull()
      .references(() => staff.id, { onDelete: 'cascade' }),
    fromOn: date('from_on').notNull(),
    untilOn: date('until_on'),
  },
  (t) => [
    index('staff_absences_staff_idx').on(t.staffId, t.fromOn),
    uniqueIndex('staff_absences_open_idx').on(t.staffId).where(sql`${t.untilOn} is null`),
  ],
);

/** A completed Prevent course. Only courses that map to a Prevent level are kept. */
export const trainingRecords = pgTable(
  'training_records',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    staffId: uuid('staff_id')
      .notNull()
      .references(() => staff.id),
    course: text('course').notNull(),
    level: text('level').$type<TrainingLevel>().notNull(),
    completedOn: date('completed_on').notNull(),
    /** The record's own expiry, or three years after completion when it gives none; null only with noExpiry. */
    expiresOn: date('expires_on'),
    noExpiry: boolean('no_expiry').notNull().default(false),
    source: text('source').$type<RecordSource>().notNull(),
    importId: uuid('import_id'),
    /** The registered course this record is of, when known; records without one stay valid. */
    courseId: uuid('course_id').references(() => trainingCourses.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // The same completion twice is one record: re-importing a file changes nothing.
    uniqueIndex('training_records_completion_idx').on(t.staffId, t.course, t.completedOn),
    index('training_records_org_idx').on(t.orgId, t.staffId),
  ],
);

/**
 * A training needs analysis: which staff groups (and, more narrowly, which positions) need which
 * level. Versioned: a change is a new version with its approver; the newest version is in force.
 */
export type NeedsRule = { staffGroup?: string; positionContains?: string; level: TrainingLevel };
export type NeedsAnalysisRules = { rules: NeedsRule[]; otherwise: TrainingLevel };

export const trainingNeedsAnalyses = pgTable(
  'training_needs_analyses',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    version: integer('version').notNull(),
    rules: jsonb('rules').$type<NeedsAnalysisRules>().notNull(),
    approvedBy: text('approved_by').notNull(),
    approvedOn: date('approved_on').notNull(),
    notes: text('notes'),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('training_needs_analyses_version_idx').on(t.orgId, t.version)],
);

/** How an organisation's staff record export reads: its column headings and which courses are Prevent. */
export type ColumnMapping = Record<string, string>;
export type CompetenceRule = { phrases: string[]; level: TrainingLevel };

export const trainingImportSettings = pgTable('training_import_settings', {
  orgId: uuid('org_id')
    .primaryKey()
    .references(() => organisations.id),
  columnMapping: jsonb('column_mapping').$type<ColumnMapping>().notNull(),
  competenceRules: jsonb('competence_rules').$type<CompetenceRule[]>().notNull(),
  /** Assignment statuses by where they put a person; null: the defaults. */
  statusMapping: jsonb('status_mapping').$type<Record<string, string[]>>(),
  /** Leavers above this percentage of the staff need confirming; null: the default. */
  leaverConfirmationPercent: integer('leaver_confirmation_percent'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const importStatuses = ['waiting', 'checking', 'invalid', 'checked', 'unconfirmed', 'imported', 'failed'] as const;
export type ImportStatus = (typeof importStatuses)[number];

/** One upload of a staff record export, checked or imported, with its counts and progress. */
export const trainingImports = pgTable(
  'training_imports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    fileName: text('file_name').notNull(),
    /** Check only: validate, write nothing. */
    dryRun: boolean('dry_run').notNull(),
    status: text('status').$type<ImportStatus>().notNull(),
    bytesTotal: integer('bytes_total').notNull().default(0),
    bytesRead: integer('bytes_read').notNull().default(0),
    rowsRead: integer('rows_read').notNull().default(0),
    errorCount: integer('error_count').notNull().default(0),
    /** What the import did: staff added, updated, marked as leavers; records added. */
    summary: jsonb('summary').$type<Record<string, number>>(),
    /** Why it failed, when it failed for a reason other than invalid rows (e.g. a heading missing). */
    failure: text('failure'),
    startedBy: uuid('started_by').references(() => users.id),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [index('training_imports_org_idx').on(t.orgId, t.startedAt)],
);

/** The row-by-row report of an import that found invalid rows (the first few thousand are kept). */
export const trainingImportErrors = pgTable(
  'training_import_errors',
  {
    importId: uuid('import_id')
      .notNull()
      .references(() => trainingImports.id, { onDelete: 'cascade' }),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    seq: integer('seq').notNull(),
    line: integer('line').notNull(),
    column: text('column').notNull(),
    value: text('value').notNull(),
    message: text('message').notNull(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.seq] })],
);

/** Someone who delivers Prevent training, what they may deliver, and how many learners a month they can take. */
export const trainers = pgTable(
  'trainers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    name: text('name').notNull(),
    levels: text('levels').array().$type<TrainingLevel[]>().notNull(),
    learnersPerMonth: integer('learners_per_month').notNull(),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('trainers_org_idx').on(t.orgId)],
);

/** A planned training session in the delivery plan. */
export const trainingSessions = pgTable(
  'training_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    heldOn: date('held_on').notNull(),
    level: text('level').$type<TrainingLevel>().notNull(),
    seats: integer('seats').notNull(),
    trainerId: uuid('trainer_id').references(() => trainers.id),
    venue: text('venue'),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('training_sessions_org_idx').on(t.orgId, t.heldOn)],
);

/**
 * Compliance counts per organisation, level and past date, worked out from the data as it is now:
 * month-by-month trends read these rather than counting every record again. Any change to the
 * organisation's staff, records or needs analysis removes its rows; they are counted again when asked for.
 */
export const trainingComplianceSnapshots = pgTable(
  'training_compliance_snapshots',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    asAt: date('as_at').notNull(),
    level: text('level').$type<TrainingLevel>().notNull(),
    inScope: integer('in_scope').notNull(),
    compliant: integer('compliant').notNull(),
    expiringSoon: integer('expiring_soon').notNull(),
    expired: integer('expired').notNull(),
    neverTrained: integer('never_trained').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.asAt, t.level] })],
);

export const courseDeliveries = ['face_to_face', 'virtual', 'e_learning'] as const;
export type CourseDelivery = (typeof courseDeliveries)[number];

/** What a course covers, from the NHS England Prevent training and competencies framework. */
export const courseContents = [
  'prevent_duty',
  'vulnerability',
  'ideologies',
  'raising_concern',
  'channel',
  'information_sharing',
  'local_arrangements',
] as const;
export type CourseContent = (typeof courseContents)[number];

/** A Prevent course the organisation recognises; records point to it. Retired courses are kept for their records. */
export const trainingCourses = pgTable(
  'training_courses',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    title: text('title').notNull(),
    level: text('level').$type<TrainingLevel>().notNull(),
    provider: text('provider').notNull(),
    delivery: text('delivery').$type<CourseDelivery>().notNull(),
    content: text('content').array().$type<CourseContent[]>().notNull().default([]),
    approvedBy: text('approved_by').notNull(),
    approvedOn: date('approved_on').notNull(),
    retiredAt: timestamp('retired_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('training_courses_title_idx').on(t.orgId, t.title).where(sql`${t.retiredAt} is null`)],
);

export const updateKinds = ['briefing', 'newsletter', 'session'] as const;
export type UpdateKind = (typeof updateKinds)[number];
export const updateGroupKinds = ['department', 'staffGroup'] as const;
export type UpdateGroupKind = (typeof updateGroupKinds)[number];

/** An annual Prevent update between refreshers: it never changes a record's expiry. */
export const trainingUpdates = pgTable(
  'training_updates',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    kind: text('kind').$type<UpdateKind>().notNull(),
    title: text('title').notNull(),
    heldOn: date('held_on').notNull(),
    deliveredBy: text('delivered_by').notNull(),
    /** Given to a whole department or staff group; null when given to people chosen one by one. */
    groupKind: text('group_kind').$type<UpdateGroupKind>(),
    groupName: text('group_name'),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('training_updates_org_idx').on(t.orgId, t.heldOn)],
);

/** Who had an update: a group is written out as its members on the day. */
export const trainingUpdateRecipients = pgTable(
  'training_update_recipients',
  {
    updateId: uuid('update_id')
      .notNull()
      .references(() => trainingUpdates.id, { onDelete: 'cascade' }),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    staffId: uuid('staff_id')
      .notNull()
      .references(() => staff.id),
  },
  (t) => [primaryKey({ columns: [t.updateId, t.staffId] }), index('training_update_recipients_staff_idx').on(t.staffId)],
);

/** E-learning places a month per level: counted with session seats in the delivery plan. */
export const trainingElearningPlaces = pgTable(
  'training_elearning_places',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    level: text('level').$type<TrainingLevel>().notNull(),
    placesPerMonth: integer('places_per_month').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.level] })],
);
