CREATE TABLE "hunt_clients" (
	"hunt_id" text NOT NULL,
	"client_id" text NOT NULL,
	"state" text NOT NULL,
	"condition_flow_id" text,
	"flow_id" text,
	"scheduled_at" timestamp with time zone NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"total_rows" bigint DEFAULT 0 NOT NULL,
	"total_uploaded_bytes" bigint DEFAULT 0 NOT NULL,
	"error" text DEFAULT '' NOT NULL,
	CONSTRAINT "hunt_clients_hunt_id_client_id_pk" PRIMARY KEY("hunt_id","client_id")
);
--> statement-breakpoint
CREATE TABLE "hunts" (
	"hunt_id" text PRIMARY KEY NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"tags" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"creator" text NOT NULL,
	"state" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"started_at" timestamp with time zone,
	"stopped_at" timestamp with time zone,
	"expires_at" timestamp with time zone NOT NULL,
	"client_limit" integer DEFAULT 0 NOT NULL,
	"include_labels" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"exclude_labels" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"os" text DEFAULT 'ALL' NOT NULL,
	"client_condition" text DEFAULT '' NOT NULL,
	"condition_request" jsonb,
	"server_condition" text DEFAULT '' NOT NULL,
	"client_rate" integer DEFAULT 0 NOT NULL,
	"request" jsonb NOT NULL,
	"artifacts" jsonb NOT NULL,
	"scanned_for" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "hunt_clients" ADD CONSTRAINT "hunt_clients_hunt_id_hunts_hunt_id_fk" FOREIGN KEY ("hunt_id") REFERENCES "public"."hunts"("hunt_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "hunt_clients_state_idx" ON "hunt_clients" USING btree ("hunt_id","state","scheduled_at");--> statement-breakpoint
CREATE INDEX "hunt_clients_flow_idx" ON "hunt_clients" USING btree ("flow_id");--> statement-breakpoint
CREATE INDEX "hunt_clients_condition_flow_idx" ON "hunt_clients" USING btree ("condition_flow_id");--> statement-breakpoint
CREATE INDEX "hunts_state_idx" ON "hunts" USING btree ("state");--> statement-breakpoint
CREATE INDEX "hunts_created_idx" ON "hunts" USING btree ("created_at");