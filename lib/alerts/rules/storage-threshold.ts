import "server-only";
import { sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { env } from "@/lib/env";
import { formatBytes } from "@/lib/format";
import type { AlertRule } from "./types";

/** Everything stored (every owner's versions and trash), read from the per-owner counters the quota keeps. */
export const storageThreshold: AlertRule = {
  id: "storage-threshold",
  severity: "warning",
  description: "Bytes stored (all versions and the trash) above ALERT_STORAGE_BYTES_THRESHOLD (0 turns the rule off).",
  async evaluate() {
    const threshold = env().ALERT_STORAGE_BYTES_THRESHOLD;
    if (threshold === 0) return [];
    const [row] = await getDb().execute<{ bytes: string | null }>(sql`select sum(bytes_stored)::text as bytes from owner_usage`);
    const bytes = Number(row?.bytes ?? 0);
    if (bytes <= threshold) return [];
    return [{
      key: "total",
      title: `Storage at ${formatBytes(bytes)}, above the threshold of ${formatBytes(threshold)}`,
      details: { bytes, threshold },
    }];
  },
};
