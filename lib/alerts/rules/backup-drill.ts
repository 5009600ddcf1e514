import "server-only";
import { sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import type { AlertRule } from "./types";

/**
 * The latest restore drill (B3) failed: the set it drilled could not be restored as its manifest says (a
 * dump or object missing or changed, rows missing). Clears when a later drill passes.
 */
export const backupDrillFailed: AlertRule = {
  id: "backup-drill",
  severity: "critical",
  description: "The latest restore drill failed: a backup set could not be restored as its manifest says.",
  async evaluate() {
    const [set] = await getDb().execute<{ id: string; drill: string; drill_at: Date; drill_error: string | null; type: string }>(sql`
      select id, drill::text as drill, drill_at, drill_error, type::text as type from backup_sets
       where drill in ('passed', 'failed') and drill_at is not null order by drill_at desc limit 1`);
    if (!set || set.drill !== "failed") return [];
    return [{
      key: set.id,
      title: `The restore drill of backup ${set.id.slice(0, 8)} failed: ${set.drill_error ?? "no error recorded"}`,
      details: { setId: set.id, type: set.type, drillAt: new Date(set.drill_at).toISOString(), error: set.drill_error },
    }];
  },
};
