-- The self-assessment against the core standards: per organisation, per NHS financial year, in versions.
-- A version is frozen once signed off: its computed results are stored as they were that day.
CREATE TABLE "self_assessments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL REFERENCES "organisations"("id"),
	"year" integer NOT NULL,
	"version" integer NOT NULL,
	"edition" text NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"narrative" text,
	"signed_off_by_user_id" uuid REFERENCES "users"("id"),
	"signed_off_by_name" text,
	"signed_off_at" timestamp with time zone,
	"submitted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "self_assessments_status_check" CHECK ("status" IN ('draft', 'signed_off', 'submitted', 'returned', 'accepted')),
	CONSTRAINT "self_assessments_version_check" CHECK ("version" >= 1)
);
--> statement-breakpoint
CREATE UNIQUE INDEX "self_assessments_org_year_version_idx" ON "self_assessments" USING btree ("org_id", "year", "version");
--> statement-breakpoint
CREATE TABLE "self_assessment_answers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL REFERENCES "organisations"("id"),
	"assessment_id" uuid NOT NULL REFERENCES "self_assessments"("id"),
	"requirement_id" text NOT NULL,
	"computed" boolean DEFAULT false NOT NULL,
	"computed_result" text,
	"computed_reason" text,
	"computed_links" jsonb,
	"result" text,
	"reason" text,
	"note" text,
	"override_result" text,
	"override_reason" text,
	"answered_by_name" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "self_assessment_answers_result_check" CHECK ("result" IS NULL OR "result" IN ('met', 'partly_met', 'not_met', 'not_applicable')),
	CONSTRAINT "self_assessment_answers_na_reason_check" CHECK ("result" IS DISTINCT FROM 'not_applicable' OR "reason" IS NOT NULL),
	CONSTRAINT "self_assessment_answers_override_check" CHECK ("override_result" IS NULL OR ("override_result" IN ('met', 'partly_met') AND "override_reason" IS NOT NULL))
);
--> statement-breakpoint
CREATE UNIQUE INDEX "self_assessment_answers_requirement_idx" ON "self_assessment_answers" USING btree ("assessment_id", "requirement_id");
--> statement-breakpoint
CREATE INDEX "self_assessment_answers_org_idx" ON "self_assessment_answers" USING btree ("org_id");
--> statement-breakpoint
CREATE TABLE "self_assessment_evidence" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL REFERENCES "organisations"("id"),
	"assessment_id" uuid NOT NULL REFERENCES "self_assessments"("id"),
	"requirement_id" text NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"href" text,
	"file_name" text,
	"file_type" text,
	"file_size" bigint,
	"file_sha256" text,
	"file" bytea,
	"added_by_name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "self_assessment_evidence_kind_check" CHECK (("kind" = 'link' AND "href" IS NOT NULL) OR ("kind" = 'file' AND "file" IS NOT NULL))
);
--> statement-breakpoint
CREATE INDEX "self_assessment_evidence_assessment_idx" ON "self_assessment_evidence" USING btree ("assessment_id", "requirement_id");
--> statement-breakpoint
CREATE TABLE "self_assessment_actions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL REFERENCES "organisations"("id"),
	"year" integer NOT NULL,
	"requirement_id" text NOT NULL,
	"description" text NOT NULL,
	"owner" text NOT NULL,
	"due_on" date NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "self_assessment_actions_status_check" CHECK ("status" IN ('open', 'in_progress', 'done'))
);
--> statement-breakpoint
CREATE INDEX "self_assessment_actions_org_year_idx" ON "self_assessment_actions" USING btree ("org_id", "year");
--> statement-breakpoint
-- What happened to a provider's assessment between it and its commissioning ICB: submitted, returned, accepted.
CREATE TABLE "self_assessment_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL REFERENCES "organisations"("id"),
	"commissioner_id" uuid NOT NULL REFERENCES "organisations"("id"),
	"assessment_id" uuid NOT NULL REFERENCES "self_assessments"("id"),
	"year" integer NOT NULL,
	"version" integer NOT NULL,
	"event" text NOT NULL,
	"by_user_id" uuid REFERENCES "users"("id"),
	"by_name" text NOT NULL,
	"comment" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "self_assessment_events_event_check" CHECK ("event" IN ('submitted', 'returned', 'accepted'))
);
--> statement-breakpoint
CREATE INDEX "self_assessment_events_org_year_idx" ON "self_assessment_events" USING btree ("org_id", "year");
--> statement-breakpoint
CREATE INDEX "self_assessment_events_commissioner_idx" ON "self_assessment_events" USING btree ("commissioner_id");
--> statement-breakpoint
CREATE TABLE "self_assessment_comments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL REFERENCES "organisations"("id"),
	"commissioner_id" uuid NOT NULL REFERENCES "organisations"("id"),
	"event_id" uuid NOT NULL REFERENCES "self_assessment_events"("id"),
	"requirement_id" text NOT NULL,
	"comment" text NOT NULL
);
--> statement-breakpoint
CREATE INDEX "self_assessment_comments_event_idx" ON "self_assessment_comments" USING btree ("event_id");
--> statement-breakpoint
-- Row-level security. An organisation reads and writes its own assessments. Its commissioning ICB reads a
-- provider's versions that were submitted (and what belongs to them), never a draft, never another ICB's
-- providers'; it changes only the status of a version awaiting its review, to returned or accepted.
ALTER TABLE self_assessments ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY self_assessments_read ON self_assessments FOR SELECT
  USING (org_id = ANY ((SELECT app_org_ids())::uuid[])
    OR (org_id = ANY ((SELECT app_commissioned_org_ids())::uuid[]) AND submitted_at IS NOT NULL));
