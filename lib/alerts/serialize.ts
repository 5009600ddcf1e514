import type { AlertRow } from "@/db/schema";

/** An alert as the API, the dashboard and the `alert.*` webhooks show it. */
export function toPublicAlert(a: AlertRow) {
  return {
    id: a.id,
    rule: a.rule,
    key: a.key,
    severity: a.severity,
    status: a.status,
    title: a.title,
    details: a.details,
    openedAt: a.openedAt.toISOString(),
    lastSeenAt: a.lastSeenAt.toISOString(),
    acknowledgedAt: a.acknowledgedAt?.toISOString() ?? null,
    acknowledgedBy: a.acknowledgedBy,
    resolvedAt: a.resolvedAt?.toISOString() ?? null,
  };
}
export type PublicAlert = ReturnType<typeof toPublicAlert>;
