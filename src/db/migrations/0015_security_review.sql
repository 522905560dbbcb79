ALTER TABLE "audit_events" ADD COLUMN "key_id" text;--> statement-breakpoint
-- Part 1: an account belongs to the person. Whether an administrator may change an account depends on every
-- organisation where it holds a role, which their own scope cannot see: this tells the service which those are,
-- and nothing else about them. SECURITY DEFINER for that reason; the service decides what it allows.
CREATE FUNCTION account_role_grants(account uuid) RETURNS TABLE (org_id uuid, role text)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT org_id, role FROM role_grants WHERE user_id = account AND revoked_at IS NULL
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION account_role_grants(uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION account_role_grants(uuid) TO prevent_app;
