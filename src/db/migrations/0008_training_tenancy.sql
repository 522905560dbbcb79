-- Training data is the organisation's own: staff names never reach another organisation's queries.
-- A commissioner's view of its providers is computed by the service in a scope it opens for them, and only counts leave it.
-- The scope is read once per query (a sub-select), not once per row: staff tables run to hundreds of thousands of rows.
ALTER TABLE staff ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY staff_own ON staff USING (org_id = ANY ((SELECT app_org_ids())::uuid[])) WITH CHECK (org_id = ANY ((SELECT app_org_ids())::uuid[]));
--> statement-breakpoint
ALTER TABLE training_records ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY training_records_own ON training_records USING (org_id = ANY ((SELECT app_org_ids())::uuid[])) WITH CHECK (org_id = ANY ((SELECT app_org_ids())::uuid[]));
--> statement-breakpoint
ALTER TABLE training_needs_analyses ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY training_needs_analyses_own ON training_needs_analyses USING (org_id = ANY ((SELECT app_org_ids())::uuid[])) WITH CHECK (org_id = ANY ((SELECT app_org_ids())::uuid[]));
--> statement-breakpoint
ALTER TABLE training_import_settings ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY training_import_settings_own ON training_import_settings USING (org_id = ANY ((SELECT app_org_ids())::uuid[])) WITH CHECK (org_id = ANY ((SELECT app_org_ids())::uuid[]));
--> statement-breakpoint
ALTER TABLE training_imports ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY training_imports_own ON training_imports USING (org_id = ANY ((SELECT app_org_ids())::uuid[])) WITH CHECK (org_id = ANY ((SELECT app_org_ids())::uuid[]));
--> statement-breakpoint
ALTER TABLE training_import_errors ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY training_import_errors_own ON training_import_errors USING (org_id = ANY ((SELECT app_org_ids())::uuid[])) WITH CHECK (org_id = ANY ((SELECT app_org_ids())::uuid[]));
--> statement-breakpoint
ALTER TABLE trainers ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY trainers_own ON trainers USING (org_id = ANY ((SELECT app_org_ids())::uuid[])) WITH CHECK (org_id = ANY ((SELECT app_org_ids())::uuid[]));
--> statement-breakpoint
ALTER TABLE training_sessions ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY training_sessions_own ON training_sessions USING (org_id = ANY ((SELECT app_org_ids())::uuid[])) WITH CHECK (org_id = ANY ((SELECT app_org_ids())::uuid[]));
