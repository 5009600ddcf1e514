-- Archive tiers (issue 9): archive policies seeded with the spec's rules, lifecycle runs, retrievals, and when/why a file was archived.
CREATE TYPE "public"."archive_class" AS ENUM('GLACIER', 'DEEP_ARCHIVE');--> statement-breakpoint
CREATE TYPE "public"."lifecycle_run_kind" AS ENUM('archive', 'retention', 'reconcile');--> statement-breakpoint
CREATE TYPE "public"."lifecycle_run_status" AS ENUM('queued', 'running', 'succeeded', 'failed');--> statement-breakpoint
CREATE TYPE "public"."retrieval_status" AS ENUM('pending', 'ready', 'expired', 'failed');--> statement-breakpoint
CREATE TYPE "public"."retrieval_tier" AS ENUM('expedited', 'standard', 'bulk');--> statement-breakpoint
CREATE TABLE "archive_policies" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"position" integer NOT NULL,
	"min_age_days" integer,
	"min_unread_days" integer,
	"min_size_bytes" bigint,
	"destination" "archive_class" NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lifecycle_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" "lifecycle_run_kind" NOT NULL,
	"status" "lifecycle_run_status" DEFAULT 'queued' NOT NULL,
	"trigger" text NOT NULL,
	"as_of" timestamp with time zone,
	"counts" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "retrievals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"file_id" uuid NOT NULL,
	"owner_id" uuid NOT NULL,
	"requested_by" text NOT NULL,
	"storage_class" "archive_class" NOT NULL,
	"tier" "retrieval_tier" NOT NULL,
	"days" integer NOT NULL,
	"status" "retrieval_status" DEFAULT 'pending' NOT NULL,
	"bytes" bigint NOT NULL,
	"estimated_cost" double precision NOT NULL,
	"estimated_ready_at" timestamp with time zone NOT NULL,
	"ready_at" timestamp with time zone,
	"expires_at" timestamp with time zone,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "files" ADD COLUMN "archived_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "files" ADD COLUMN "archive_rule_id" text;--> statement-breakpoint
ALTER TABLE "retrievals" ADD CONSTRAINT "retrievals_file_id_files_id_fk" FOREIGN KEY ("file_id") REFERENCES "public"."files"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "retrievals" ADD CONSTRAINT "retrievals_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "lifecycle_runs_kind_created_idx" ON "lifecycle_runs" USING btree ("kind","created_at");--> statement-breakpoint
CREATE INDEX "retrievals_owner_created_idx" ON "retrievals" USING btree ("owner_id","created_at");--> statement-breakpoint
CREATE INDEX "retrievals_created_idx" ON "retrievals" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "retrievals_open_file_idx" ON "retrievals" USING btree ("file_id") WHERE "retrievals"."status" in ('pending', 'ready');--> statement-breakpoint
INSERT INTO "archive_policies" ("id", "name", "position", "min_age_days", "min_unread_days", "min_size_bytes", "destination") VALUES
	('archive-old-files', 'Old and unread', 1, 90, 30, NULL, 'GLACIER'),
	('archive-very-old-files', 'Older than a year', 2, 365, NULL, NULL, 'DEEP_ARCHIVE'),
	('archive-large-files', 'Large files', 3, 30, NULL, 104857600, 'GLACIER'),
	('archive-inactive-files', 'Unread for 60 days', 4, NULL, 60, NULL, 'GLACIER')
ON CONFLICT DO NOTHING;
