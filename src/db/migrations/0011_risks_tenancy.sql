-- The risk register and CTLP record are the organisation's own: it reads and writes them.
-- A commissioner reads its providers' (as it reads their work programmes, 0003), never changes them.
-- The scope is read once per query (a sub-select), not once per row.
ALTER TABLE risks ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY risks_read ON risks FOR SELECT
  USING (org_id = ANY ((SELECT app_org_ids())::uuid[]) OR org_id = ANY ((SELECT app_commissioned_org_ids())::uuid[]));
--> statement-breakpoint
CREATE POLICY risks_write ON risks FOR INSERT WITH CHECK (org_id = ANY ((SELECT app_org_ids())::uuid[]));
--> statement-breakpoint
CREATE POLICY risks_change ON risks FOR UPDATE USING (org_id = ANY ((SELECT app_org_ids())::uuid[])) WITH CHECK (org_id = ANY ((SELECT app_org_ids())::uuid[]));
--> statement-breakpoint
CREATE POLICY risks_remove ON risks FOR DELETE USING (org_id = ANY ((SELECT app_org_ids())::uuid[]));
--> statement-breakpoint
ALTER TABLE risk_reviews ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY risk_reviews_read ON risk_reviews FOR SELECT
  USING (org_id = ANY ((SELECT app_org_ids())::uuid[]) OR org_id = ANY ((SELECT app_commissioned_org_ids())::uuid[]));
--> statement-breakpoint
CREATE POLICY risk_reviews_write ON risk_reviews FOR INSERT WITH CHECK (org_id = ANY ((SELECT app_org_ids())::uuid[]));
--> statement-breakpoint
CREATE POLICY risk_reviews_change ON risk_reviews FOR UPDATE USING (org_id = ANY ((SELECT app_org_ids())::uuid[])) WITH CHECK (org_id = ANY ((SELECT app_org_ids())::uuid[]));
--> statement-breakpoint
CREATE POLICY risk_reviews_remove ON risk_reviews FOR DELETE USING (org_id = ANY ((SELECT app_org_ids())::uuid[]));
--> statement-breakpoint
ALTER TABLE ctlp_records ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY ctlp_records_read ON ctlp_records FOR SELECT
  USING (org_id = ANY ((SELECT app_org_ids())::uuid[]) OR org_id = ANY ((SELECT app_commissioned_org_ids())::uuid[]));
--> statement-breakpoint
CREATE POLICY ctlp_records_write ON ctlp_records FOR INSERT WITH CHECK (org_id = ANY ((SELECT app_org_ids())::uuid[]));
--> statement-breakpoint
CREATE POLICY ctlp_records_change ON ctlp_records FOR UPDATE USING (org_id = ANY ((SELECT app_org_ids())::uuid[])) WITH CHECK (org_id = ANY ((SELECT app_org_ids())::uuid[]));
--> statement-breakpoint
CREATE POLICY ctlp_records_remove ON ctlp_records FOR DELETE USING (org_id = ANY ((SELECT app_org_ids())::uuid[]));
--> statement-breakpoint
ALTER TABLE ctlp_risks ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY ctlp_risks_read ON ctlp_risks FOR SELECT
  USING (org_id = ANY ((SELECT app_org_ids())::uuid[]) OR org_id = ANY ((SELECT app_commissioned_org_ids())::uuid[]));
--> statement-breakpoint
CREATE POLICY ctlp_risks_write ON ctlp_risks FOR INSERT WITH CHECK (org_id = ANY ((SELECT app_org_ids())::uuid[]));
--> statement-breakpoint
CREATE POLICY ctlp_risks_change ON ctlp_risks FOR UPDATE USING (org_id = ANY ((SELECT app_org_ids())::uuid[])) WITH CHECK (org_id = ANY ((SELECT app_org_ids())::uuid[]));
--> statement-breakpoint
CREATE POLICY ctlp_risks_remove ON ctlp_risks FOR DELETE USING (org_id = ANY ((SELECT app_org_ids())::uuid[]));
