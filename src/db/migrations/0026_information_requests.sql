-- Information requests in (from police Prevent or a Channel panel, about a person the organisation may hold records
-- on) and out (to a partner). Who the request is about is held on the case it is linked to, sealed there: the request
-- itself holds what was asked in words checked for identifiers, and its decision is a sharing decision on that case.
CREATE TABLE "information_requests" (
  "id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
  "org_id" uuid NOT NULL REFERENCES "organisations"("id"),
  "direction" text NOT NULL,
  "partner" text NOT NULL,
  "partner_name" text NOT NULL,
  "asked_on" date NOT NULL,
  "due_on" date NOT NULL,
  "what_asked" text NOT NULL,
  "case_id" uuid REFERENCES "concern_cases"("id"),
  "case_reference" text,
  "sharing_decision_id" uuid REFERENCES "sharing_decisions"("id"),
  "responded_on" date,
  "recorded_by" uuid REFERENCES "users"("id"),
  "created_at" timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT "information_requests_direction" CHECK ("direction" IN ('in', 'out')),
  CONSTRAINT "information_requests_incoming_case" CHECK ("direction" = 'out' OR "case_id" IS NOT NULL),
  CONSTRAINT "information_requests_due" CHECK ("due_on" >= "asked_on")
);--> statement-breakpoint
CREATE INDEX "information_requests_org_idx" ON "information_requests" ("org_id", "due_on");--> statement-breakpoint
CREATE INDEX "information_requests_case_idx" ON "information_requests" ("case_id");--> statement-breakpoint
ALTER TABLE information_requests ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY information_requests_own ON information_requests USING (org_id = ANY ((SELECT app_org_ids())::uuid[])) WITH CHECK (org_id = ANY ((SELECT app_org_ids())::uuid[]));
