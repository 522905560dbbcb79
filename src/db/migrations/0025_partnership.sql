-- The multi-agency engagement log: the meetings and forums an organisation takes part in (Channel panels, community
-- safety partnerships, Prevent boards, the regional forum, safeguarding partnerships, community of practice events it
-- hosts), and the actions agreed there. Nothing in it identifies a person at risk: its free text is checked on entry.
CREATE TABLE "partnership_engagements" (
  "id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
  "org_id" uuid NOT NULL REFERENCES "organisations"("id"),
  "kind" text NOT NULL,
  "title" text NOT NULL,
  "held_on" date NOT NULL,
  "our_attendees" text[] DEFAULT '{}' NOT NULL,
  "partner_agencies" text[] DEFAULT '{}' NOT NULL,
  "contribution" text NOT NULL,
  "recorded_by" uuid REFERENCES "users"("id"),
  "created_at" timestamp with time zone DEFAULT now() NOT NULL,
  "updated_at" timestamp with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
CREATE INDEX "partnership_engagements_org_idx" ON "partnership_engagements" ("org_id", "held_on");--> statement-breakpoint
CREATE TABLE "partnership_actions" (
  "id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
  "org_id" uuid NOT NULL REFERENCES "organisations"("id"),
  "engagement_id" uuid NOT NULL REFERENCES "partnership_engagements"("id") ON DELETE CASCADE,
  "description" text NOT NULL,
  "owner" text NOT NULL,
  "due_on" date NOT NULL,
  "done_on" date,
  "created_at" timestamp with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
CREATE INDEX "partnership_actions_org_idx" ON "partnership_actions" ("org_id", "due_on") WHERE "done_on" IS NULL;--> statement-breakpoint
CREATE INDEX "partnership_actions_engagement_idx" ON "partnership_actions" ("engagement_id");--> statement-breakpoint
ALTER TABLE partnership_engagements ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY partnership_engagements_own ON partnership_engagements USING (org_id = ANY ((SELECT app_org_ids())::uuid[])) WITH CHECK (org_id = ANY ((SELECT app_org_ids())::uuid[]));--> statement-breakpoint
ALTER TABLE partnership_actions ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY partnership_actions_own ON partnership_actions USING (org_id = ANY ((SELECT app_org_ids())::uuid[])) WITH CHECK (org_id = ANY ((SELECT app_org_ids())::uuid[]));
