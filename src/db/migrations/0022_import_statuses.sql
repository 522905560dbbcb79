-- The import settings say where each assignment status puts a person (in scope, long-term absence,
-- leaver) and above what share of the staff an import's leavers need confirming.
ALTER TABLE "training_import_settings" ADD COLUMN "status_mapping" jsonb;--> statement-breakpoint
ALTER TABLE "training_import_settings" ADD COLUMN "leaver_confirmation_percent" integer;--> statement-breakpoint
ALTER TABLE "training_import_settings" ADD CONSTRAINT "training_import_settings_leaver_percent_range"
  CHECK ("leaver_confirmation_percent" IS NULL OR "leaver_confirmation_percent" BETWEEN 0 AND 100);
