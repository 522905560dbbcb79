-- Requests run as prevent_app: neither a superuser nor the tables' owner, so row-level security applies to it.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'prevent_app') THEN
    CREATE ROLE prevent_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
  END IF;
  -- The connecting role must be able to SET ROLE to it (a superuser always can).
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    EXECUTE format('GRANT prevent_app TO %I', current_user);
  END IF;
END
$$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO prevent_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO prevent_app;
--> statement-breakpoint
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO prevent_app;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO prevent_app;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO prevent_app;
--> statement-breakpoint
-- The organisations a request may reach, set per transaction by the app (see src/db/tenancy.ts).
CREATE FUNCTION app_org_ids() RETURNS uuid[] LANGUAGE sql STABLE AS $$
  SELECT coalesce(string_to_array(nullif(current_setting('app.org_ids', true), ''), ',')::uuid[], '{}'::uuid[])
$$;
--> statement-breakpoint
CREATE FUNCTION app_user_id() RETURNS uuid LANGUAGE sql STABLE AS $$
  SELECT nullif(current_setting('app.user_id', true), '')::uuid
$$;
--> statement-breakpoint
ALTER TABLE role_grants ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
-- A person may always read their own grants (to sign in); otherwise only grants in reach.
CREATE POLICY role_grants_read ON role_grants FOR SELECT USING (org_id = ANY (app_org_ids()) OR user_id = app_user_id());
--> statement-breakpoint
CREATE POLICY role_grants_write ON role_grants FOR INSERT WITH CHECK (org_id = ANY (app_org_ids()));
--> statement-breakpoint
CREATE POLICY role_grants_change ON role_grants FOR UPDATE USING (org_id = ANY (app_org_ids()));
--> statement-breakpoint
ALTER TABLE invitations ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
-- Invitations are read by token before anyone is signed in; the token's hash is the secret.
CREATE POLICY invitations_read ON invitations FOR SELECT USING (true);
--> statement-breakpoint
CREATE POLICY invitations_write ON invitations FOR INSERT WITH CHECK (org_id = ANY (app_org_ids()));
--> statement-breakpoint
CREATE POLICY invitations_use ON invitations FOR UPDATE USING (true);
--> statement-breakpoint
ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY audit_events_read ON audit_events FOR SELECT USING (org_id = ANY (app_org_ids()));
--> statement-breakpoint
CREATE POLICY audit_events_append ON audit_events FOR INSERT WITH CHECK (true);
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM prevent_app;
--> statement-breakpoint
CREATE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only';
END
$$;
--> statement-breakpoint
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();
--> statement-breakpoint
-- The chain's head, read under a transaction-scoped lock so that appends form one line.
-- SECURITY DEFINER: the app role cannot read other organisations' rows, but must chain to them.
CREATE FUNCTION audit_chain_head() RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  head text;
BEGIN
  PERFORM pg_advisory_xact_lock(7355608);
  SELECT hash INTO head FROM audit_events ORDER BY seq DESC LIMIT 1;
  RETURN coalesce(head, 'genesis');
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION audit_chain_head() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION audit_chain_head() TO prevent_app;
