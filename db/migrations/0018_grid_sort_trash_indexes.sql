-- Indexes for the grid: sort by capture time (upload time when none) and the trash view (status=trashed).
CREATE INDEX "files_live_owner_captured_idx" ON "files" USING btree ("owner_id",coalesce("captured_at", "created_at"),"id") WHERE "files"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "files_live_captured_idx" ON "files" USING btree (coalesce("captured_at", "created_at"),"id") WHERE "files"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "files_trashed_owner_created_idx" ON "files" USING btree ("owner_id","created_at","id") WHERE "files"."deleted_at" is not null;