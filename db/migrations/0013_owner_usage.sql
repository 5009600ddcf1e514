-- The per-owner usage counter that the quota check reads instead of summing every file (kept by 0014's trigger).
CREATE TABLE "owner_usage" (
	"owner_id" uuid PRIMARY KEY NOT NULL,
	"bytes_stored" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "owner_usage" ADD CONSTRAINT "owner_usage_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;