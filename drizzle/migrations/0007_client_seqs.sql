CREATE TABLE "client_seqs" (
	"client_id" text PRIMARY KEY NOT NULL,
	"acked_seq" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
-- Hand-edited: carry every client's acknowledged seq over before the column goes.
INSERT INTO "client_seqs" ("client_id", "acked_seq") SELECT "client_id", "acked_seq" FROM "clients";
--> statement-breakpoint
ALTER TABLE "clients" DROP COLUMN "acked_seq";
