-- An owner's usage row is locked for the commit alone: the counter triggers on files fire at commit (deferred), and the quota check locks the row and reads what is in use in one call, made as a transaction's last statement.
DROP TRIGGER files_owner_usage_insert_delete ON files;
--> statement-breakpoint
DROP TRIGGER files_owner_usage_update ON files;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER files_owner_usage_insert_delete AFTER INSERT OR DELETE ON files
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION owner_usage_follow_files();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER files_owner_usage_update AFTER UPDATE OF size, owner_id ON files
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW WHEN (OLD.size IS DISTINCT FROM NEW.size OR OLD.owner_id IS DISTINCT FROM NEW.owner_id)
  EXECUTE FUNCTION owner_usage_follow_files();
--> statement-breakpoint
-- Locks the owner's usage row (making it for a first upload) until the transaction ends and returns the bytes
-- stored plus those reserved by unexpired pending upload sessions. The sum is a statement after the lock, so
-- its snapshot (READ COMMITTED takes one per statement) sees everything the previous holder committed.
CREATE FUNCTION owner_bytes_in_use_locked(p_owner uuid) RETURNS bigint LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  stored bigint;
BEGIN
  SELECT bytes_stored INTO stored FROM owner_usage WHERE owner_id = p_owner FOR UPDATE;
  IF NOT FOUND THEN
    INSERT INTO owner_usage (owner_id) VALUES (p_owner) ON CONFLICT (owner_id) DO NOTHING;
    SELECT bytes_stored INTO stored FROM owner_usage WHERE owner_id = p_owner FOR UPDATE;
  END IF;
  RETURN stored + coalesce((
    SELECT sum(size) FROM upload_sessions
    WHERE owner_id = p_owner AND status = 'pending' AND expires_at > now()
  ), 0);
END $$;
