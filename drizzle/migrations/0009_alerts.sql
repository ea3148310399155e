CREATE TABLE "alert_activity" (
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "alert_activity_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"alert_id" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"kind" text NOT NULL,
	"from_value" text,
	"to_value" text,
	"text" text DEFAULT '' NOT NULL,
	CONSTRAINT "alert_activity_id_pk" PRIMARY KEY("id")
);
--> statement-breakpoint
CREATE TABLE "alert_occurrences" (
	"event_id" bigint NOT NULL,
	"alert_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"severity" text NOT NULL,
	"event_data" jsonb NOT NULL,
	"flow_id" text DEFAULT '' NOT NULL,
	"raised_by" text DEFAULT '' NOT NULL,
	CONSTRAINT "alert_occurrences_event_id_pk" PRIMARY KEY("event_id")
);
--> statement-breakpoint
CREATE TABLE "alerts" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"client_id" text NOT NULL,
	"artifact" text NOT NULL,
	"artifact_type" text NOT NULL,
	"severity" text NOT NULL,
	"severity_rank" integer NOT NULL,
	"status" text DEFAULT 'new' NOT NULL,
	"assignee" text,
	"count" bigint DEFAULT 0 NOT NULL,
	"first_seen" timestamp with time zone NOT NULL,
	"last_seen" timestamp with time zone NOT NULL,
	"last_event_data" jsonb NOT NULL,
	"last_flow_id" text DEFAULT '' NOT NULL,
	"raised_by" text DEFAULT '' NOT NULL,
	"notebook_id" text DEFAULT '' NOT NULL,
	"cell_id" text DEFAULT '' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "alert_activity_alert_idx" ON "alert_activity" USING btree ("alert_id","id");--> statement-breakpoint
CREATE INDEX "alert_occurrences_alert_idx" ON "alert_occurrences" USING btree ("alert_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_group_idx" ON "alerts" USING btree ("name","client_id","artifact");--> statement-breakpoint
CREATE INDEX "alerts_last_seen_idx" ON "alerts" USING btree ("last_seen");--> statement-breakpoint
CREATE INDEX "alerts_status_idx" ON "alerts" USING btree ("status","last_seen");