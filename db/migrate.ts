import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import path from "node:path";
import postgres from "postgres";

const migrationsFolder = path.join(path.dirname(new URL(import.meta.url).pathname), "migrations");

/** The role the app runs as (created NOLOGIN by migration 0012_app_role, granted no ownership). */
export const APP_ROLE = "framevault_app";

/** Applies the generated drizzle-kit migrations as the owner role; safe to run on every start. */
export async function runMigrations(ownerDatabaseUrl: string): Promise<void> {
  const sql = postgres(ownerDatabaseUrl, { max: 1, onnotice: () => {} });
  try {
    await migrate(drizzle(sql), { migrationsFolder });
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * Lets the app's role sign in with `password` (the embedded stacks; an operator does this once by hand)
 * and returns the URL the app connects with: the owner's URL with the app role's credentials.
 */
export async function enableAppRole(ownerDatabaseUrl: string, password: string): Promise<string> {
  if (!/^[\w-]+$/.test(password)) throw new Error("the app role's password must be [A-Za-z0-9_-]");
  const sql = postgres(ownerDatabaseUrl, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`alter role ${APP_ROLE} login password '${password}'`);
  } finally {
    await sql.end({ timeout: 5 });
  }
  const url = new URL(ownerDatabaseUrl);
  url.username = APP_ROLE;
  url.password = password;
  return url.toString();
}

// `npm run db:migrate`: migrations for deployments that start the app themselves, as the owner role.
if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.env.DATABASE_OWNER_URL || process.env.DATABASE_URL;
  if (!url) throw new Error("set DATABASE_OWNER_URL (or DATABASE_URL) to the owner role's connection URL");
  await runMigrations(url);
  console.log("migrations applied");
}
