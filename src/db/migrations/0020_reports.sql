CREATE TABLE "month_end_figures" (
	"org_id" uuid NOT NULL REFERENCES "organisations"("id"),
	"month" text NOT NULL CHECK ("month" ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
	"figures" jsonb NOT NULL,
	"kept_at" timestamp with time zone DEFAULT now() NOT NULL,
	"computed_later" boolean NOT NULL,
	CONSTRAINT "month_end_figures_org_id_month_pk" PRIMARY KEY("org_id","month")
);
--> statement-breakpoint
CREATE TABLE "board_reports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL REFERENCES "organisations"("id"),
	"year" integer NOT NULL,
	"version" integer NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL CHECK ("status" IN ('draft', 'approved')),
	"significant_incidents" text,
	"resources_answer" text CHECK ("resources_answer" IN ('adequate', 'not_adequate')),
	"resources_statement" text,
	"priorities" text,
	"exact_counts_for_board" boolean DEFAULT false NOT NULL,
	"approved_by_user_id" uuid REFERENCES "users"("id"),
	"approved_by_name" text,
	"approved_at" timestamp with time zone,
	"board_copy" jsonb,
	"board_checksum" text,
	"shared_copy" jsonb,
	"shared_checksum" text,
	"presented_on" date,
	"minute_reference" text,
	"shared_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CHECK ("status" = 'draft' OR ("board_copy" IS NOT NULL AND "shared_copy" IS NOT NULL AND "approved_at" IS NOT NULL))
);
--> statement-breakpoint
CREATE UNIQUE INDEX "board_reports_org_year_version_idx" ON "board_reports" USING btree ("org_id","year","version");
--> statement-breakpoint
-- Month-end figures are the organisation's own; a commissioner or region reads them through a scope widened
-- to the providers in its reach, as for the live figures.
ALTER TABLE month_end_figures ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY month_end_figures_own ON month_end_figures FOR ALL
  USING (org_id = ANY ((SELECT app_org_ids())::uuid[])) WITH CHECK (org_id = ANY ((SELECT app_org_ids())::uuid[]));
--> statement-breakpoint
ALTER TABLE board_reports ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY board_reports_own ON board_reports FOR ALL
  USING (org_id = ANY ((SELECT app_org_ids())::uuid[])) WITH CHECK (org_id = ANY ((SELECT app_org_ids())::uuid[]));
--> statement-breakpoint
-- A month once kept is a fixed record: nothing changes it. An approved report's content, checksums and
-- approval never change; only the board date, minute reference and sharing are added to it afterwards.
CREATE FUNCTION month_end_figures_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'The figures kept for % are a fixed record and cannot be changed', OLD.month;
END $$;
--> statement-breakpoint
CREATE TRIGGER month_end_figures_fixed BEFORE UPDATE ON month_end_figures FOR EACH ROW EXECUTE FUNCTION month_end_figures_fixed();
--> statement-breakpoint
CREATE FUNCTION board_reports_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.status = 'approved' THEN RAISE EXCEPTION 'An approved board report cannot be deleted'; END IF;
    RETURN OLD;
  END IF;
  IF OLD.status = 'approved' AND (
       NEW.status IS DISTINCT FROM OLD.status
    OR NEW.significant_incidents IS DISTINCT FROM OLD.significant_incidents
    OR NEW.resources_answer IS DISTINCT FROM OLD.resources_answer
    OR NEW.resources_statement IS DISTINCT FROM OLD.resources_statement
    OR NEW.priorities IS DISTINCT FROM OLD.priorities
    OR NEW.exact_counts_for_board IS DISTINCT FROM OLD.exact_counts_for_board
    OR NEW.approved_by_user_id IS DISTINCT FROM OLD.approved_by_user_id
    OR NEW.approved_by_name IS DISTINCT FROM OLD.approved_by_name
    OR NEW.approved_at IS DISTINCT FROM OLD.approved_at
    OR NEW.board_copy IS DISTINCT FROM OLD.board_copy
    OR NEW.board_checksum IS DISTINCT FROM OLD.board_checksum
    OR NEW.shared_copy IS DISTINCT FROM OLD.shared_copy
    OR NEW.shared_checksum IS DISTINCT FROM OLD.shared_checksum
    OR NEW.year IS DISTINCT FROM OLD.year
    OR NEW.version IS DISTINCT FROM OLD.version
    OR NEW.org_id IS DISTINCT FROM OLD.org_id) THEN
    RAISE EXCEPTION 'An approved board report is frozen: start a new version to change it';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER board_reports_frozen BEFORE UPDATE OR DELETE ON board_reports FOR EACH ROW EXECUTE FUNCTION board_reports_frozen();
