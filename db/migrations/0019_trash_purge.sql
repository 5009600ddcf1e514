-- Trash purge: the object_deletions queue, indexes for the trash list and the daily purge, and for the purge's deletes and foreign-key checks (jobs, sessions, object keys, unreferenced blobs).
CREATE TABLE "object_deletions" (
	"object_key" text PRIMARY KEY NOT NULL,
	"reason" text NOT NULL,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "file_versions_object_key_idx" ON "file_versions" USING btree ("object_key");--> statement-breakpoint
CREATE INDEX "files_trash_owner_deleted_idx" ON "files" USING btree ("owner_id","deleted_at","id") WHERE "files"."deleted_at" is not null;--> statement-breakpoint
CREATE INDEX "files_trash_deleted_idx" ON "files" USING btree ("deleted_at","id") WHERE "files"."deleted_at" is not null;--> statement-breakpoint
CREATE INDEX "files_trash_purge_idx" ON "files" USING btree ("purge_after","id") WHERE "files"."deleted_at" is not null;--> statement-breakpoint
CREATE INDEX "upload_sessions_file_idx" ON "upload_sessions" USING btree ("file_id");--> statement-breakpoint
CREATE INDEX "blobs_unreferenced_idx" ON "blobs" USING btree ("updated_at") WHERE "blobs"."ref_count" = 0;--> statement-breakpoint
CREATE INDEX "file_variants_object_key_idx" ON "file_variants" USING btree ("object_key");--> statement-breakpoint
CREATE INDEX "processing_jobs_file_idx" ON "processing_jobs" USING btree ("file_id");--> statement-breakpoint
CREATE INDEX "processing_jobs_version_idx" ON "processing_jobs" USING btree ("version_id");