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
--> statement-breakpoint
-- Part 3: audit checkpoints. The chain's last entry (seq and hash), for a checkpoint kept outside the database.
-- SECURITY DEFINER, as audit_chain_head: a request reads only its own organisations' entries, but a checkpoint
-- names the head of the whole chain (a hash, which tells nothing about any entry, and a count).
CREATE FUNCTION audit_chain_checkpoint() RETURNS TABLE (seq bigint, hash text) LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = public AS $$
  SELECT e.seq, e.hash FROM audit_events e ORDER BY e.seq DESC LIMIT 1
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION audit_chain_checkpoint() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION audit_chain_checkpoint() TO prevent_app;
