CREATE TABLE "notebook_supertimelines" (
	"notebook_id" text NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notebook_supertimelines_notebook_id_name_pk" PRIMARY KEY("notebook_id","name")
);
--> statement-breakpoint
CREATE TABLE "notebook_timelines" (
	"notebook_id" text NOT NULL,
	"supertimeline" text NOT NULL,
	"id" text NOT NULL,
	"position" integer NOT NULL,
	"generation" text NOT NULL,
	"timestamp_column" text DEFAULT '' NOT NULL,
	"message_column" text DEFAULT '' NOT NULL,
	"timestamp_description_column" text DEFAULT '' NOT NULL,
	"start_time" bigint DEFAULT 0 NOT NULL,
	"end_time" bigint DEFAULT 0 NOT NULL,
	"row_count" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "notebook_timelines_notebook_id_supertimeline_id_pk" PRIMARY KEY("notebook_id","supertimeline","id")
);
--> statement-breakpoint
CREATE TABLE "notebook_timeline_rows" (
	"generation" text NOT NULL,
	"notebook_id" text NOT NULL,
	"ord" integer NOT NULL,
	"ts" bigint NOT NULL,
	"data" json NOT NULL,
	CONSTRAINT "notebook_timeline_rows_generation_ord_pk" PRIMARY KEY("generation","ord")
);
--> statement-breakpoint
ALTER TABLE "notebook_supertimelines" ADD CONSTRAINT "notebook_supertimelines_notebook_id_notebooks_id_fk" FOREIGN KEY ("notebook_id") REFERENCES "public"."notebooks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notebook_timelines" ADD CONSTRAINT "notebook_timelines_supertimeline_fk" FOREIGN KEY ("notebook_id","supertimeline") REFERENCES "public"."notebook_supertimelines"("notebook_id","name") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notebook_timeline_rows" ADD CONSTRAINT "notebook_timeline_rows_notebook_id_notebooks_id_fk" FOREIGN KEY ("notebook_id") REFERENCES "public"."notebooks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "notebook_timeline_rows_generation_ts_idx" ON "notebook_timeline_rows" USING btree ("generation","ts","ord");
