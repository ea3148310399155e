CREATE TABLE "notebook_cell_versions" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "notebook_cell_versions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"cell_id" text NOT NULL,
	"seq" integer NOT NULL,
	"type" text NOT NULL,
	"input" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"status" text DEFAULT 'edited' NOT NULL,
	"run_by" text,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"duration_ms" integer,
	"output" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"logs" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"log_count" integer DEFAULT 0 NOT NULL,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "notebook_cells" (
	"id" text PRIMARY KEY NOT NULL,
	"notebook_id" text NOT NULL,
	"current_version" integer DEFAULT 1 NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"modified_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notebook_collab" (
	"notebook_id" text PRIMARY KEY NOT NULL,
	"state" "bytea" NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notebook_rows" (
	"table_id" bigint NOT NULL,
	"ord" integer NOT NULL,
	"data" json NOT NULL,
	CONSTRAINT "notebook_rows_table_id_ord_pk" PRIMARY KEY("table_id","ord")
);
--> statement-breakpoint
CREATE TABLE "notebook_tables" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "notebook_tables_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"version_id" bigint NOT NULL,
	"idx" integer NOT NULL,
	"columns" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"row_count" integer DEFAULT 0 NOT NULL,
	"truncated" boolean DEFAULT false NOT NULL,
	"complete" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notebooks" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"creator" text NOT NULL,
	"collaborators" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"is_public" boolean DEFAULT false NOT NULL,
	"env" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"parameters" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"cell_order" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"modified_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "notebook_cell_versions" ADD CONSTRAINT "notebook_cell_versions_cell_id_notebook_cells_id_fk" FOREIGN KEY ("cell_id") REFERENCES "public"."notebook_cells"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notebook_cells" ADD CONSTRAINT "notebook_cells_notebook_id_notebooks_id_fk" FOREIGN KEY ("notebook_id") REFERENCES "public"."notebooks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notebook_collab" ADD CONSTRAINT "notebook_collab_notebook_id_notebooks_id_fk" FOREIGN KEY ("notebook_id") REFERENCES "public"."notebooks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notebook_tables" ADD CONSTRAINT "notebook_tables_version_id_notebook_cell_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."notebook_cell_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "notebook_cell_versions_cell_seq_idx" ON "notebook_cell_versions" USING btree ("cell_id","seq");--> statement-breakpoint
CREATE INDEX "notebook_cell_versions_status_idx" ON "notebook_cell_versions" USING btree ("status");--> statement-breakpoint
CREATE INDEX "notebook_cells_notebook_idx" ON "notebook_cells" USING btree ("notebook_id");--> statement-breakpoint
CREATE UNIQUE INDEX "notebook_tables_version_idx" ON "notebook_tables" USING btree ("version_id","idx");--> statement-breakpoint
CREATE INDEX "notebooks_modified_idx" ON "notebooks" USING btree ("modified_at");--> statement-breakpoint
CREATE INDEX "notebooks_creator_idx" ON "notebooks" USING btree ("creator");