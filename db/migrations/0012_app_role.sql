-- Least privilege: the NOLOGIN role `framevault_app` the app runs as (the stack or the operator gives it LOGIN and a password); it owns nothing, may change ordinary tables, and may only INSERT and SELECT the audit tables.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'framevault_app') THEN
    CREATE ROLE framevault_app NOLOGIN;
  END IF;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE EXCEPTION 'the migration role may not create roles: as a superuser run CREATE ROLE framevault_app LOGIN PASSWORD ''…''; then migrate again (README, "Database roles")';
END $$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO framevault_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO framevault_app;
--> statement-breakpoint
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO framevault_app;
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON audit_events, audit_chain FROM framevault_app;
--> statement-breakpoint
-- Tables and sequences that later migrations create (as the same owner) are granted the same way.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO framevault_app;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO framevault_app;
