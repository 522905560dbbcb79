-- Case data is need-to-know: even inside its own organisation, a request reads case tables only
-- when the case service has said so for this transaction (after checking the person's role and assignment).
CREATE FUNCTION app_case_access() RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT coalesce(current_setting('app.case_access', true), '') = 'on'
$$;
--> statement-breakpoint
ALTER TABLE concern_cases ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY concern_cases_own ON concern_cases USING (org_id = ANY (app_org_ids()) AND app_case_access())
  WITH CHECK (org_id = ANY (app_org_ids()) AND app_case_access());
--> statement-breakpoint
ALTER TABLE case_reference_counters ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY case_reference_counters_own ON case_reference_counters USING (org_id = ANY (app_org_ids()) AND app_case_access())
  WITH CHECK (org_id = ANY (app_org_ids()) AND app_case_access());
--> statement-breakpoint
ALTER TABLE case_assignments ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY case_assignments_own ON case_assignments USING (org_id = ANY (app_org_ids()) AND app_case_access())
  WITH CHECK (org_id = ANY (app_org_ids()) AND app_case_access());
--> statement-breakpoint
ALTER TABLE case_follow_ups ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY case_follow_ups_own ON case_follow_ups USING (org_id = ANY (app_org_ids()) AND app_case_access())
  WITH CHECK (org_id = ANY (app_org_ids()) AND app_case_access());
--> statement-breakpoint
ALTER TABLE referrals ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY referrals_own ON referrals USING (org_id = ANY (app_org_ids()) AND app_case_access())
  WITH CHECK (org_id = ANY (app_org_ids()) AND app_case_access());
--> statement-breakpoint
ALTER TABLE concern_settings ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY concern_settings_own ON concern_settings USING (org_id = ANY (app_org_ids())) WITH CHECK (org_id = ANY (app_org_ids()));
--> statement-breakpoint
-- The chronology, the checks, the sharing decisions and break-glass records are written once and never changed
-- by the app; erasure goes through erase_concern_case below.
ALTER TABLE case_events ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY case_events_read ON case_events FOR SELECT USING (org_id = ANY (app_org_ids()) AND app_case_access());
--> statement-breakpoint
CREATE POLICY case_events_write ON case_events FOR INSERT WITH CHECK (org_id = ANY (app_org_ids()) AND app_case_access());
--> statement-breakpoint
ALTER TABLE record_checks ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY record_checks_read ON record_checks FOR SELECT USING (org_id = ANY (app_org_ids()) AND app_case_access());
--> statement-breakpoint
CREATE POLICY record_checks_write ON record_checks FOR INSERT WITH CHECK (org_id = ANY (app_org_ids()) AND app_case_access());
--> statement-breakpoint
ALTER TABLE sharing_decisions ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY sharing_decisions_read ON sharing_decisions FOR SELECT USING (org_id = ANY (app_org_ids()) AND app_case_access());
--> statement-breakpoint
CREATE POLICY sharing_decisions_write ON sharing_decisions FOR INSERT WITH CHECK (org_id = ANY (app_org_ids()) AND app_case_access());
--> statement-breakpoint
ALTER TABLE break_glass_accesses ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY break_glass_accesses_read ON break_glass_accesses FOR SELECT USING (org_id = ANY (app_org_ids()) AND app_case_access());
--> statement-breakpoint
CREATE POLICY break_glass_accesses_write ON break_glass_accesses FOR INSERT WITH CHECK (org_id = ANY (app_org_ids()) AND app_case_access());
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON case_events, record_checks, sharing_decisions, break_glass_accesses FROM prevent_app;
--> statement-breakpoint
REVOKE DELETE, TRUNCATE ON concern_cases, case_assignments, case_follow_ups, referrals, case_reference_counters FROM prevent_app;
--> statement-breakpoint
ALTER TABLE api_tokens ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY api_tokens_own ON api_tokens USING (org_id = ANY (app_org_ids())) WITH CHECK (org_id = ANY (app_org_ids()));
--> statement-breakpoint
-- Removes a case's personal data and keeps the stub that reports count: status, kind of subject, dates, pathway.
-- The only way the app changes the chronology, checks or decisions; it may erase only a case it can reach.
CREATE FUNCTION erase_concern_case(target uuid) RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
  owner_org uuid;
BEGIN
  SELECT org_id INTO owner_org FROM concern_cases WHERE id = target AND erased_at IS NULL;
  IF owner_org IS NULL OR NOT (owner_org = ANY (app_org_ids())) OR NOT app_case_access() THEN
    RETURN false;
  END IF;
  UPDATE concern_cases SET subject_name_sealed = NULL, subject_nhs_number_sealed = NULL, subject_nhs_number_hash = NULL,
    subject_date_of_birth_sealed = NULL, narrative_sealed = NULL, location_sealed = NULL, marker_text = NULL,
    erased_at = now(), updated_at = now()
    WHERE id = target;
  UPDATE case_events SET detail_sealed = NULL WHERE case_id = target;
  UPDATE record_checks SET findings_sealed = NULL WHERE case_id = target;
  UPDATE sharing_decisions SET information_sealed = NULL, consent_note_sealed = NULL, rationale_sealed = NULL WHERE case_id = target;
  UPDATE referrals SET concern_sealed = NULL, complex_needs_sealed = NULL, other_agencies_sealed = NULL,
    other_information_sealed = NULL, outcome_sealed = NULL, feedback_sealed = NULL, channel_contribution_sealed = NULL
    WHERE case_id = target;
  UPDATE record_checks SET systems = '' WHERE case_id = target;
  UPDATE referrals SET police_reference = NULL WHERE case_id = target;
  -- A break-glass reason may describe the person; that access happened stays in the audit trail.
  UPDATE break_glass_accesses SET reason = '' WHERE case_id = target;
  RETURN true;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION erase_concern_case(uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION erase_concern_case(uuid) TO prevent_app;
--> statement-breakpoint
-- Counts for boards, commissioners and regions, who never read case rows: one row per group, no identifiers.
-- Only organisations in the request's scope are counted; the app widens the scope to those a person may see.
CREATE FUNCTION concern_case_counts(raised_from timestamptz, raised_before timestamptz)
  RETURNS TABLE (org_id uuid, status text, subject_type text, subject_is_child boolean, referred boolean, pathway text, cases integer)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
  SELECT s.org_id, s.status, s.subject_type, s.subject_is_child, s.referred, s.pathway, count(*)::int
    FROM (SELECT c.org_id, c.status, c.subject_type, c.subject_is_child,
                 EXISTS (SELECT 1 FROM referrals r WHERE r.case_id = c.id) AS referred,
                 (SELECT r.pathway FROM referrals r WHERE r.case_id = c.id ORDER BY r.referred_on DESC LIMIT 1) AS pathway
            FROM concern_cases c
           WHERE c.org_id = ANY (app_org_ids()) AND c.raised_at >= raised_from AND c.raised_at < raised_before) s
   GROUP BY 1, 2, 3, 4, 5, 6
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION concern_case_counts(timestamptz, timestamptz) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION concern_case_counts(timestamptz, timestamptz) TO prevent_app;
