import nodemailer from "nodemailer";
import { env } from "@/lib/env";
import { logger } from "@/lib/log";
import type { PublicAlert } from "./serialize";

export type AlertTransition = "opened" | "resolved";

/** Alert emails go out only when both an SMTP server and recipients are configured. */
export function alertEmailConfigured(): boolean {
  const e = env();
  return e.SMTP_URL !== undefined && e.ALERT_EMAIL_TO.length > 0;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** The message for one transition of one alert: plain text and a simple HTML part with the same facts. */
export function alertEmail(transition: AlertTransition, alert: PublicAlert) {
  const dashboard = `${env().APP_URL.replace(/\/$/, "")}/admin`;
  const subject = `[Framevault] alert ${transition}: ${alert.title}`;
  const rows: [string, string][] = [
    ["Rule", alert.rule],
    ["Severity", alert.severity],
    ["Key", alert.key],
    ["Status", alert.status],
    ["Opened", alert.openedAt],
    ["Resolved", alert.resolvedAt ?? "-"],
  ];
  const details = JSON.stringify(alert.details, null, 2);
  const text = [
    `Alert ${transition}: ${alert.title}`,
    "",
    ...rows.map(([k, v]) => `${k}: ${v}`),
    "",
    "Details:",
    details,
    "",
    `Dashboard: ${dashboard}`,
    "",
  ].join("\n");
  const html = [
    `<h2>Alert ${transition}: ${escapeHtml(alert.title)}</h2>`,
    "<table>",
    ...rows.map(([k, v]) => `<tr><th align="left">${k}</th><td>${escapeHtml(v)}</td></tr>`),
    "</table>",
    `<h3>Details</h3><pre>${escapeHtml(details)}</pre>`,
    `<p><a href="${escapeHtml(dashboard)}">Open the dashboard</a></p>`,
  ].join("\n");
  return { subject, text, html };
}

/**
 * Sends the email of one alert transition to ALERT_EMAIL_TO; a no-op (returns null) when email is not
 * configured. A failed send throws, so the calling Inngest step retries it.
 */
export async function sendAlertEmail(transition: AlertTransition, alert: PublicAlert): Promise<{ messageId: string; to: string[] } | null> {
  if (!alertEmailConfigured()) return null;
  const e = env();
  const transport = nodemailer.createTransport(e.SMTP_URL!);
  try {
    const message = alertEmail(transition, alert);
    const info = await transport.sendMail({ from: e.ALERT_EMAIL_FROM, to: e.ALERT_EMAIL_TO, ...message });
    logger.info({ alertId: alert.id, rule: alert.rule, transition, messageId: info.messageId, to: e.ALERT_EMAIL_TO }, "alert email sent");
    return { messageId: info.messageId, to: e.ALERT_EMAIL_TO };
  } catch (err) {
    logger.warn({ alertId: alert.id, rule: alert.rule, transition, err }, "alert email not sent");
    throw err;
  } finally {
    transport.close();
  }
}
