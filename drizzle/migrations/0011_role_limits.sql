CREATE TABLE "role_limits" (
	"role" text PRIMARY KEY NOT NULL,
	"max_timeout_seconds" integer NOT NULL,
	"max_rows" integer NOT NULL,
	"max_concurrent" integer NOT NULL,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "run_slots" (
	"id" text PRIMARY KEY NOT NULL,
	"username" text NOT NULL,
	"node_id" text NOT NULL,
	"kind" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "run_slots_username_idx" ON "run_slots" USING btree ("username");