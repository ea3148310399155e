CREATE TABLE "server_metadata" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL,
	"position" bigint GENERATED ALWAYS AS IDENTITY (sequence name "server_metadata_position_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text DEFAULT '' NOT NULL
);
