-- List indexes: owner+camera filter and files not yet ready (ending in created_at, id); audit log outcome filter (ending in id).
CREATE INDEX "files_live_owner_camera_created_idx" ON "files" USING btree ("owner_id","camera_id","created_at","id") WHERE "files"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "files_live_unready_idx" ON "files" USING btree ("owner_id","status","created_at","id") WHERE "files"."deleted_at" is null and "files"."status" <> 'ready';--> statement-breakpoint
CREATE INDEX "audit_events_outcome_idx" ON "audit_events" USING btree ("outcome","id");