import "server-only";
import { and, eq, ne, notInArray, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { alerts, type AlertRow } from "@/db/schema";
import { logger } from "@/lib/log";
import { ALERT_RULES } from "./rules";
import type { AlertRule } from "./rules/types";
import { toPublicAlert, type PublicAlert } from "./serialize";

export interface EvaluationResult {
  opened: PublicAlert[];
  resolved: PublicAlert[];
  /** Rules that threw: their alerts were left as they were. */
  failedRules: string[];
}

/**
 * Runs every rule and brings the alerts table in line with what fires now: a new condition opens an alert
 * (one per rule and key while unresolved: the partial unique index decides, so concurrent evaluations open
 * it once), a condition still firing refreshes its details, and an unresolved alert whose condition is gone
 * is resolved. Returns only the transitions this call made, for the `alert.*` webhooks.
 */
export async function evaluateAlertRules(rules: AlertRule[] = ALERT_RULES, now = new Date()): Promise<EvaluationResult> {
  const result: EvaluationResult = { opened: [], resolved: [], failedRules: [] };
  for (const rule of rules) {
    let firing;
    try {
      firing = await rule.evaluate(now);
    } catch (err) {
      logger.error({ err, rule: rule.id }, "alert rule failed");
      result.failedRules.push(rule.id);
      continue;
    }
    if (firing === null) continue;
    const db = getDb();
    for (const c of firing) {
      const [row] = await db.execute<{ id: string; inserted: boolean }>(sql`
        insert into ${alerts} (rule, key, severity, title, details, opened_at, last_seen_at)
        values (${rule.id}, ${c.key}, ${rule.severity}, ${c.title}, ${JSON.stringify(c.details)}::jsonb, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz)
        on conflict (rule, key) where status <> 'resolved'
        do update set title = excluded.title, details = excluded.details, last_seen_at = excluded.last_seen_at
        returning id, (xmax = 0) as inserted`);
      if (row?.inserted) {
        const [opened] = await db.select().from(alerts).where(eq(alerts.id, row.id));
        result.opened.push(toPublicAlert(opened));
      }
    }
    const keys = firing.map((c) => c.key);
    const resolved: AlertRow[] = await db
      .update(alerts)
      .set({ status: "resolved", resolvedAt: now })
      .where(and(eq(alerts.rule, rule.id), ne(alerts.status, "resolved"), keys.length ? notInArray(alerts.key, keys) : undefined))
      .returning();
    result.resolved.push(...resolved.map(toPublicAlert));
  }
  return result;
}
