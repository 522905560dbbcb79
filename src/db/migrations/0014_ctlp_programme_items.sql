CREATE TABLE "ctlp_programme_items" (
	"org_id" uuid NOT NULL,
	"ctlp_id" uuid NOT NULL,
	"item_id" uuid NOT NULL,
	CONSTRAINT "ctlp_programme_items_ctlp_id_item_id_pk" PRIMARY KEY("ctlp_id","item_id")
);
--> statement-breakpoint
ALTER TABLE "ctlp_programme_items" ADD CONSTRAINT "ctlp_programme_items_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ctlp_programme_items" ADD CONSTRAINT "ctlp_programme_items_ctlp_id_ctlp_records_id_fk" FOREIGN KEY ("ctlp_id") REFERENCES "public"."ctlp_records"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ctlp_programme_items" ADD CONSTRAINT "ctlp_programme_items_item_id_work_programme_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."work_programme_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ctlp_programme_items_org_idx" ON "ctlp_programme_items" USING btree ("org_id");--> statement-breakpoint
-- As ctlp_risks (0011): the organisation's own; its commissioner reads them.
ALTER TABLE ctlp_programme_items ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY ctlp_programme_items_read ON ctlp_programme_items FOR SELECT
  USING (org_id = ANY ((SELECT app_org_ids())::uuid[]) OR org_id = ANY ((SELECT app_commissioned_org_ids())::uuid[]));
--> statement-breakpoint
CREATE POLICY ctlp_programme_items_write ON ctlp_programme_items FOR INSERT WITH CHECK (org_id = ANY ((SELECT app_org_ids())::uuid[]));
--> statement-breakpoint
CREATE POLICY ctlp_programme_items_remove ON ctlp_programme_items FOR DELETE USING (org_id = ANY ((SELECT app_org_ids())::uuid[]));
