CREATE TABLE "case_studies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"review_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"title" text NOT NULL,
	"original_sealed" text,
	"changes_sealed" text,
	"draft_sealed" text,
	"themes" text[] DEFAULT '{}' NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"approved_text" text,
	"approved_by" uuid,
	"approved_by_name" text,
	"approved_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "learning_actions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"group_org_id" uuid NOT NULL,
	"meeting_id" uuid,
	"description" text NOT NULL,
	"owner_org_id" uuid NOT NULL,
	"owner" text NOT NULL,
	"due_on" date NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"done_on" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "learning_meetings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"group_org_id" uuid NOT NULL,
	"held_on" date NOT NULL,
	"attendees" text NOT NULL,
	"notes" text,
	"agreed_learning" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lessons_actions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"review_id" uuid NOT NULL,
	"description" text NOT NULL,
	"owner" text NOT NULL,
	"due_on" date NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"done_on" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lessons_reviews" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"case_reference" text NOT NULL,
	"referral_id" uuid,
	"origin" text NOT NULL,
	"status" text DEFAULT 'to_do' NOT NULL,
	"went_well_sealed" text,
	"could_be_better_sealed" text,
	"learning_points_sealed" text,
	"themes" text[] DEFAULT '{}' NOT NULL,
	"started_on" date NOT NULL,
	"completed_on" date,
	"completed_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shared_case_studies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"group_org_id" uuid NOT NULL,
	"from_org_id" uuid NOT NULL,
	"case_study_id" uuid NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"themes" text[] DEFAULT '{}' NOT NULL,
	"shared_by_name" text NOT NULL,
	"shared_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "case_studies" ADD CONSTRAINT "case_studies_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_studies" ADD CONSTRAINT "case_studies_review_id_lessons_reviews_id_fk" FOREIGN KEY ("review_id") REFERENCES "public"."lessons_reviews"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_studies" ADD CONSTRAINT "case_studies_case_id_concern_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."concern_cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_studies" ADD CONSTRAINT "case_studies_approved_by_users_id_fk" FOREIGN KEY ("approved_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "learning_actions" ADD CONSTRAINT "learning_actions_group_org_id_organisations_id_fk" FOREIGN KEY ("group_org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "learning_actions" ADD CONSTRAINT "learning_actions_meeting_id_learning_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."learning_meetings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "learning_actions" ADD CONSTRAINT "learning_actions_owner_org_id_organisations_id_fk" FOREIGN KEY ("owner_org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "learning_meetings" ADD CONSTRAINT "learning_meetings_group_org_id_organisations_id_fk" FOREIGN KEY ("group_org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lessons_actions" ADD CONSTRAINT "lessons_actions_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lessons_actions" ADD CONSTRAINT "lessons_actions_review_id_lessons_reviews_id_fk" FOREIGN KEY ("review_id") REFERENCES "public"."lessons_reviews"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lessons_reviews" ADD CONSTRAINT "lessons_reviews_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lessons_reviews" ADD CONSTRAINT "lessons_reviews_case_id_concern_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."concern_cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lessons_reviews" ADD CONSTRAINT "lessons_reviews_referral_id_referrals_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."referrals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lessons_reviews" ADD CONSTRAINT "lessons_reviews_completed_by_users_id_fk" FOREIGN KEY ("completed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shared_case_studies" ADD CONSTRAINT "shared_case_studies_group_org_id_organisations_id_fk" FOREIGN KEY ("group_org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shared_case_studies" ADD CONSTRAINT "shared_case_studies_from_org_id_organisations_id_fk" FOREIGN KEY ("from_org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shared_case_studies" ADD CONSTRAINT "shared_case_studies_case_study_id_case_studies_id_fk" FOREIGN KEY ("case_study_id") REFERENCES "public"."case_studies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "case_studies_org_idx" ON "case_studies" USING btree ("org_id");--> statement-breakpoint
CREATE INDEX "case_studies_review_idx" ON "case_studies" USING btree ("review_id");--> statement-breakpoint
CREATE INDEX "learning_actions_group_idx" ON "learning_actions" USING btree ("group_org_id");--> statement-breakpoint
CREATE INDEX "learning_actions_owner_idx" ON "learning_actions" USING btree ("owner_org_id");--> statement-breakpoint
CREATE INDEX "learning_meetings_group_idx" ON "learning_meetings" USING btree ("group_org_id");--> statement-breakpoint
CREATE INDEX "lessons_actions_review_idx" ON "lessons_actions" USING btree ("review_id");--> statement-breakpoint
CREATE INDEX "lessons_actions_org_idx" ON "lessons_actions" USING btree ("org_id");--> statement-breakpoint
CREATE UNIQUE INDEX "lessons_reviews_case_idx" ON "lessons_reviews" USING btree ("case_id");--> statement-breakpoint
CREATE INDEX "lessons_reviews_org_idx" ON "lessons_reviews" USING btree ("org_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "shared_case_studies_study_idx" ON "shared_case_studies" USING btree ("case_study_id");--> statement-breakpoint
CREATE INDEX "shared_case_studies_group_idx" ON "shared_case_studies" USING btree ("group_org_id");