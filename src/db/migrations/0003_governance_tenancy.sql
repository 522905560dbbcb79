-- Organisations commissioned by those in scope: a commissioner reads its providers' governance records (never case data).
CREATE FUNCTION app_commissioned_org_ids() RETURNS uuid[] LANGUAGE sql STABLE AS $$
  SELECT coalesce(array_agg(id), '{}'::uuid[]) FROM organisations WHERE commissioner_id = ANY (app_org_ids())
$$;
--> statement-breakpoint
ALTER TABLE lead_appointments ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY lead_appointments_read ON lead_appointments FOR SELECT
  USING (org_id = ANY (app_org_ids()) OR org_id = ANY (app_commissioned_org_ids()));
--> statement-breakpoint
CREATE POLICY lead_appointments_write ON lead_appointments FOR INSERT WITH CHECK (org_id = ANY (app_org_ids()));
--> statement-breakpoint
CREATE POLICY lead_appointments_change ON lead_appointments FOR UPDATE USING (org_id = ANY (app_org_ids()));
--> statement-breakpoint
ALTER TABLE multi_agency_contacts ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
-- A provider reads its own contacts and those its commissioner chose to share with providers.
CREATE POLICY multi_agency_contacts_read ON multi_agency_contacts FOR SELECT
  USING (org_id = ANY (app_org_ids()) OR (shared_with_providers AND org_id IN (
    SELECT commissioner_id FROM organisations WHERE id = ANY (app_org_ids()) AND commissioner_id IS NOT NULL)));
--> statement-breakpoint
CREATE POLICY multi_agency_contacts_write ON multi_agency_contacts FOR INSERT WITH CHECK (org_id = ANY (app_org_ids()));
--> statement-breakpoint
CREATE POLICY multi_agency_contacts_change ON multi_agency_contacts FOR UPDATE USING (org_id = ANY (app_org_ids()));
--> statement-breakpoint
ALTER TABLE programme_settings ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY programme_settings_own ON programme_settings USING (org_id = ANY (app_org_ids())) WITH CHECK (org_id = ANY (app_org_ids()));
--> statement-breakpoint
ALTER TABLE work_programmes ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY work_programmes_read ON work_programmes FOR SELECT
  USING (org_id = ANY (app_org_ids()) OR org_id = ANY (app_commissioned_org_ids()));
--> statement-breakpoint
CREATE POLICY work_programmes_write ON work_programmes FOR INSERT WITH CHECK (org_id = ANY (app_org_ids()));
--> statement-breakpoint
CREATE POLICY work_programmes_change ON work_programmes FOR UPDATE USING (org_id = ANY (app_org_ids()));
--> statement-breakpoint
ALTER TABLE work_programme_items ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY work_programme_items_read ON work_programme_items FOR SELECT
  USING (org_id = ANY (app_org_ids()) OR org_id = ANY (app_commissioned_org_ids()));
--> statement-breakpoint
CREATE POLICY work_programme_items_write ON work_programme_items FOR INSERT WITH CHECK (org_id = ANY (app_org_ids()));
--> statement-breakpoint
CREATE POLICY work_programme_items_change ON work_programme_items FOR UPDATE USING (org_id = ANY (app_org_ids()));
--> statement-breakpoint
ALTER TABLE policies ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY policies_read ON policies FOR SELECT USING (org_id = ANY (app_org_ids()) OR org_id = ANY (app_commissioned_org_ids()));
--> statement-breakpoint
CREATE POLICY policies_write ON policies FOR INSERT WITH CHECK (org_id = ANY (app_org_ids()));
--> statement-breakpoint
CREATE POLICY policies_change ON policies FOR UPDATE USING (org_id = ANY (app_org_ids()));
--> statement-breakpoint
ALTER TABLE policy_versions ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY policy_versions_read ON policy_versions FOR SELECT
  USING (org_id = ANY (app_org_ids()) OR org_id = ANY (app_commissioned_org_ids()));
--> statement-breakpoint
CREATE POLICY policy_versions_write ON policy_versions FOR INSERT WITH CHECK (org_id = ANY (app_org_ids()));
--> statement-breakpoint
CREATE POLICY policy_versions_change ON policy_versions FOR UPDATE USING (org_id = ANY (app_org_ids()));
--> statement-breakpoint
ALTER TABLE policy_links ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY policy_links_read ON policy_links FOR SELECT USING (org_id = ANY (app_org_ids()) OR org_id = ANY (app_commissioned_org_ids()));
--> statement-breakpoint
CREATE POLICY policy_links_write ON policy_links FOR INSERT WITH CHECK (org_id = ANY (app_org_ids()));
--> statement-breakpoint
CREATE POLICY policy_links_remove ON policy_links FOR DELETE USING (org_id = ANY (app_org_ids()));
--> statement-breakpoint
ALTER TABLE policy_checklist_entries ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY policy_checklist_entries_read ON policy_checklist_entries FOR SELECT
  USING (org_id = ANY (app_org_ids()) OR org_id = ANY (app_commissioned_org_ids()));
--> statement-breakpoint
CREATE POLICY policy_checklist_entries_write ON policy_checklist_entries FOR INSERT WITH CHECK (org_id = ANY (app_org_ids()));
--> statement-breakpoint
ALTER TABLE notifications ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
-- A notification is read only by the person it is for; notifications to other organisations are written by jobs.
CREATE POLICY notifications_read ON notifications FOR SELECT USING (user_id = app_user_id());
--> statement-breakpoint
CREATE POLICY notifications_mark_read ON notifications FOR UPDATE USING (user_id = app_user_id());
--> statement-breakpoint
CREATE POLICY notifications_write ON notifications FOR INSERT WITH CHECK (org_id = ANY (app_org_ids()));
