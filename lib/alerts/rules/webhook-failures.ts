import "server-only";
import { sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { env } from "@/lib/env";
import type { AlertRule } from "./types";

/** Deliveries that used up their retries, per endpoint: one alert for each endpoint that keeps failing. */
export const webhookFailures: AlertRule = {
  id: "webhook-failures",
  severity: "warning",
  description: "An endpoint has ALERT_WEBHOOK_FAILURES_THRESHOLD or more failed deliveries within ALERT_WEBHOOK_FAILURES_WINDOW_MINUTES.",
  async evaluate(now) {
    const { ALERT_WEBHOOK_FAILURES_THRESHOLD: threshold, ALERT_WEBHOOK_FAILURES_WINDOW_MINUTES: windowMinutes } = env();
    const since = new Date(now.getTime() - windowMinutes * 60_000);
    const rows = await getDb().execute<{ endpoint_id: string; url: string; failed: number; last_error: string | null }>(sql`
      select d.endpoint_id, e.url, count(*)::int as failed, (array_agg(d.last_error order by d.last_attempt_at desc))[1] as last_error
      from webhook_deliveries d join webhook_endpoints e on e.id = d.endpoint_id
      where d.status = 'failed' and d.last_attempt_at >= ${since.toISOString()}::timestamptz
      group by d.endpoint_id, e.url
      having count(*) >= ${threshold}`);
    return rows.map((r) => ({
      key: r.endpoint_id,
      title: `Webhook ${r.url}: ${r.failed} failed deliveries in the last ${windowMinutes} min`,
      details: { endpointId: r.endpoint_id, url: r.url, failed: r.failed, threshold, windowMinutes, lastError: r.last_error?.slice(0, 300) ?? null },
    }));
  },
};
