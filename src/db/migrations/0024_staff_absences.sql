-- Periods of long-term absence, so that compliance as at a past date counts a person in or out of scope as
-- they were then, not as they are now. A period is open until the person is back (until_on, exclusive).
CREATE TABLE "staff_absences" (
  "id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
  "org_id" uuid NOT NULL REFERENCES "organisations"("id"),
  "staff_id" uuid NOT NULL REFERENCES "staff"("id") ON DELETE CASCADE,
  "from_on" date NOT NULL,
  "until_on" date,
  CONSTRAINT "staff_absences_order" CHECK ("until_on" IS NULL OR "until_on" >= "from_on")
);--> statement-breakpoint
CREATE INDEX "staff_absences_staff_idx" ON "staff_absences" ("staff_id", "from_on");--> statement-breakpoint
CREATE UNIQUE INDEX "staff_absences_open_idx" ON "staff_absences" ("staff_id") WHERE "until_on" IS NULL;--> statement-breakpoint
ALTER TABLE staff_absences ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY staff_absences_own ON staff_absences USING (org_id = ANY ((SELECT app_org_ids())::uuid[])) WITH CHECK (org_id = ANY ((SELECT app_org_ids())::uuid[]));--> statement-breakpoint
-- Whoever is away now has been, as far as the service knows, since before any date it is asked about.
INSERT INTO "staff_absences" ("org_id", "staff_id", "from_on")
  SELECT "org_id", "id", '-infinity'::date FROM "staff" WHERE "long_term_absence";
