-- Versions (M4): each version keeps its own processing status, media facts, restore origin and uploading key; an upload session may be a new version of a file. Existing versions take their file's status.
ALTER TABLE "file_versions" ADD COLUMN "status" "file_status" DEFAULT 'processing' NOT NULL;--> statement-breakpoint
ALTER TABLE "file_versions" ADD COLUMN "status_reason" text;--> statement-breakpoint
ALTER TABLE "file_versions" ADD COLUMN "media_info" jsonb;--> statement-breakpoint
ALTER TABLE "file_versions" ADD COLUMN "restored_from" integer;--> statement-breakpoint
ALTER TABLE "file_versions" ADD COLUMN "created_by_key_id" uuid;--> statement-breakpoint
ALTER TABLE "upload_sessions" ADD COLUMN "new_version" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "file_versions" ADD CONSTRAINT "file_versions_created_by_key_id_api_keys_id_fk" FOREIGN KEY ("created_by_key_id") REFERENCES "public"."api_keys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
UPDATE "file_versions" v SET "status" = CASE WHEN v."id" = f."current_version_id" THEN f."status" ELSE 'ready' END,
  "status_reason" = CASE WHEN v."id" = f."current_version_id" THEN f."status_reason" END,
  "media_info" = CASE WHEN v."id" = f."current_version_id" THEN f."media_info" END
FROM "files" f WHERE f."id" = v."file_id";
