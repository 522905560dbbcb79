-- A role can be granted for a set time: a CQC inspector's read-only access to an organisation's evidence ends
-- by itself. An inspector's grant always ends, at most 30 days after it was given.
ALTER TABLE "role_grants" ADD COLUMN "expires_at" timestamp with time zone;
--> statement-breakpoint
ALTER TABLE "role_grants" ADD CONSTRAINT "role_grants_inspector_ends" CHECK (
  role <> 'cqc_inspector' OR (expires_at IS NOT NULL AND expires_at <= granted_at + interval '30 days 1 hour'));
--> statement-breakpoint
CREATE OR REPLACE FUNCTION account_role_grants(account uuid) RETURNS TABLE (org_id uuid, role text)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT org_id, role FROM role_grants
   WHERE user_id = account AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
$$;
