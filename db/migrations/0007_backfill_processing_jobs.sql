-- Files still processing when this release arrives get a job row, so the sweep finishes them too.
INSERT INTO "processing_jobs" ("kind", "file_id", "version_id", "status", "queued_at", "updated_at")
SELECT 'process-file', "id", "current_version_id", 'queued', "created_at", "created_at"
FROM "files"
WHERE "status" = 'processing' AND "current_version_id" IS NOT NULL
ON CONFLICT ("kind", "version_id") DO NOTHING;
