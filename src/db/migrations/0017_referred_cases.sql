-- Assurance against the core standards asks whether every referral has a recorded decision on sharing with
-- police Prevent and a lessons learned review. The figures are counted without opening the case tables to
-- the request: for the organisations in scope, each case referred in a period, by its id only, how many
-- times, and whether a decision on sharing with police Prevent is recorded on it. SECURITY DEFINER for that
-- reason, as concern_case_counts; no name, date of birth or narrative leaves the function.
CREATE FUNCTION referred_cases(referred_from date, referred_before date)
  RETURNS TABLE (org_id uuid, case_id uuid, referrals integer, sharing_decided boolean)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
  SELECT r.org_id, r.case_id, count(*)::int,
         EXISTS (SELECT 1 FROM sharing_decisions d WHERE d.case_id = r.case_id AND d.partner = 'police_prevent')
    FROM referrals r
   WHERE r.org_id = ANY (app_org_ids()) AND r.referred_on >= referred_from AND r.referred_on < referred_before
   GROUP BY r.org_id, r.case_id
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION referred_cases(date, date) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION referred_cases(date, date) TO prevent_app;
