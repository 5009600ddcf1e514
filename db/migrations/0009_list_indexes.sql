DROP INDEX "files_owner_created_idx";--> statement-breakpoint
DROP INDEX "files_created_idx";--> statement-breakpoint
DROP INDEX "files_category_idx";--> statement-breakpoint
CREATE INDEX "files_live_owner_created_idx" ON "files" USING btree ("owner_id","created_at","id") WHERE "files"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "files_live_created_idx" ON "files" USING btree ("created_at","id") WHERE "files"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "files_live_owner_name_idx" ON "files" USING btree ("owner_id","filename","id") WHERE "files"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "files_live_name_idx" ON "files" USING btree ("filename","id") WHERE "files"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "files_live_owner_size_idx" ON "files" USING btree ("owner_id","size","id") WHERE "files"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "files_live_size_idx" ON "files" USING btree ("size","id") WHERE "files"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "files_live_owner_updated_idx" ON "files" USING btree ("owner_id","updated_at","id") WHERE "files"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "files_live_updated_idx" ON "files" USING btree ("updated_at","id") WHERE "files"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "files_live_camera_created_idx" ON "files" USING btree ("camera_id","created_at","id") WHERE "files"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "files_live_category_created_idx" ON "files" USING btree ("category","created_at","id") WHERE "files"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "files_filename_trgm_idx" ON "files" USING gin ("filename" gin_trgm_ops) WHERE "files"."deleted_at" is null;