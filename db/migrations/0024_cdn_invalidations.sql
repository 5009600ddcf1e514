-- CDN delivery (issue 11): the queue of edge paths to invalidate and the record of each invalidation sent.
CREATE TYPE "public"."cdn_invalidation_status" AS ENUM('pending', 'in_progress', 'completed', 'failed');--> statement-breakpoint
CREATE TABLE "cdn_invalidation_queue" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"path" text NOT NULL,
	"reason" text NOT NULL,
	"enqueued_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cdn_invalidations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"provider" text NOT NULL,
	"provider_id" text,
	"caller_reference" text NOT NULL,
	"paths" text[] NOT NULL,
	"path_count" integer NOT NULL,
	"cost_usd" double precision DEFAULT 0 NOT NULL,
	"status" "cdn_invalidation_status" DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"submitted_at" timestamp with time zone,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "cdn_invalidation_queue_enqueued_idx" ON "cdn_invalidation_queue" USING btree ("enqueued_at","id");--> statement-breakpoint
CREATE INDEX "cdn_invalidations_created_idx" ON "cdn_invalidations" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "cdn_invalidations_status_idx" ON "cdn_invalidations" USING btree ("status");