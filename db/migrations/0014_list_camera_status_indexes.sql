-- File lists: owner+camera filter and the status filter (files not ready) each get an index ending in created_at, id.
CREATE INDEX "files_live_owner_camera_created_idx" ON "files" USING btree ("owner_id","camera_id","created_at","id") WHERE "files"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "files_live_unready_idx" ON "files" USING btree ("owner_id","status","created_at","id") WHERE "files"."deleted_at" is null and "files"."status" <> 'ready';
