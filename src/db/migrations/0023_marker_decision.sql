-- The marker on the patient record is in force only once a Prevent lead decides so (during triage),
-- not from the moment a concern is raised. Cases already open keep the marker they had.
ALTER TABLE "concern_cases" ADD COLUMN "marker_placed_at" timestamp with time zone;--> statement-breakpoint
UPDATE "concern_cases" SET "marker_placed_at" = "raised_at" WHERE "erased_at" IS NULL;
