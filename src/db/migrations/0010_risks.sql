CREATE TABLE "ctlp_records" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"year" integer NOT NULL,
	"briefing_received_on" date,
	"themes" text,
	"priority_area" boolean DEFAULT false NOT NULL,
	"programme_references" text,
	"reviewed_on" date,
	"signed_off_by_user_id" uuid,
	"signed_off_by_name" text,
	"signed_off_on" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ctlp_risks" (
	"org_id" uuid NOT NULL,
	"ctlp_id" uuid NOT NULL,
	"risk_id" uuid NOT NULL,
	CONSTRAINT "ctlp_risks_ctlp_id_risk_id_pk" PRIMARY KEY("ctlp_id","risk_id")
);
--> statement-breakpoint
CREATE TABLE "risk_reviews" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"risk_id" uuid NOT NULL,
	"reviewed_on" date NOT NULL,
	"reviewer" text NOT NULL,
	"note" text,
	"likelihood" integer NOT NULL,
	"impact" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "risks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"title" text NOT NULL,
	"category" text NOT NULL,
	"owner" text NOT NULL,
	"inherent_likelihood" integer NOT NULL,
	"inherent_impact" integer NOT NULL,
	"current_likelihood" integer NOT NULL,
	"current_impact" integer NOT NULL,
	"target_likelihood" integer NOT NULL,
	"target_impact" integer NOT NULL,
	"controls" text,
	"actions" text,
	"eprr_reference" text,
	"counter_fraud_reference" text,
	"status" text DEFAULT 'open' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "ctlp_records" ADD CONSTRAINT "ctlp_records_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ctlp_records" ADD CONSTRAINT "ctlp_records_signed_off_by_user_id_users_id_fk" FOREIGN KEY ("signed_off_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ctlp_risks" ADD CONSTRAINT "ctlp_risks_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ctlp_risks" ADD CONSTRAINT "ctlp_risks_ctlp_id_ctlp_records_id_fk" FOREIGN KEY ("ctlp_id") REFERENCES "public"."ctlp_records"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ctlp_risks" ADD CONSTRAINT "ctlp_risks_risk_id_risks_id_fk" FOREIGN KEY ("risk_id") REFERENCES "public"."risks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "risk_reviews" ADD CONSTRAINT "risk_reviews_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "risk_reviews" ADD CONSTRAINT "risk_reviews_risk_id_risks_id_fk" FOREIGN KEY ("risk_id") REFERENCES "public"."risks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "risks" ADD CONSTRAINT "risks_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "ctlp_records_org_year_idx" ON "ctlp_records" USING btree ("org_id","year");--> statement-breakpoint
CREATE INDEX "ctlp_risks_org_idx" ON "ctlp_risks" USING btree ("org_id");--> statement-breakpoint
CREATE INDEX "risk_reviews_risk_idx" ON "risk_reviews" USING btree ("risk_id");--> statement-breakpoint
CREATE INDEX "risk_reviews_org_idx" ON "risk_reviews" USING btree ("org_id");--> statement-breakpoint
CREATE INDEX "risks_org_idx" ON "risks" USING btree ("org_id");