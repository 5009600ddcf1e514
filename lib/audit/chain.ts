import "server-only";
import { createHmac, timingSafeEqual } from "node:crypto";
import { sql } from "drizzle-orm";
import { env } from "@/lib/env";

// Only outside production (lib/env.ts refuses to start production without AUDIT_HMAC_KEY); the dev
// and test stacks always pass a generated key.
const DEVELOPMENT_KEY = "framevault-local-development-audit-key-change-me";

export function auditHmacKey(): string {
  return env().AUDIT_HMAC_KEY ?? DEVELOPMENT_KEY;
}

/** Both advisory locks of the audit log share this class id (two-int form), apart from every other lock. */
export const AUDIT_LOCK_CLASS = 0x46564155;

/**
 * An event as the chain covers it, rendered by Postgres so the sealer and the verifier hash the same
 * bytes: microsecond timestamps in UTC and jsonb's normal form of `details`. Needs the alias `e`.
 * The request id is covered too, appended only when the row has one: rows from before the column existed
 * (and rows written outside a request) render exactly as they were sealed, so old links still verify.
 */
const CANONICAL_FIELDS = sql`e.id, to_char(e.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), e.actor_type, e.actor_id, e.action, e.file_id, e.outcome, e.ip, e.user_agent, e.details`;
export const canonicalEvent = sql<string>`(case when e.request_id is null then json_build_array(${CANONICAL_FIELDS}) else json_build_array(${CANONICAL_FIELDS}, e.request_id) end)::text`;

/** Link `seq` of the chain: HMAC over the previous link's hash (empty for the first), the position and the event. */
export function linkHash(prevHash: string, seq: number, canonical: string): string {
  return createHmac("sha256", auditHmacKey()).update(`${prevHash}\n${seq}\n${canonical}`).digest("hex");
}

export interface Checkpoint {
  seq: number;
  eventId: number;
  hash: string;
  sealedAt: string;
}

export function checkpointMac(c: Checkpoint): string {
  return createHmac("sha256", auditHmacKey()).update(`checkpoint\n${c.seq}\n${c.eventId}\n${c.hash}\n${c.sealedAt}`).digest("hex");
}

export function checkpointMacValid(c: Checkpoint & { mac: string }): boolean {
  const want = Buffer.from(checkpointMac(c), "hex");
  const got = Buffer.from(typeof c.mac === "string" ? c.mac : "", "hex");
  return got.length === want.length && timingSafeEqual(got, want);
}
