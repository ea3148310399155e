CREATE TABLE "event_logs" (
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "event_logs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"at" timestamp with time zone NOT NULL,
	"client_id" text NOT NULL,
	"artifact" text NOT NULL,
	"level" text NOT NULL,
	"message" text NOT NULL,
	CONSTRAINT "event_logs_id_pk" PRIMARY KEY("id")
);
--> statement-breakpoint
CREATE TABLE "event_tables" (
	"kind" text PRIMARY KEY NOT NULL,
	"spec" jsonb NOT NULL,
	"version" bigint NOT NULL,
	"updated_by" text DEFAULT '' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "server_event_status" (
	"name" text PRIMARY KEY NOT NULL,
	"artifact" text NOT NULL,
	"state" text NOT NULL,
	"error" text DEFAULT '' NOT NULL,
	"node_id" text DEFAULT '' NOT NULL,
	"started_at" timestamp with time zone,
	"last_row_at" timestamp with time zone,
	"rows" bigint DEFAULT 0 NOT NULL,
	"restarts" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "event_logs_artifact_idx" ON "event_logs" USING btree ("artifact","client_id","at");