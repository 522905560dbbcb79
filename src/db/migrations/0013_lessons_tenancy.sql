-- Reviews, their actions and case studies are the organisation's own, as its cases are.
-- What reaches the commissioner's learning group is only the shared copy of an approved case study.
ALTER TABLE lessons_reviews ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY lessons_reviews_own ON lessons_reviews USING (org_id = ANY ((SELECT app_org_ids())::uuid[])) WITH CHECK (org_id = ANY ((SELECT app_org_ids())::uuid[]));
--> statement-breakpoint
ALTER TABLE lessons_actions ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY lessons_actions_own ON lessons_actions USING (org_id = ANY ((SELECT app_org_ids())::uuid[])) WITH CHECK (org_id = ANY ((SELECT app_org_ids())::uuid[]));
--> statement-breakpoint
ALTER TABLE case_studies ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY case_studies_own ON case_studies USING (org_id = ANY ((SELECT app_org_ids())::uuid[])) WITH CHECK (org_id = ANY ((SELECT app_org_ids())::uuid[]));
--> statement-breakpoint
-- The commissioners of the organisations in scope: a provider is a member of its commissioner's learning group.
CREATE FUNCTION app_commissioner_org_ids() RETURNS uuid[] LANGUAGE sql STABLE AS $$
  SELECT coalesce(array_agg(commissioner_id), '{}'::uuid[]) FROM organisations WHERE id = ANY (app_org_ids()) AND commissioner_id IS NOT NULL
$$;
--> statement-breakpoint
-- Members read the group's case studies; a provider shares only its own, and only to its own commissioner's group.
ALTER TABLE shared_case_studies ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY shared_case_studies_read ON shared_case_studies FOR SELECT USING (group_org_id = ANY ((SELECT app_org_ids())::uuid[]) OR group_org_id = ANY ((SELECT app_commissioner_org_ids())::uuid[]));
--> statement-breakpoint
CREATE POLICY shared_case_studies_share ON shared_case_studies FOR INSERT WITH CHECK (
  from_org_id = ANY ((SELECT app_org_ids())::uuid[]) AND group_org_id = ANY ((SELECT app_commissioner_org_ids())::uuid[]));
--> statement-breakpoint
-- Withdrawn by the provider that shared it; never edited by anyone.
CREATE POLICY shared_case_studies_withdraw ON shared_case_studies FOR DELETE USING (from_org_id = ANY ((SELECT app_org_ids())::uuid[]));
--> statement-breakpoint
ALTER TABLE learning_meetings ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY learning_meetings_read ON learning_meetings FOR SELECT USING (group_org_id = ANY ((SELECT app_org_ids())::uuid[]) OR group_org_id = ANY ((SELECT app_commissioner_org_ids())::uuid[]));
--> statement-breakpoint
CREATE POLICY learning_meetings_host ON learning_meetings FOR INSERT WITH CHECK (group_org_id = ANY ((SELECT app_org_ids())::uuid[]));
--> statement-breakpoint
CREATE POLICY learning_meetings_change ON learning_meetings FOR UPDATE USING (group_org_id = ANY ((SELECT app_org_ids())::uuid[])) WITH CHECK (group_org_id = ANY ((SELECT app_org_ids())::uuid[]));
--> statement-breakpoint
ALTER TABLE learning_actions ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY learning_actions_read ON learning_actions FOR SELECT USING (group_org_id = ANY ((SELECT app_org_ids())::uuid[]) OR group_org_id = ANY ((SELECT app_commissioner_org_ids())::uuid[]));
--> statement-breakpoint
CREATE POLICY learning_actions_host ON learning_actions FOR INSERT WITH CHECK (group_org_id = ANY ((SELECT app_org_ids())::uuid[]));
--> statement-breakpoint
-- The host tracks every action; the organisation that owns one may mark it done.
CREATE POLICY learning_actions_change ON learning_actions FOR UPDATE
  USING (group_org_id = ANY ((SELECT app_org_ids())::uuid[]) OR owner_org_id = ANY ((SELECT app_org_ids())::uuid[]))
  WITH CHECK (group_org_id = ANY ((SELECT app_org_ids())::uuid[]) OR group_org_id = ANY ((SELECT app_commissioner_org_ids())::uuid[]));
--> statement-breakpoint
-- Every referral made before this migration gets its review to do, as every referral from now on does.
INSERT INTO lessons_reviews (org_id, case_id, case_reference, referral_id, origin, status, started_on)
  SELECT DISTINCT ON (r.case_id) r.org_id, r.case_id, c.reference, r.id, 'referral', 'to_do', r.referred_on
  FROM referrals r JOIN concern_cases c ON c.id = r.case_id
  ORDER BY r.case_id, r.referred_on;
--> statement-breakpoint
-- Erasing a case also erases what its review and case studies say about it. An approved case study's
-- text stays: a person approved it as identifying no one, and the group may hold a copy.
CREATE OR REPLACE FUNCTION erase_concern_case(target uuid) RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
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
  UPDATE lessons_reviews SET went_well_sealed = NULL, could_be_better_sealed = NULL, learning_points_sealed = NULL
    WHERE case_id = target;
  UPDATE case_studies SET original_sealed = NULL, changes_sealed = NULL, draft_sealed = NULL WHERE case_id = target;
  RETURN true;
END
$$;