--> statement-breakpoint
CREATE POLICY self_assessments_write ON self_assessments FOR INSERT WITH CHECK (org_id = ANY ((SELECT app_org_ids())::uuid[]));
--> statement-breakpoint
CREATE POLICY self_assessments_change ON self_assessments FOR UPDATE
  USING (org_id = ANY ((SELECT app_org_ids())::uuid[])) WITH CHECK (org_id = ANY ((SELECT app_org_ids())::uuid[]));
--> statement-breakpoint
CREATE POLICY self_assessments_review ON self_assessments FOR UPDATE
  USING (org_id = ANY ((SELECT app_commissioned_org_ids())::uuid[]) AND status = 'submitted')
  WITH CHECK (org_id = ANY ((SELECT app_commissioned_org_ids())::uuid[]) AND status IN ('returned', 'accepted'));
--> statement-breakpoint
CREATE POLICY self_assessments_remove ON self_assessments FOR DELETE USING (org_id = ANY ((SELECT app_org_ids())::uuid[]));
--> statement-breakpoint
ALTER TABLE self_assessment_answers ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY self_assessment_answers_read ON self_assessment_answers FOR SELECT
  USING (org_id = ANY ((SELECT app_org_ids())::uuid[]) OR assessment_id IN (SELECT id FROM self_assessments));
--> statement-breakpoint
CREATE POLICY self_assessment_answers_own ON self_assessment_answers FOR ALL
  USING (org_id = ANY ((SELECT app_org_ids())::uuid[])) WITH CHECK (org_id = ANY ((SELECT app_org_ids())::uuid[]));
--> statement-breakpoint
ALTER TABLE self_assessment_evidence ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY self_assessment_evidence_read ON self_assessment_evidence FOR SELECT
  USING (org_id = ANY ((SELECT app_org_ids())::uuid[]) OR assessment_id IN (SELECT id FROM self_assessments));
--> statement-breakpoint
CREATE POLICY self_assessment_evidence_own ON self_assessment_evidence FOR ALL
  USING (org_id = ANY ((SELECT app_org_ids())::uuid[])) WITH CHECK (org_id = ANY ((SELECT app_org_ids())::uuid[]));
--> statement-breakpoint
ALTER TABLE self_assessment_actions ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY self_assessment_actions_read ON self_assessment_actions FOR SELECT
  USING (org_id = ANY ((SELECT app_org_ids())::uuid[])
    OR EXISTS (SELECT 1 FROM self_assessments s WHERE s.org_id = self_assessment_actions.org_id AND s.year = self_assessment_actions.year));
--> statement-breakpoint
CREATE POLICY self_assessment_actions_own ON self_assessment_actions FOR ALL
  USING (org_id = ANY ((SELECT app_org_ids())::uuid[])) WITH CHECK (org_id = ANY ((SELECT app_org_ids())::uuid[]));
--> statement-breakpoint
ALTER TABLE self_assessment_events ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY self_assessment_events_read ON self_assessment_events FOR SELECT
  USING (org_id = ANY ((SELECT app_org_ids())::uuid[]) OR commissioner_id = ANY ((SELECT app_org_ids())::uuid[]));
--> statement-breakpoint
CREATE POLICY self_assessment_events_write ON self_assessment_events FOR INSERT WITH CHECK (
  (event = 'submitted' AND org_id = ANY ((SELECT app_org_ids())::uuid[]) AND commissioner_id = ANY ((SELECT app_commissioner_org_ids())::uuid[]))
  OR (event IN ('returned', 'accepted') AND commissioner_id = ANY ((SELECT app_org_ids())::uuid[]) AND org_id = ANY ((SELECT app_commissioned_org_ids())::uuid[])));
--> statement-breakpoint
ALTER TABLE self_assessment_comments ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY self_assessment_comments_read ON self_assessment_comments FOR SELECT
  USING (org_id = ANY ((SELECT app_org_ids())::uuid[]) OR commissioner_id = ANY ((SELECT app_org_ids())::uuid[]));
--> statement-breakpoint
CREATE POLICY self_assessment_comments_write ON self_assessment_comments FOR INSERT WITH CHECK (
  commissioner_id = ANY ((SELECT app_org_ids())::uuid[]) AND org_id = ANY ((SELECT app_commissioned_org_ids())::uuid[]));
