-- Audit chain without a global lock: drop the in-database SHA-256 chain (trigger, lock, seq/hash columns) for the keyed audit_chain the sealer extends.
-- Before the old chain goes, its verdict over the existing rows is itself recorded as an audit event, which the new chain then seals.
DO $$
DECLARE
  n bigint;
  broken bigint;
  head text;
BEGIN
  SELECT count(*) INTO n FROM audit_events;
  IF n > 0 THEN
    WITH chain AS (
      SELECT id, seq, hash, prev_hash,
             lag(hash) OVER (ORDER BY seq) AS real_prev,
             audit_event_digest(lag(hash) OVER (ORDER BY seq), e) AS expected
      FROM audit_events e
    )
    SELECT id INTO broken FROM chain
     WHERE hash IS DISTINCT FROM expected OR prev_hash IS DISTINCT FROM real_prev
     ORDER BY seq LIMIT 1;
    SELECT hash INTO head FROM audit_events ORDER BY seq DESC LIMIT 1;
    INSERT INTO audit_events (actor_type, actor_id, action, outcome, details)
    VALUES ('system', 'system:migration', 'audit.legacy_chain_checked',
            CASE WHEN broken IS NULL THEN 'success' ELSE 'failure' END,
            jsonb_build_object('rows', n, 'valid', broken IS NULL, 'firstBrokenId', broken, 'headHash', head));
  END IF;
END $$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS audit_events_chain ON audit_events;
--> statement-breakpoint
DROP FUNCTION IF EXISTS audit_events_chain();
--> statement-breakpoint
DROP FUNCTION IF EXISTS audit_event_digest(text, audit_events);
--> statement-breakpoint
CREATE TABLE "audit_chain" (
	"seq" bigint PRIMARY KEY NOT NULL,
	"event_id" bigint NOT NULL,
	"hash" text NOT NULL,
	"sealed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "audit_chain_event_id_key" UNIQUE("event_id")
);
--> statement-breakpoint
DROP INDEX "audit_events_seq_key";--> statement-breakpoint
ALTER TABLE "audit_events" DROP COLUMN "seq";--> statement-breakpoint
ALTER TABLE "audit_events" DROP COLUMN "prev_hash";--> statement-breakpoint
ALTER TABLE "audit_events" DROP COLUMN "hash";
--> statement-breakpoint
CREATE OR REPLACE FUNCTION audit_events_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$;
--> statement-breakpoint
CREATE TRIGGER audit_chain_append_only BEFORE UPDATE OR DELETE ON audit_chain FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change();
