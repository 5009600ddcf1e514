-- Backups: a running set's work list (backup_objects), and read access for the app role to the migrations log (the manifest records the last migration).
CREATE TABLE "backup_objects" (
	"set_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"object_key" text NOT NULL,
	"sha256" text,
	"size" bigint NOT NULL,
	"content_type" text,
	"done" boolean DEFAULT false NOT NULL,
	"copied_in" uuid,
	"bytes_copied" bigint DEFAULT 0 NOT NULL,
	"gone" boolean DEFAULT false NOT NULL,
	CONSTRAINT "backup_objects_set_id_seq_pk" PRIMARY KEY("set_id","seq")
);
--> statement-breakpoint
CREATE INDEX "backup_objects_set_sha_idx" ON "backup_objects" USING btree ("set_id","sha256");--> statement-breakpoint
GRANT USAGE ON SCHEMA drizzle TO framevault_app;--> statement-breakpoint
GRANT SELECT ON drizzle.__drizzle_migrations TO framevault_app;
