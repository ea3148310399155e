CREATE TABLE "client_labels" (
	"client_id" text NOT NULL,
	"label" text NOT NULL,
	"label_lower" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "client_labels_client_id_label_lower_pk" PRIMARY KEY("client_id","label_lower")
);
--> statement-breakpoint
CREATE TABLE "clients" (
	"client_id" text PRIMARY KEY NOT NULL,
	"public_key" text NOT NULL,
	"hostname" text DEFAULT '' NOT NULL,
	"fqdn" text DEFAULT '' NOT NULL,
	"os" text DEFAULT '' NOT NULL,
	"platform" text DEFAULT '' NOT NULL,
	"release" text DEFAULT '' NOT NULL,
	"architecture" text DEFAULT '' NOT NULL,
	"ip_addresses" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"mac_addresses" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"agent_name" text DEFAULT '' NOT NULL,
	"agent_version" text DEFAULT '' NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_ip" text DEFAULT '' NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"info" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"last_interrogate_flow_id" text DEFAULT '' NOT NULL,
	"last_interrogated_at" timestamp with time zone,
	"labels_updated_at" timestamp with time zone,
	"acked_seq" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deployment_tokens" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "deployment_tokens_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"token" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "deployment_tokens_token_unique" UNIQUE("token")
);
--> statement-breakpoint
CREATE TABLE "flow_logs" (
	"flow_id" text NOT NULL,
	"ordinal" bigint NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"level" text NOT NULL,
	"message" text NOT NULL,
	"artifact" text DEFAULT '' NOT NULL,
	CONSTRAINT "flow_logs_flow_id_ordinal_pk" PRIMARY KEY("flow_id","ordinal")
);
--> statement-breakpoint
CREATE TABLE "flow_results" (
	"flow_id" text NOT NULL,
	"artifact" text NOT NULL,
	"ordinal" bigint NOT NULL,
	"row" jsonb NOT NULL,
	CONSTRAINT "flow_results_flow_id_artifact_ordinal_pk" PRIMARY KEY("flow_id","artifact","ordinal")
);
--> statement-breakpoint
CREATE TABLE "flow_sources" (
	"flow_id" text NOT NULL,
	"artifact" text NOT NULL,
	"columns" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"total_rows" bigint DEFAULT 0 NOT NULL,
	"state" text DEFAULT 'running' NOT NULL,
	"error" text DEFAULT '' NOT NULL,
	"truncated" boolean DEFAULT false NOT NULL,
	"duration_ms" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "flow_sources_flow_id_artifact_pk" PRIMARY KEY("flow_id","artifact")
);
--> statement-breakpoint
CREATE TABLE "flow_uploads" (
	"flow_id" text NOT NULL,
	"upload_id" text NOT NULL,
	"name" text NOT NULL,
	"size" bigint NOT NULL,
	"sha256" text NOT NULL,
	"stored_path" text NOT NULL,
	"artifact" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "flow_uploads_flow_id_upload_id_pk" PRIMARY KEY("flow_id","upload_id")
);
--> statement-breakpoint
CREATE TABLE "flows" (
	"flow_id" text PRIMARY KEY NOT NULL,
	"client_id" text NOT NULL,
	"creator" text NOT NULL,
	"request" jsonb NOT NULL,
	"state" text NOT NULL,
	"status" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"active_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"total_rows" bigint DEFAULT 0 NOT NULL,
	"total_logs" bigint DEFAULT 0 NOT NULL,
	"total_uploaded_files" integer DEFAULT 0 NOT NULL,
	"total_uploaded_bytes" bigint DEFAULT 0 NOT NULL,
	"artifacts_with_results" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"cancel_requested" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"queue" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"client_id" text DEFAULT 'server' NOT NULL,
	"payload" jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "client_labels" ADD CONSTRAINT "client_labels_client_id_clients_client_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("client_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flow_sources" ADD CONSTRAINT "flow_sources_flow_id_flows_flow_id_fk" FOREIGN KEY ("flow_id") REFERENCES "public"."flows"("flow_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flows" ADD CONSTRAINT "flows_client_id_clients_client_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("client_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "client_labels_label_idx" ON "client_labels" USING btree ("label_lower");--> statement-breakpoint
CREATE INDEX "clients_hostname_idx" ON "clients" USING btree (lower("hostname") text_pattern_ops);--> statement-breakpoint
CREATE INDEX "clients_last_seen_idx" ON "clients" USING btree ("last_seen_at");--> statement-breakpoint
CREATE INDEX "flows_client_idx" ON "flows" USING btree ("client_id","created_at");--> statement-breakpoint
CREATE INDEX "flows_state_idx" ON "flows" USING btree ("state");--> statement-breakpoint
CREATE INDEX "events_queue_at_idx" ON "events" USING btree ("queue","at");