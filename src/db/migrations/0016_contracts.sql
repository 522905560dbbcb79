CREATE TABLE "contract_check_actions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"icb_org_id" uuid NOT NULL,
	"provider_org_id" uuid NOT NULL,
	"check_id" uuid NOT NULL,
	"description" text NOT NULL,
	"owner_org_id" uuid NOT NULL,
	"owner_name" text NOT NULL,
	"due_on" date NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"done_on" date,
	"done_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "contract_check_actions_owner_check" CHECK ("contract_check_actions"."owner_org_id" = "contract_check_actions"."icb_org_id" or "contract_check_actions"."owner_org_id" = "contract_check_actions"."provider_org_id"),
	CONSTRAINT "contract_check_actions_status_check" CHECK ("contract_check_actions"."status" in ('open', 'done')),
	CONSTRAINT "contract_check_actions_done_check" CHECK (("contract_check_actions"."status" = 'done') = ("contract_check_actions"."done_on" is not null))
);
--> statement-breakpoint
CREATE TABLE "contract_checks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"icb_org_id" uuid NOT NULL,
	"provider_org_id" uuid NOT NULL,
	"contract_id" uuid NOT NULL,
	"checked_on" date NOT NULL,
	"checked_contract" boolean NOT NULL,
	"checked_training" boolean NOT NULL,
	"checked_safeguarding" boolean NOT NULL,
	"findings" text NOT NULL,
	"rating" text NOT NULL,
	"checked_by" text NOT NULL,
	"recorded_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "contract_checks_id_orgs_key" UNIQUE("id","icb_org_id","provider_org_id"),
	CONSTRAINT "contract_checks_rating_check" CHECK ("contract_checks"."rating" in ('assured', 'partly_assured', 'not_assured')),
	CONSTRAINT "contract_checks_something_checked" CHECK ("contract_checks"."checked_contract" or "contract_checks"."checked_training" or "contract_checks"."checked_safeguarding")
);
--> statement-breakpoint
CREATE TABLE "contracts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"icb_org_id" uuid NOT NULL,
	"provider_org_id" uuid NOT NULL,
	"name" text NOT NULL,
	"reference" text,
	"sc32_included" boolean NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date,
	"review_on" date NOT NULL,
	"notes" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "contracts_id_orgs_key" UNIQUE("id","icb_org_id","provider_org_id")
);
--> statement-breakpoint
ALTER TABLE "contract_check_actions" ADD CONSTRAINT "contract_check_actions_icb_org_id_organisations_id_fk" FOREIGN KEY ("icb_org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contract_check_actions" ADD CONSTRAINT "contract_check_actions_provider_org_id_organisations_id_fk" FOREIGN KEY ("provider_org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contract_check_actions" ADD CONSTRAINT "contract_check_actions_owner_org_id_organisations_id_fk" FOREIGN KEY ("owner_org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contract_check_actions" ADD CONSTRAINT "contract_check_actions_check_fk" FOREIGN KEY ("check_id","icb_org_id","provider_org_id") REFERENCES "public"."contract_checks"("id","icb_org_id","provider_org_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contract_checks" ADD CONSTRAINT "contract_checks_icb_org_id_organisations_id_fk" FOREIGN KEY ("icb_org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contract_checks" ADD CONSTRAINT "contract_checks_provider_org_id_organisations_id_fk" FOREIGN KEY ("provider_org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contract_checks" ADD CONSTRAINT "contract_checks_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contract_checks" ADD CONSTRAINT "contract_checks_contract_fk" FOREIGN KEY ("contract_id","icb_org_id","provider_org_id") REFERENCES "public"."contracts"("id","icb_org_id","provider_org_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contracts" ADD CONSTRAINT "contracts_icb_org_id_organisations_id_fk" FOREIGN KEY ("icb_org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contracts" ADD CONSTRAINT "contracts_provider_org_id_organisations_id_fk" FOREIGN KEY ("provider_org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "contract_check_actions_check_idx" ON "contract_check_actions" USING btree ("check_id");--> statement-breakpoint
CREATE INDEX "contract_check_actions_provider_idx" ON "contract_check_actions" USING btree ("provider_org_id");--> statement-breakpoint
CREATE INDEX "contract_check_actions_icb_idx" ON "contract_check_actions" USING btree ("icb_org_id");--> statement-breakpoint
CREATE INDEX "contract_checks_contract_idx" ON "contract_checks" USING btree ("contract_id");--> statement-breakpoint
CREATE INDEX "contract_checks_provider_idx" ON "contract_checks" USING btree ("provider_org_id");--> statement-breakpoint
CREATE INDEX "contract_checks_icb_idx" ON "contract_checks" USING btree ("icb_org_id");--> statement-breakpoint
CREATE INDEX "contracts_icb_idx" ON "contracts" USING btree ("icb_org_id");--> statement-breakpoint
CREATE INDEX "contracts_provider_idx" ON "contracts" USING btree ("provider_org_id");
--> statement-breakpoint
-- The register is the commissioning ICB's: it reads and writes the rows of the providers it commissions now.
-- A provider reads its own rows (whichever ICB wrote them), and may mark done the actions it owns. No one else
-- sees any. The scope is read once per query (a sub-select), not once per row.
ALTER TABLE contracts ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY contracts_commissioner ON contracts
  USING (icb_org_id = ANY ((SELECT app_org_ids())::uuid[]) AND provider_org_id = ANY ((SELECT app_commissioned_org_ids())::uuid[]))
  WITH CHECK (icb_org_id = ANY ((SELECT app_org_ids())::uuid[]) AND provider_org_id = ANY ((SELECT app_commissioned_org_ids())::uuid[]));
--> statement-breakpoint
CREATE POLICY contracts_provider_read ON contracts FOR SELECT USING (provider_org_id = ANY ((SELECT app_org_ids())::uuid[]));
--> statement-breakpoint
ALTER TABLE contract_checks ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY contract_checks_commissioner ON contract_checks
  USING (icb_org_id = ANY ((SELECT app_org_ids())::uuid[]) AND provider_org_id = ANY ((SELECT app_commissioned_org_ids())::uuid[]))
  WITH CHECK (icb_org_id = ANY ((SELECT app_org_ids())::uuid[]) AND provider_org_id = ANY ((SELECT app_commissioned_org_ids())::uuid[]));
--> statement-breakpoint
CREATE POLICY contract_checks_provider_read ON contract_checks FOR SELECT USING (provider_org_id = ANY ((SELECT app_org_ids())::uuid[]));
--> statement-breakpoint
ALTER TABLE contract_check_actions ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY contract_check_actions_commissioner ON contract_check_actions
  USING (icb_org_id = ANY ((SELECT app_org_ids())::uuid[]) AND provider_org_id = ANY ((SELECT app_commissioned_org_ids())::uuid[]))
  WITH CHECK (icb_org_id = ANY ((SELECT app_org_ids())::uuid[]) AND provider_org_id = ANY ((SELECT app_commissioned_org_ids())::uuid[]));
--> statement-breakpoint
CREATE POLICY contract_check_actions_provider_read ON contract_check_actions FOR SELECT
  USING (provider_org_id = ANY ((SELECT app_org_ids())::uuid[]));
--> statement-breakpoint
CREATE POLICY contract_check_actions_provider_done ON contract_check_actions FOR UPDATE
  USING (provider_org_id = ANY ((SELECT app_org_ids())::uuid[]) AND owner_org_id = provider_org_id)
  WITH CHECK (provider_org_id = ANY ((SELECT app_org_ids())::uuid[]) AND owner_org_id = provider_org_id);
--> statement-breakpoint
-- Row-level security cannot say which columns a provider may change: this does. Acting for the provider
-- (not for the ICB that wrote the action), a request may only move its own open action to done.
CREATE FUNCTION contract_check_actions_provider_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_user = 'prevent_app' AND NOT (OLD.icb_org_id = ANY (app_org_ids())) THEN
    IF NEW.icb_org_id IS DISTINCT FROM OLD.icb_org_id OR NEW.provider_org_id IS DISTINCT FROM OLD.provider_org_id
      OR NEW.check_id IS DISTINCT FROM OLD.check_id OR NEW.description IS DISTINCT FROM OLD.description
      OR NEW.owner_org_id IS DISTINCT FROM OLD.owner_org_id OR NEW.owner_name IS DISTINCT FROM OLD.owner_name
      OR NEW.due_on IS DISTINCT FROM OLD.due_on OR NEW.created_at IS DISTINCT FROM OLD.created_at
      OR OLD.status <> 'open' OR NEW.status <> 'done' THEN
      RAISE EXCEPTION 'A provider may only mark its own open action done';
    END IF;
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER contract_check_actions_provider_change BEFORE UPDATE ON contract_check_actions
  FOR EACH ROW EXECUTE FUNCTION contract_check_actions_provider_change();
