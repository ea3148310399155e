CREATE TABLE "server_host_clients" (
	"client_id" text PRIMARY KEY NOT NULL,
	"node_id" text DEFAULT '' NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "clients" ADD COLUMN "key_state" text DEFAULT 'active' NOT NULL;--> statement-breakpoint
ALTER TABLE "clients" ADD COLUMN "key_changed_at" timestamp with time zone;