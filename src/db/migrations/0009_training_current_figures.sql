CREATE TABLE "training_compliance_snapshots" (
	"org_id" uuid NOT NULL,
	"as_at" date NOT NULL,
	"level" text NOT NULL,
	"in_scope" integer NOT NULL,
	"compliant" integer NOT NULL,
	"expiring_soon" integer NOT NULL,
	"expired" integer NOT NULL,
	"never_trained" integer NOT NULL,
	CONSTRAINT "training_compliance_snapshots_org_id_as_at_level_pk" PRIMARY KEY("org_id","as_at","level")
);
--> statement-breakpoint
ALTER TABLE "staff" ADD COLUMN "best_expiry_any" date;--> statement-breakpoint
ALTER TABLE "staff" ADD COLUMN "best_expiry_level3" date;--> statement-breakpoint
ALTER TABLE "training_compliance_snapshots" ADD CONSTRAINT "training_compliance_snapshots_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE training_compliance_snapshots ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY training_compliance_snapshots_own ON training_compliance_snapshots USING (org_id = ANY ((SELECT app_org_ids())::uuid[])) WITH CHECK (org_id = ANY ((SELECT app_org_ids())::uuid[]));
