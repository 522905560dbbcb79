-- 0027_development: the development records of the Prevent leads and safeguarding staff, and the leads' plans.
CREATE TABLE "development_activities" (
  "id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
  "org_id" uuid NOT NULL REFERENCES "organisations"("id"),
  "user_id" uuid NOT NULL REFERENCES "users"("id"),
  "kind" text NOT NULL,
  "held_on" date NOT NULL,
  "hours" numeric(5, 2) NOT NULL,
  "title" text NOT NULL,
  "provider" text NOT NULL,
  "evidence" text,
  "recorded_by" uuid REFERENCES "users"("id"),
  "created_at" timestamp with time zone DEFAULT now() NOT NULL,
  "updated_at" timestamp with time zone DEFAULT now() NOT NULL,
  "archived_at" timestamp with time zone,
  CONSTRAINT "development_activities_hours" CHECK ("hours" > 0 AND "hours" <= 100)
);--> statement-breakpoint
CREATE INDEX "development_activities_org_user_idx" ON "development_activities" ("org_id", "user_id", "held_on");--> statement-breakpoint
ALTER TABLE development_activities ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY development_activities_own ON development_activities USING (org_id = ANY ((SELECT app_org_ids())::uuid[])) WITH CHECK (org_id = ANY ((SELECT app_org_ids())::uuid[]));--> statement-breakpoint
CREATE TABLE "development_targets" (
  "id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
  "org_id" uuid NOT NULL REFERENCES "organisations"("id"),
  "user_id" uuid NOT NULL REFERENCES "users"("id"),
  "description" text NOT NULL,
  "due_on" date NOT NULL,
  "status" text NOT NULL,
  "set_on" date NOT NULL,
  "met_on" date,
  "created_at" timestamp with time zone DEFAULT now() NOT NULL,
  "updated_at" timestamp with time zone DEFAULT now() NOT NULL,
  "archived_at" timestamp with time zone
);--> statement-breakpoint
CREATE INDEX "development_targets_org_user_idx" ON "development_targets" ("org_id", "user_id");--> statement-breakpoint
ALTER TABLE development_targets ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY development_targets_own ON development_targets USING (org_id = ANY ((SELECT app_org_ids())::uuid[])) WITH CHECK (org_id = ANY ((SELECT app_org_ids())::uuid[]));
