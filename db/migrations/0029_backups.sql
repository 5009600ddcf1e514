-- Backup sets (B1-B3, B5) and restore jobs (B4): the app's view of the backup store.
CREATE TYPE "public"."backup_check" AS ENUM('pending', 'passed', 'failed');--> statement-breakpoint
CREATE TYPE "public"."backup_status" AS ENUM('running', 'verifying', 'completed', 'failed', 'expired');--> statement-breakpoint
CREATE TYPE "public"."backup_type" AS ENUM('full', 'incremental');--> statement-breakpoint
CREATE TYPE "public"."restore_status" AS ENUM('queued', 'running', 'completed', 'failed');--> statement-breakpoint
CREATE TABLE "backup_restores" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"set_id" uuid NOT NULL,
	"scope" jsonb NOT NULL,
	"dry_run" boolean NOT NULL,
	"status" "restore_status" DEFAULT 'queued' NOT NULL,
	"requested_by" uuid,
	"progress" jsonb,
	"result" jsonb,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "backup_sets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"type" "backup_type" NOT NULL,
	"status" "backup_status" DEFAULT 'running' NOT NULL,
	"trigger" text NOT NULL,
	"requested_by" uuid,
	"base_set_id" uuid,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"epoch_at" timestamp with time zone,
	"lsn" text,
	"last_migration" text,
	"objects" integer DEFAULT 0 NOT NULL,
	"objects_copied" integer DEFAULT 0 NOT NULL,
	"bytes_total" bigint DEFAULT 0 NOT NULL,
	"bytes_copied" bigint DEFAULT 0 NOT NULL,
	"database_bytes" bigint DEFAULT 0 NOT NULL,
	"progress" jsonb,
	"error" text,
	"verification" "backup_check" DEFAULT 'pending' NOT NULL,
	"verified_at" timestamp with time zone,
	"verification_error" text,
	"drill" "backup_check",
	"drill_at" timestamp with time zone,
	"drill_duration_ms" integer,
	"drill_error" text,
	"secondary_copied" boolean DEFAULT false NOT NULL,
	"expired_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "backup_restores" ADD CONSTRAINT "backup_restores_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "backup_sets" ADD CONSTRAINT "backup_sets_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "backup_restores_created_idx" ON "backup_restores" USING btree ("created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "backup_sets_started_idx" ON "backup_sets" USING btree ("started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "backup_sets_one_running" ON "backup_sets" USING btree ((true)) WHERE "backup_sets"."status" in ('running', 'verifying');