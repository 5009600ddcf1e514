-- Reconciliation (issue 9, L5): versions whose object is missing from the bucket are marked; byte-order (C) indexes on object keys for its range reads against the bucket listing.
ALTER TABLE "file_versions" ADD COLUMN "object_missing_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "file_versions_object_key_c_idx" ON "file_versions" USING btree ("object_key" collate "C");--> statement-breakpoint
CREATE INDEX "blobs_object_key_c_idx" ON "blobs" USING btree ("object_key" collate "C");--> statement-breakpoint
CREATE INDEX "file_variants_object_key_c_idx" ON "file_variants" USING btree ("object_key" collate "C");