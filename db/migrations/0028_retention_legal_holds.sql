-- Retention rules and legal holds (issue 9, L4): the tables, and files.legal_hold kept in step with the active holds.
CREATE TYPE "public"."legal_hold_scope" AS ENUM('file', 'camera', 'event');--> statement-breakpoint
CREATE TYPE "public"."retention_action" AS ENUM('delete', 'archive');--> statement-breakpoint
CREATE TYPE "public"."retention_scope" AS ENUM('camera', 'site', 'category');--> statement-breakpoint
CREATE TABLE "legal_holds" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"scope" "legal_hold_scope" NOT NULL,
	"file_id" uuid,
	"camera_id" text,
	"event_id" text,
	"reason" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"released_by" text,
	"released_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "retention_rules" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"scope" "retention_scope" NOT NULL,
	"scope_value" text NOT NULL,
	"keep_days" integer NOT NULL,
	"action" "retention_action" NOT NULL,
	"destination" "archive_class",
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "legal_holds_active_file_idx" ON "legal_holds" USING btree ("file_id") WHERE "legal_holds"."released_at" is null;--> statement-breakpoint
CREATE INDEX "legal_holds_active_camera_idx" ON "legal_holds" USING btree ("camera_id") WHERE "legal_holds"."released_at" is null;--> statement-breakpoint
CREATE INDEX "legal_holds_active_event_idx" ON "legal_holds" USING btree ("event_id") WHERE "legal_holds"."released_at" is null;--> statement-breakpoint
CREATE INDEX "legal_holds_created_idx" ON "legal_holds" USING btree ("created_at");--> statement-breakpoint
ALTER TABLE "legal_holds" ADD CONSTRAINT "legal_holds_scope_target" CHECK (
  ("scope" = 'file' AND "file_id" IS NOT NULL AND "camera_id" IS NULL AND "event_id" IS NULL)
  OR ("scope" = 'camera' AND "camera_id" IS NOT NULL AND "file_id" IS NULL AND "event_id" IS NULL)
  OR ("scope" = 'event' AND "event_id" IS NOT NULL AND "file_id" IS NULL AND "camera_id" IS NULL));--> statement-breakpoint
ALTER TABLE "retention_rules" ADD CONSTRAINT "retention_rules_destination" CHECK (("action" = 'archive') = ("destination" IS NOT NULL));--> statement-breakpoint
-- Whether an active hold covers a file (directly, through its camera or its counting event).
CREATE FUNCTION file_under_legal_hold(p_file_id uuid, p_camera_id text, p_event_id text) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT EXISTS (
    SELECT 1 FROM legal_holds h
    WHERE h.released_at IS NULL
      AND (h.file_id = p_file_id OR (p_camera_id IS NOT NULL AND h.camera_id = p_camera_id) OR (p_event_id IS NOT NULL AND h.event_id = p_event_id)))
$$;--> statement-breakpoint
-- A file recorded for a held camera or event, or moved to one, is held from that moment on.
CREATE FUNCTION files_sync_legal_hold() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    NEW.legal_hold := NEW.legal_hold OR file_under_legal_hold(NEW.id, NEW.camera_id, NEW.event_id);
  ELSE
    NEW.legal_hold := file_under_legal_hold(NEW.id, NEW.camera_id, NEW.event_id);
  END IF;
  RETURN NEW;
END
$$;--> statement-breakpoint
CREATE TRIGGER files_sync_legal_hold BEFORE INSERT OR UPDATE OF camera_id, event_id ON files
  FOR EACH ROW EXECUTE FUNCTION files_sync_legal_hold();
