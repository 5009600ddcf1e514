-- Audit rows remember the request that made them (X-Request-Id, also on its log lines); covered by the hash chain when set.
ALTER TABLE "audit_events" ADD COLUMN "request_id" text;
