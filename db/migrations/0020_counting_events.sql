-- Counting events: files (and browser upload reservations) carry the event they document, indexed for the event page.
ALTER TABLE "files" ADD COLUMN "event_id" text;--> statement-breakpoint
ALTER TABLE "upload_sessions" ADD COLUMN "event_id" text;--> statement-breakpoint
CREATE INDEX "files_live_owner_event_captured_idx" ON "files" USING btree ("owner_id","event_id","captured_at","id") WHERE "files"."deleted_at" is null and "files"."event_id" is not null;--> statement-breakpoint
CREATE INDEX "files_live_event_captured_idx" ON "files" USING btree ("event_id","captured_at","id") WHERE "files"."deleted_at" is null and "files"."event_id" is not null;