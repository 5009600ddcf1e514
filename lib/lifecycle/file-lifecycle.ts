import "server-only";
import { and, eq, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { files } from "@/db/schema";
import { notFound } from "@/lib/api/errors";
import type { ServiceContext } from "@/lib/auth/actor";
import { TIER_CLASS } from "@/lib/archive/classes";
import { loadArchivePolicies } from "@/lib/archive/eligibility";
import { env } from "@/lib/env";
import { fileAccessConditions } from "@/lib/files/access";
import { decideRetention } from "@/lib/retention/decide";
import { loadRetentionRules } from "@/lib/retention/rules";
import { loadFileFacts } from "./facts";
import { DAY_MS, decideArchive, matchingPolicy, type ArchivePolicyLike, type FileFacts } from "./fate";
import { dayOf, projectFile, type ProjectOptions } from "./project";

/** How far ahead a file's timeline looks: ten years. */
export const LIFECYCLE_HORIZON_DAYS = 3650;

const daysUntil = (t: Date, now: Date) => Math.ceil((t.getTime() - now.getTime()) / DAY_MS);

/**
 * `GET /api/v1/files/{id}/lifecycle`: which saved rule decides the file's fate and why, with the dates: the
 * archive rule that matches (or will), the retention rule that governs it, a legal hold blocking both, its
 * archived/retrieved state, and the timeline the runs would follow (the simulator's projection of this one
 * file). Owner or admin, trashed files included; another user's file is a 404.
 */
export async function getFileLifecycle(ctx: ServiceContext, fileId: string) {
  const db = ctx.tx ?? getDb();
  const [row] = await db.select().from(files).where(and(eq(files.id, fileId), ...fileAccessConditions(ctx.actor)));
  if (!row) throw notFound("File");
  const e = env();
  const now = new Date();
  const opts: ProjectOptions = { provider: e.ARCHIVE_PROVIDER, trashDays: e.TRASH_RETENTION_DAYS };
  const [facts] = await loadFileFacts(db, { where: sql`f.id = ${row.id}::uuid`, after: null, limit: 1, retrievalEnd: "expected", timeScale: e.ARCHIVE_TIME_SCALE });
  if (!facts) throw notFound("File");
  const [policies, rules] = await Promise.all([loadArchivePolicies(db), loadRetentionRules(db)]);
  const ruleName = new Map([...policies.map((p) => [`archive:${p.id}`, p.name] as const), ...rules.map((r) => [`retention:${r.id}`, r.name] as const)]);

  const timeline = projectFile(facts, { policies, retention: rules }, now, LIFECYCLE_HORIZON_DAYS, opts).map((ev) => {
    const date = new Date(now.getTime() + ev.day * DAY_MS).toISOString();
    if (ev.type === "purge") return { day: ev.day, date, action: "purge" as const, storageClass: null, source: "trash" as const, ruleId: null, ruleName: null };
    const source = ev.type === "trash" ? ("retention" as const) : ev.source;
    return {
      day: ev.day, date, action: ev.type, storageClass: ev.type === "archive" ? ev.storageClass : null, source,
      ruleId: ev.ruleId, ruleName: ruleName.get(`${source}:${ev.ruleId}`) ?? null,
    };
  });

  const firstArchive = timeline.find((t) => t.action === "archive" && t.source === "archive");
  const match = firstPolicyMatch(facts, policies, now);
  const policy = firstArchive ? policies.find((p) => p.id === firstArchive.ruleId)! : match?.policy ?? null;
  const archiveReason = firstArchive
    ? `Archive rule "${policy!.name}" sends it to ${firstArchive.storageClass} ${when(firstArchive.day)}.`
    : match
      ? (() => {
          const then = decideArchive(facts, policies, match.at, opts);
          return then.outcome === "move" ? `Archive rule "${match.policy.name}" matches ${when(match.day)}, but another rule takes the file first (see the timeline).` : then.reason;
        })()
      : decideArchive(facts, policies, now, opts).reason;
  const retention = decideRetention(facts, rules, now);
  const next = timeline[0] ?? null;

  const decidedBy = facts.legalHold
    ? { kind: "legal_hold" as const, ruleId: null, reason: "Under legal hold: no rule can trash, purge or archive it until the hold is lifted." }
    : next
      ? { kind: next.source, ruleId: next.ruleId, reason: describe(next) }
      : { kind: "none" as const, ruleId: null, reason: "No rule changes this file in the next ten years (as the rules stand, and if nobody reads it)." };

  return {
    fileId: row.id,
    asOf: now.toISOString(),
    state: {
      storageTier: row.storageTier,
      storageClass: TIER_CLASS[row.storageTier],
      archivedAt: row.archivedAt?.toISOString() ?? null,
      archiveRule: row.archiveRuleId,
      legalHold: row.legalHold,
      deletedAt: row.deletedAt?.toISOString() ?? null,
      purgeAfter: row.purgeAfter?.toISOString() ?? null,
      lastAccessedAt: row.lastAccessedAt?.toISOString() ?? null,
      retrieval: facts.retrieval && {
        status: facts.retrieval.pending ? "pending" : "ready",
        readyAt: facts.retrieval.readyAt.toISOString(),
        endsAt: facts.retrieval.endsAt?.toISOString() ?? null,
      },
    },
    decidedBy,
    archive: {
      policy: policy ? { id: policy.id, name: policy.name, destination: policy.destination, minAgeDays: policy.minAgeDays, minUnreadDays: policy.minUnreadDays, minSizeBytes: policy.minSizeBytes } : null,
      date: firstArchive?.date ?? (match ? match.at.toISOString() : null),
      daysUntil: firstArchive?.day ?? match?.day ?? null,
      reason: archiveReason,
    },
    retention: {
      outcome: retention.outcome,
      rule: retention.outcome === "none" || !retention.rule ? null : {
        id: retention.rule.id, name: retention.rule.name, scope: retention.rule.scope, scopeValue: retention.rule.scopeValue,
        keepDays: retention.rule.keepDays, action: retention.rule.action, destination: retention.rule.destination,
      },
      dueAt: "dueAt" in retention ? retention.dueAt.toISOString() : null,
      daysUntil: "dueAt" in retention ? daysUntil(retention.dueAt, now) : null,
      reason: retention.reason,
    },
    next,
    timeline,
  };
}

const when = (day: number) => (day === 0 ? "on the next run" : `in ${day} days`);

/** The first day an enabled archive rule matches the file, and which, whatever else happens to it. */
function firstPolicyMatch<P extends ArchivePolicyLike>(file: FileFacts, policies: readonly P[], now: Date): { policy: P; day: number; at: Date } | null {
  const days = [...new Set([0, ...policies.map((p) => {
    const at = (base: Date, n: number | null) => (n === null ? 0 : dayOf(new Date(base.getTime() + n * DAY_MS), now));
    return Math.max(at(file.createdAt, p.minAgeDays), at(file.lastAccessedAt ?? file.createdAt, p.minUnreadDays));
  })])].sort((a, b) => a - b);
  for (const day of days) {
    const at = new Date(now.getTime() + day * DAY_MS);
    const policy = matchingPolicy(file, policies, at);
    if (policy) return { policy, day, at };
  }
  return null;
}

function describe(ev: { action: string; day: number; storageClass: string | null; ruleName: string | null; ruleId: string | null; source: string }): string {
  if (ev.action === "purge") return `Purged from the trash ${when(ev.day)}.`;
  const rule = `${ev.source} rule "${ev.ruleName ?? ev.ruleId}"`;
  return ev.action === "trash" ? `Moved to the trash ${when(ev.day)} by the ${rule}.` : `Archived to ${ev.storageClass} ${when(ev.day)} by the ${rule}.`;
}
