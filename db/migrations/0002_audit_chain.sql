-- Tamper-evident, append-only audit log.
-- Every row's hash covers the previous row's hash and its own content; the chain order (seq) is
-- assigned under a lock at insert time because identity ids can commit out of order.
CREATE OR REPLACE FUNCTION audit_event_digest(prev text, e audit_events) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT encode(sha256(convert_to(concat_ws(E'\x1f',
    coalesce(prev, ''), e.seq::text, e.id::text,
    to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    e.actor_type, coalesce(e.actor_id, ''), e.action, coalesce(e.file_id::text, ''), e.outcome,
    coalesce(e.ip, ''), coalesce(e.user_agent, ''), e.details::text), 'UTF8')), 'hex')
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION audit_events_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  last_seq bigint;
  last_hash text;
BEGIN
  -- One writer at a time extends the chain; held until the inserting transaction ends.
  PERFORM pg_advisory_xact_lock(728394091);
  SELECT seq, hash INTO last_seq, last_hash FROM audit_events ORDER BY seq DESC NULLS LAST LIMIT 1;
  NEW.seq := coalesce(last_seq, 0) + 1;
  NEW.prev_hash := last_hash;
  NEW.hash := audit_event_digest(last_hash, NEW);
  RETURN NEW;
END $$;
--> statement-breakpoint
-- Rows written before the chain existed are chained in id order.
DO $$
DECLARE
  r audit_events;
  prev text := NULL;
  n bigint := 0;
BEGIN
  FOR r IN SELECT * FROM audit_events ORDER BY id LOOP
    n := n + 1;
    r.seq := n;
    UPDATE audit_events SET seq = n, prev_hash = prev, hash = audit_event_digest(prev, r) WHERE id = r.id;
    prev := audit_event_digest(prev, r);
  END LOOP;
END $$;
--> statement-breakpoint
ALTER TABLE audit_events ALTER COLUMN seq SET NOT NULL;
--> statement-breakpoint
CREATE TRIGGER audit_events_chain BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_chain();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION audit_events_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
--> statement-breakpoint
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change();
