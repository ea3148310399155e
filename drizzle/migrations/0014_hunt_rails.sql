ALTER TABLE "hunts" ADD COLUMN "max_error_percent" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "hunts" ADD COLUMN "max_total_rows" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "hunts" ADD COLUMN "max_total_upload_bytes" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "hunts" ADD COLUMN "stop_reason" text DEFAULT '' NOT NULL;