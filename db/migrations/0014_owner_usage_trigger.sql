-- Keeps owner_usage.bytes_stored equal to the sum of the owner's file sizes: a trigger on files in the same transaction as every change, and a backfill from the existing rows.
LOCK TABLE files IN SHARE ROW EXCLUSIVE MODE;
--> statement-breakpoint
CREATE FUNCTION owner_usage_follow_files() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE owner_usage SET bytes_stored = bytes_stored - OLD.size, updated_at = now() WHERE owner_id = OLD.owner_id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO owner_usage AS u (owner_id, bytes_stored) VALUES (NEW.owner_id, NEW.size)
    ON CONFLICT (owner_id) DO UPDATE SET bytes_stored = u.bytes_stored + EXCLUDED.bytes_stored, updated_at = now();
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER files_owner_usage_insert_delete AFTER INSERT OR DELETE ON files
  FOR EACH ROW EXECUTE FUNCTION owner_usage_follow_files();
--> statement-breakpoint
CREATE TRIGGER files_owner_usage_update AFTER UPDATE OF size, owner_id ON files
  FOR EACH ROW WHEN (OLD.size IS DISTINCT FROM NEW.size OR OLD.owner_id IS DISTINCT FROM NEW.owner_id)
  EXECUTE FUNCTION owner_usage_follow_files();
--> statement-breakpoint
-- Statement-level, so TRUNCATE (which fires no row triggers) cannot leave counters behind.
CREATE FUNCTION owner_usage_clear() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE owner_usage SET bytes_stored = 0, updated_at = now() WHERE bytes_stored <> 0;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER files_owner_usage_truncate AFTER TRUNCATE ON files
  FOR EACH STATEMENT EXECUTE FUNCTION owner_usage_clear();
--> statement-breakpoint
INSERT INTO owner_usage (owner_id, bytes_stored)
SELECT u.id, coalesce((SELECT sum(f.size) FROM files f WHERE f.owner_id = u.id), 0) FROM users u
ON CONFLICT (owner_id) DO UPDATE SET bytes_stored = EXCLUDED.bytes_stored, updated_at = now();
