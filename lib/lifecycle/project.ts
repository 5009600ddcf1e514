// A file's next N days, computed with fateOnDay at only the days where something can change: every condition
// the rules test ("older than", "unread for", "kept N days", "purge after", a retrieval's end) turns true once
// and stays true, so between two such thresholds the decisions cannot differ (project.test.ts checks this
// against a day-by-day walk).
import type { ArchiveClass } from "@/db/schema/lifecycle";
import { governingRule } from "@/lib/retention/decide";
import { DAY_MS, fateOnDay, type DecisionOptions, type FateEvent, type FileFacts, type Rules } from "./fate";

export type ProjectOptions = DecisionOptions & { trashDays: number };

export type DatedEvent = FateEvent & { day: number };

export interface RetrievalEvent {
  day: number;
  type: "retrieval_ready" | "retrieval_end";
  storageClass: ArchiveClass;
  bytes: number;
}

/** Day index of the run that first sees time `t` as passed: the smallest d with start + d days ≥ t (0 if already). */
export function dayOf(t: Date, start: Date): number {
  return Math.max(0, Math.ceil((t.getTime() - start.getTime()) / DAY_MS));
}

/** The days after `day` at which a decision about this file may change. */
function thresholdDays(file: FileFacts, rules: Rules, start: Date): number[] {
  const days: number[] = [];
  const at = (base: Date, n: number) => dayOf(new Date(base.getTime() + n * DAY_MS), start);
  for (const p of rules.policies) {
    if (!p.enabled || (p.minSizeBytes !== null && file.size < p.minSizeBytes)) continue;
    days.push(Math.max(p.minAgeDays === null ? 0 : at(file.createdAt, p.minAgeDays), p.minUnreadDays === null ? 0 : at(file.lastAccessedAt ?? file.createdAt, p.minUnreadDays)));
  }
  const rule = governingRule(file, rules.retention);
  if (rule) days.push(at(file.createdAt, rule.keepDays));
  if (file.purgeAfter) days.push(dayOf(file.purgeAfter, start));
  if (file.retrieval?.endsAt) days.push(dayOf(file.retrieval.endsAt, start));
  return days;
}

/**
 * What the runs would do to the file on days 0..horizon-1 (day d's runs at start + d days), with the unchanged
 * rules, no reads, and holds as they are now.
 */
export function projectFile(file: FileFacts, rules: Rules, start: Date, horizon: number, opts: ProjectOptions): DatedEvent[] {
  const out: DatedEvent[] = [];
  let f: FileFacts | null = file;
  let day = 0;
  while (f && day < horizon) {
    const { events, after } = fateOnDay(f, rules, new Date(start.getTime() + day * DAY_MS), opts);
    for (const e of events) out.push({ ...e, day });
    f = after;
    if (!f) break;
    const current = day;
    day = Math.min(horizon, ...thresholdDays(f, rules, start).filter((d) => d > current));
  }
  return out;
}

/**
 * The file's open retrieval over the same days: a pending one becomes ready at its estimate; its window ends
 * (and the content goes back to its class) at `endsAt`. Events at or before the start fall on day 0.
 */
export function projectRetrieval(file: FileFacts, start: Date, horizon: number): RetrievalEvent[] {
  const r = file.retrieval;
  if (!r) return [];
  const out: RetrievalEvent[] = [];
  if (r.pending && dayOf(r.readyAt, start) < horizon) out.push({ day: dayOf(r.readyAt, start), type: "retrieval_ready", storageClass: r.storageClass, bytes: r.bytes });
  if (r.endsAt && dayOf(r.endsAt, start) < horizon) out.push({ day: dayOf(r.endsAt, start), type: "retrieval_end", storageClass: r.storageClass, bytes: r.bytes });
  return out;
}
