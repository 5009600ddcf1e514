-- Quota counts every stored version: owner_usage.bytes_stored follows file_versions (each uploaded version's size; a restore, which writes no bytes, counts nothing) instead of files.size, recomputed from the rows. A new version is counted at commit (a deferred trigger, as 0017 did for files), so the owner's row is locked for the commit alone; deletes and changes are counted at once (a purge deletes the file row in the same transaction, and a deferred trigger would no longer find its owner).
LOCK TABLE files, file_versions IN SHARE ROW EXCLUSIVE MODE;
--> statement-breakpoint
DROP TRIGGER files_owner_usage_insert_delete ON files;
--> statement-breakpoint
DROP TRIGGER files_owner_usage_update ON files;
--> statement-breakpoint
DROP FUNCTION owner_usage_follow_files();
--> statement-breakpoint
CREATE FUNCTION owner_usage_add(owner uuid, delta bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF owner IS NULL OR delta = 0 THEN RETURN; END IF;
  INSERT INTO owner_usage AS u (owner_id, bytes_stored) VALUES (owner, delta)
  ON CONFLICT (owner_id) DO UPDATE SET bytes_stored = u.bytes_stored + EXCLUDED.bytes_stored, updated_at = now();
END $$;
--> statement-breakpoint
CREATE FUNCTION owner_usage_follow_versions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.restored_from IS NULL THEN
    PERFORM owner_usage_add((SELECT owner_id FROM files WHERE id = OLD.file_id), -OLD.size);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.restored_from IS NULL THEN
    PERFORM owner_usage_add((SELECT owner_id FROM files WHERE id = NEW.file_id), NEW.size);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER file_versions_owner_usage_insert AFTER INSERT ON file_versions
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION owner_usage_follow_versions();
--> statement-breakpoint
CREATE TRIGGER file_versions_owner_usage_delete AFTER DELETE ON file_versions
  FOR EACH ROW EXECUTE FUNCTION owner_usage_follow_versions();
--> statement-breakpoint
CREATE TRIGGER file_versions_owner_usage_update AFTER UPDATE OF size, file_id, restored_from ON file_versions
  FOR EACH ROW WHEN (OLD.size IS DISTINCT FROM NEW.size OR OLD.file_id IS DISTINCT FROM NEW.file_id OR OLD.restored_from IS DISTINCT FROM NEW.restored_from)
  EXECUTE FUNCTION owner_usage_follow_versions();
--> statement-breakpoint
-- A file that changes owner takes its versions' bytes along.
CREATE FUNCTION owner_usage_follow_file_owner() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE moved bigint;
BEGIN
  SELECT coalesce(sum(size), 0) INTO moved FROM file_versions WHERE file_id = NEW.id AND restored_from IS NULL;
  PERFORM owner_usage_add(OLD.owner_id, -moved);
  PERFORM owner_usage_add(NEW.owner_id, moved);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER files_owner_usage_owner AFTER UPDATE OF owner_id ON files
  FOR EACH ROW WHEN (OLD.owner_id IS DISTINCT FROM NEW.owner_id)
  EXECUTE FUNCTION owner_usage_follow_file_owner();
--> statement-breakpoint
CREATE TRIGGER file_versions_owner_usage_truncate AFTER TRUNCATE ON file_versions
  FOR EACH STATEMENT EXECUTE FUNCTION owner_usage_clear();
--> statement-breakpoint
UPDATE owner_usage u SET bytes_stored = coalesce((
  SELECT sum(v.size) FROM file_versions v JOIN files f ON f.id = v.file_id WHERE f.owner_id = u.owner_id AND v.restored_from IS NULL
), 0), updated_at = now();
