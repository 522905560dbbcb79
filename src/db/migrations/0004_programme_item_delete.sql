-- Items an organisation added to its work programme may be removed again (required ones are kept by the service);
-- without a DELETE policy, row-level security would silently remove nothing.
CREATE POLICY work_programme_items_remove ON work_programme_items FOR DELETE USING (org_id = ANY (app_org_ids()));
