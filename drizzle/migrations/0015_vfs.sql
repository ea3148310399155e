CREATE TABLE "vfs_directories" (
	"client_id" text NOT NULL,
	"path" text NOT NULL,
	"listed_at" timestamp with time zone NOT NULL,
	"flow_id" text NOT NULL,
	"total_entries" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "vfs_directories_client_id_path_pk" PRIMARY KEY("client_id","path")
);
--> statement-breakpoint
CREATE TABLE "vfs_downloads" (
	"client_id" text NOT NULL,
	"path" text NOT NULL,
	"flow_id" text NOT NULL,
	"size" bigint NOT NULL,
	"sha256" text NOT NULL,
	"downloaded_at" timestamp with time zone NOT NULL,
	CONSTRAINT "vfs_downloads_client_id_path_pk" PRIMARY KEY("client_id","path")
);
--> statement-breakpoint
CREATE TABLE "vfs_entries" (
	"client_id" text NOT NULL,
	"dir_path" text NOT NULL,
	"name" text NOT NULL,
	"os_path" text NOT NULL,
	"is_dir" boolean NOT NULL,
	"is_link" boolean NOT NULL,
	"size" bigint NOT NULL,
	"mode" text NOT NULL,
	"mtime" timestamp with time zone,
	"atime" timestamp with time zone,
	"ctime" timestamp with time zone,
	"btime" timestamp with time zone,
	"flow_id" text NOT NULL,
	CONSTRAINT "vfs_entries_client_id_dir_path_name_pk" PRIMARY KEY("client_id","dir_path","name")
);
--> statement-breakpoint
ALTER TABLE "vfs_directories" ADD CONSTRAINT "vfs_directories_client_id_clients_client_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("client_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vfs_downloads" ADD CONSTRAINT "vfs_downloads_client_id_clients_client_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("client_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vfs_entries" ADD CONSTRAINT "vfs_entries_client_id_clients_client_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("client_id") ON DELETE cascade ON UPDATE no action;