CREATE TABLE "flow_upload_parts" (
	"flow_id" text NOT NULL,
	"upload_id" text NOT NULL,
	"offset" bigint NOT NULL,
	"data" "bytea" NOT NULL,
	CONSTRAINT "flow_upload_parts_flow_id_upload_id_offset_pk" PRIMARY KEY("flow_id","upload_id","offset")
);
--> statement-breakpoint
CREATE TABLE "agent_presence" (
	"client_id" text PRIMARY KEY NOT NULL,
	"node_id" text NOT NULL,
	"connected_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cluster_nodes" (
	"node_id" text PRIMARY KEY NOT NULL,
	"slot" integer NOT NULL,
	"backend_pid" integer NOT NULL,
	"url" text DEFAULT '' NOT NULL,
	"hostname" text DEFAULT '' NOT NULL,
	"pid" integer DEFAULT 0 NOT NULL,
	"version" text DEFAULT '' NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"heartbeat_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cluster_relay" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "cluster_relay_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "journal_consumers" (
	"name" text PRIMARY KEY NOT NULL,
	"queue" text NOT NULL,
	"tx" "xid8" DEFAULT '0'::xid8 NOT NULL,
	"event_id" bigint DEFAULT 0 NOT NULL,
	"handled" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "login_failures" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "login_failures_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"key" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
-- The journal's events table, partitioned: LIST by retention class (keep_days), then RANGE by
-- UTC day, so retention drops whole day partitions. Day partitions are created ahead of time by
-- the journal (drizzle/queries/journal.ts); a DEFAULT partition per class catches anything
-- else. Position in the journal is (tx, id): tx is the writing transaction's id, see
-- docs/journal.md for why ids alone would let a reader skip a late commit. Two indexes only:
-- (queue, tx, id) for readers and newest-first history, (queue, client_id, at) for a client's
-- history by time; each index costs every append.
ALTER TABLE "events" RENAME TO "events_before_journal";--> statement-breakpoint
ALTER INDEX "events_queue_at_idx" RENAME TO "events_before_journal_queue_at_idx";--> statement-breakpoint
CREATE SEQUENCE "events_journal_id_seq";--> statement-breakpoint
SELECT setval('events_journal_id_seq', coalesce((SELECT max("id") FROM "events_before_journal"), 0) + 1, false);--> statement-breakpoint
CREATE TABLE "events" (
	"id" bigint DEFAULT nextval('events_journal_id_seq') NOT NULL,
	"tx" xid8 DEFAULT pg_current_xact_id() NOT NULL,
	"keep_days" integer DEFAULT 30 NOT NULL,
	"queue" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"client_id" text DEFAULT 'server' NOT NULL,
	"payload" jsonb NOT NULL
) PARTITION BY LIST ("keep_days");--> statement-breakpoint
CREATE INDEX "events_queue_pos_idx" ON "events" USING btree ("queue", "tx", "id");--> statement-breakpoint
CREATE INDEX "events_queue_client_at_idx" ON "events" USING btree ("queue", "client_id", "at");--> statement-breakpoint
CREATE TABLE "events_r30" PARTITION OF "events" FOR VALUES IN (30) PARTITION BY RANGE ("at");--> statement-breakpoint
CREATE TABLE "events_r30_default" PARTITION OF "events_r30" DEFAULT;--> statement-breakpoint
CREATE TABLE "events_rother" PARTITION OF "events" DEFAULT;--> statement-breakpoint
INSERT INTO "events" ("id", "keep_days", "queue", "at", "client_id", "payload") SELECT "id", 30, "queue", "at", "client_id", "payload" FROM "events_before_journal" ORDER BY "id";--> statement-breakpoint
DROP TABLE "events_before_journal";--> statement-breakpoint
ALTER TABLE "notebook_cell_versions" ADD COLUMN "run_owner" text;--> statement-breakpoint
CREATE INDEX "agent_presence_node_idx" ON "agent_presence" USING btree ("node_id");--> statement-breakpoint
CREATE INDEX "login_failures_key_at_idx" ON "login_failures" USING btree ("key","at");