-- The course register: each Prevent course the organisation recognises, with what it covers and who approved it.
-- A retired course is kept, so that the records that point to it still name it.
CREATE TABLE "training_courses" (
  "id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
  "org_id" uuid NOT NULL REFERENCES "organisations"("id"),
  "title" text NOT NULL,
  "level" text NOT NULL,
  "provider" text NOT NULL,
  "delivery" text NOT NULL,
  "content" text[] NOT NULL DEFAULT '{}',
  "approved_by" text NOT NULL,
  "approved_on" date NOT NULL,
  "retired_at" timestamp with time zone,
  "created_at" timestamp with time zone DEFAULT now() NOT NULL,
  "updated_at" timestamp with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
-- The import links a record to a course by its exact title: two courses in use may not share one.
CREATE UNIQUE INDEX "training_courses_title_idx" ON "training_courses" ("org_id", "title") WHERE "retired_at" IS NULL;--> statement-breakpoint
ALTER TABLE training_courses ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY training_courses_own ON training_courses USING (org_id = ANY ((SELECT app_org_ids())::uuid[])) WITH CHECK (org_id = ANY ((SELECT app_org_ids())::uuid[]));--> statement-breakpoint
ALTER TABLE "training_records" ADD COLUMN "course_id" uuid REFERENCES "training_courses"("id");--> statement-breakpoint
CREATE INDEX "training_records_course_idx" ON "training_records" ("course_id") WHERE "course_id" IS NOT NULL;--> statement-breakpoint
-- Annual updates (briefings, newsletters, sessions) between 3-yearly refreshers: they never change an expiry.
CREATE TABLE "training_updates" (
  "id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
  "org_id" uuid NOT NULL REFERENCES "organisations"("id"),
  "kind" text NOT NULL,
  "title" text NOT NULL,
  "held_on" date NOT NULL,
  "delivered_by" text NOT NULL,
  -- Given to a whole department or staff group (its name), or to people chosen one by one (both null).
  "group_kind" text,
  "group_name" text,
  "created_by" uuid REFERENCES "users"("id"),
  "created_at" timestamp with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
CREATE INDEX "training_updates_org_idx" ON "training_updates" ("org_id", "held_on");--> statement-breakpoint
ALTER TABLE training_updates ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY training_updates_own ON training_updates USING (org_id = ANY ((SELECT app_org_ids())::uuid[])) WITH CHECK (org_id = ANY ((SELECT app_org_ids())::uuid[]));--> statement-breakpoint
-- Who had each update: a group is written out as its members on the day, so the count never changes with later moves.
CREATE TABLE "training_update_recipients" (
  "update_id" uuid NOT NULL REFERENCES "training_updates"("id") ON DELETE CASCADE,
  "org_id" uuid NOT NULL REFERENCES "organisations"("id"),
  "staff_id" uuid NOT NULL REFERENCES "staff"("id"),
  PRIMARY KEY ("update_id", "staff_id")
);--> statement-breakpoint
CREATE INDEX "training_update_recipients_staff_idx" ON "training_update_recipients" ("staff_id");--> statement-breakpoint
ALTER TABLE training_update_recipients ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY training_update_recipients_own ON training_update_recipients USING (org_id = ANY ((SELECT app_org_ids())::uuid[])) WITH CHECK (org_id = ANY ((SELECT app_org_ids())::uuid[]));--> statement-breakpoint
-- E-learning places a month per level, counted with session seats in the delivery plan's forecast.
CREATE TABLE "training_elearning_places" (
  "org_id" uuid NOT NULL REFERENCES "organisations"("id"),
  "level" text NOT NULL,
  "places_per_month" integer NOT NULL,
  "updated_at" timestamp with time zone DEFAULT now() NOT NULL,
  PRIMARY KEY ("org_id", "level")
);--> statement-breakpoint
ALTER TABLE training_elearning_places ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY training_elearning_places_own ON training_elearning_places USING (org_id = ANY ((SELECT app_org_ids())::uuid[])) WITH CHECK (org_id = ANY ((SELECT app_org_ids())::uuid[]));
