import "server-only";
import { and, count, desc, eq, inArray } from "drizzle-orm";
import { getDb } from "@/db/client";
import { alerts, type AlertStatus } from "@/db/schema";
import { notFound } from "@/lib/api/errors";
import { recordAuditEvent } from "@/lib/audit/record";
import { owningUserId, type ServiceContext } from "@/lib/auth/actor";
import { inngest } from "@/inngest/client";
import { alertsEvaluationRequested } from "@/inngest/events";
import type { ListAlertsQuery } from "./schemas";
import { toPublicAlert } from "./serialize";

const STATUSES: Record<ListAlertsQuery["status"], AlertStatus[] | null> = {
  active: ["open", "acknowledged"],
  open: ["open"],
  acknowledged: ["acknowledged"],
  resolved: ["resolved"],
  all: null,
};

// Alerts are about the whole installation, not anyone's files: every service here is reached only through
// the `ops.manage` permission.

/** Newest first, with the counts of what still needs someone. */
export async function listAlerts(_ctx: ServiceContext, query: ListAlertsQuery) {
  const db = getDb();
  const statuses = STATUSES[query.status];
  const [rows, totals] = await Promise.all([
    db.select().from(alerts).where(statuses ? inArray(alerts.status, statuses) : undefined).orderBy(desc(alerts.openedAt), desc(alerts.id)).limit(query.limit),
    db.select({ status: alerts.status, n: count() }).from(alerts).where(inArray(alerts.status, ["open", "acknowledged"])).groupBy(alerts.status),
  ]);
  const by = Object.fromEntries(totals.map((t) => [t.status, t.n]));
  return { alerts: rows.map(toPublicAlert), counts: { open: by.open ?? 0, acknowledged: by.acknowledged ?? 0 } };
}

/**
 * Someone is on it: the alert stays until its condition clears (it is not opened again meanwhile), and is
 * no longer counted as open. Idempotent: an acknowledged or resolved alert is returned as it is.
 */
export async function acknowledgeAlert(ctx: ServiceContext, alertId: string) {
  const row = await getDb().transaction(async (tx) => {
    const [before] = await tx.select().from(alerts).where(eq(alerts.id, alertId)).for("update");
    if (!before) throw notFound("Alert");
    if (before.status !== "open") return before;
    const [updated] = await tx
      .update(alerts)
      .set({ status: "acknowledged", acknowledgedAt: new Date(), acknowledgedBy: owningUserId(ctx.actor) })
      .where(and(eq(alerts.id, alertId), eq(alerts.status, "open")))
      .returning();
    await recordAuditEvent({ ...ctx, tx }, { action: "alert.acknowledge", details: { alertId, rule: before.rule, key: before.key, title: before.title } });
    return updated;
  });
  return toPublicAlert(row);
}

/** Runs the rules now instead of at the next minute (the `evaluate-alerts` workflow). */
export async function requestAlertEvaluation(_ctx: ServiceContext) {
  const { ids } = await inngest.send(alertsEvaluationRequested.create({}));
  return { requested: true, eventId: ids[0] ?? null };
}
