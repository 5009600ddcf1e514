-- Audit log list: outcome filter served newest-first by an index ending in the id, like the other filters.
CREATE INDEX "audit_events_outcome_idx" ON "audit_events" USING btree ("outcome","id");
