import { defineConfig } from "drizzle-kit";

// Migrations are generated with `npm run db:generate` and applied at start-up; never `push`.
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema/index.ts",
  out: "./db/migrations",
  dbCredentials: { url: process.env.DATABASE_URL ?? "postgres://postgres:postgres@127.0.0.1:54329/framevault" },
});
