-- Partner agencies (police, local authority) in a commissioner's learning group: recorded by the host
-- (org_id), read by every member of the group, as the group's meetings and actions are.
CREATE TABLE "learning_partner_members" (
  "id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
  "org_id" uuid NOT NULL REFERENCES "organisations"("id"),
  "name" text NOT NULL,
  "agency" text NOT NULL,
  "kind" text NOT NULL,
  "joined_on" date NOT NULL,
  "ended_on" date,
  "created_at" timestamp with time zone DEFAULT now() NOT NULL,
  "updated_at" timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT "learning_partner_members_kind" CHECK ("kind" IN ('police', 'local_authority', 'other')),
  CONSTRAINT "learning_partner_members_order" CHECK ("ended_on" IS NULL OR "ended_on" >= "joined_on")
);--> statement-breakpoint
CREATE INDEX "learning_partner_members_org_idx" ON "learning_partner_members" ("org_id");--> statement-breakpoint
ALTER TABLE learning_partner_members ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY learning_partner_members_own ON learning_partner_members USING (org_id = ANY ((SELECT app_org_ids())::uuid[])) WITH CHECK (org_id = ANY ((SELECT app_org_ids())::uuid[]));--> statement-breakpoint
CREATE POLICY learning_partner_members_read ON learning_partner_members FOR SELECT USING (org_id = ANY ((SELECT app_commissioner_org_ids())::uuid[]));--> statement-breakpoint
-- Which partner members attended a meeting, beside the free-text attendees the meeting already holds.
CREATE TABLE "learning_meeting_partners" (
  "org_id" uuid NOT NULL REFERENCES "organisations"("id"),
  "meeting_id" uuid NOT NULL REFERENCES "learning_meetings"("id") ON DELETE CASCADE,
  "partner_member_id" uuid NOT NULL REFERENCES "learning_partner_members"("id"),
  PRIMARY KEY ("meeting_id", "partner_member_id")
);--> statement-breakpoint
CREATE INDEX "learning_meeting_partners_org_idx" ON "learning_meeting_partners" ("org_id");--> statement-breakpoint
ALTER TABLE learning_meeting_partners ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY learning_meeting_partners_own ON learning_meeting_partners USING (org_id = ANY ((SELECT app_org_ids())::uuid[])) WITH CHECK (org_id = ANY ((SELECT app_org_ids())::uuid[]));--> statement-breakpoint
CREATE POLICY learning_meeting_partners_read ON learning_meeting_partners FOR SELECT USING (org_id = ANY ((SELECT app_commissioner_org_ids())::uuid[]));--> statement-breakpoint
-- A partner-owned action: owner_org_id stays the host, which tracks it for the partner.
ALTER TABLE "learning_actions" ADD COLUMN "partner_member_id" uuid REFERENCES "learning_partner_members"("id");--> statement-breakpoint
-- A region's lead features a group's shared case study for regional learning. Withdrawn by its provider,
-- the shared copy goes and its featuring with it.
CREATE TABLE "regional_featured_case_studies" (
  "id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
  "org_id" uuid NOT NULL REFERENCES "organisations"("id"),
  "shared_case_study_id" uuid NOT NULL REFERENCES "shared_case_studies"("id") ON DELETE CASCADE,
  "featured_by" uuid REFERENCES "users"("id"),
  "featured_by_name" text NOT NULL,
  "featured_at" timestamp with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
CREATE UNIQUE INDEX "regional_featured_case_studies_study_idx" ON "regional_featured_case_studies" ("org_id", "shared_case_study_id");--> statement-breakpoint
ALTER TABLE regional_featured_case_studies ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY regional_featured_case_studies_own ON regional_featured_case_studies USING (org_id = ANY ((SELECT app_org_ids())::uuid[])) WITH CHECK (org_id = ANY ((SELECT app_org_ids())::uuid[]));
