// What the lifecycle runs do to one file on one day, as pure functions: the archive run, the retention run and
// the simulator (`POST /api/v1/lifecycle/simulate`, `GET /api/v1/files/{id}/lifecycle`) all decide with these,
// so a simulation cannot drift from the runs.
import type { ArchiveClass } from "@/db/schema/lifecycle";
import { CLASS_RANK, CLASS_TIER, TIER_RANK, type StorageTier } from "@/lib/archive/classes";
import { decideRetention, type RetentionDecision, type RetentionRuleLike } from "@/lib/retention/decide";

export const DAY_MS = 86_400_000;

export interface ArchivePolicyLike {
  id: string;
  name: string;
  enabled: boolean;
  minAgeDays: number | null;
  minUnreadDays: number | null;
  minSizeBytes: number | null;
  destination: ArchiveClass;
}

/** What the decisions look at, as one row of `loadFileFacts` gives it. */
export interface FileFacts {
  id: string;
  size: number;
  status: string;
  storageTier: StorageTier;
  createdAt: Date;
  lastAccessedAt: Date | null;
  legalHold: boolean;
  cameraId: string | null;
  siteId: string | null;
  category: string;
  deletedAt: Date | null;
  purgeAfter: Date | null;
  /** A version's object is also another file's (deduplication): moves leave the content hot. */
  sharedContent: boolean;
  /**
   * A pending or ready retrieval: the file stays where it is until `endsAt` (null: until its workflow closes it,
   * which is what a run sees; the simulator passes the expected end).
   */
  retrieval: { storageClass: ArchiveClass; pending: boolean; readyAt: Date; endsAt: Date | null; bytes: number } | null;
}

export interface DecisionOptions {
  /** `aws` cannot copy an object that is already cold (GLACIER → DEEP_ARCHIVE needs a bucket rule there). */
  provider: "aws" | "storage-class";
}

const olderThan = (t: Date, days: number, asOf: Date) => t.getTime() <= asOf.getTime() - days * DAY_MS;

/** Whether a policy's every condition holds for the file at `asOf` ("unread" counts from the upload for a file never read). */
export function policyMatches(file: Pick<FileFacts, "createdAt" | "lastAccessedAt" | "size">, p: ArchivePolicyLike, asOf: Date): boolean {
  return p.enabled
    && (p.minAgeDays === null || olderThan(file.createdAt, p.minAgeDays, asOf))
    && (p.minUnreadDays === null || olderThan(file.lastAccessedAt ?? file.createdAt, p.minUnreadDays, asOf))
    && (p.minSizeBytes === null || file.size >= p.minSizeBytes);
}

/** Among the matching policies, the coldest destination wins, then the one listed first. */
export function matchingPolicy<P extends ArchivePolicyLike>(file: FileFacts, policies: readonly P[], asOf: Date): P | null {
  let best: P | null = null;
  for (const p of policies) if (policyMatches(file, p, asOf) && (!best || CLASS_RANK[p.destination] > CLASS_RANK[best.destination])) best = p;
  return best;
}

export type StayReason = "trashed" | "not_ready" | "held" | "retrieving" | "no_rule" | "already" | "cold_on_aws" | "shared";

export type ArchiveDecision<P> =
  | { outcome: "move"; policy: P; destination: ArchiveClass; reason: string }
  | { outcome: "stay"; policy: P | null; because: StayReason; reason: string };

const retrieving = (file: FileFacts, asOf: Date) => file.retrieval !== null && (file.retrieval.endsAt === null || asOf < file.retrieval.endsAt);

/** Why a file that a rule sends to `destination` would still not move (null: it moves). */
function moveBlocker(file: FileFacts, destination: ArchiveClass, asOf: Date, opts: DecisionOptions): StayReason | null {
  if (TIER_RANK[file.storageTier] >= CLASS_RANK[destination]) return "already";
  if (file.status !== "ready") return "not_ready";
  if (retrieving(file, asOf)) return "retrieving";
  if (opts.provider === "aws" && TIER_RANK[file.storageTier] > 0) return "cold_on_aws";
  if (file.sharedContent) return "shared";
  return null;
}

const STAY_TEXT: Record<StayReason, string> = {
  trashed: "It is in the trash.",
  not_ready: "It is not ready (still processing, quarantined or failed).",
  held: "Under legal hold: nothing moves it until the hold is lifted.",
  retrieving: "A retrieval is pending or ready: it stays until the retrieval's window ends.",
  no_rule: "No enabled archive rule matches it yet.",
  already: "It is already in that class or a colder one.",
  cold_on_aws: "On AWS an archived object cannot be copied to a colder class (a bucket lifecycle rule does that).",
  shared: "Its content is shared with another file (deduplication), so it stays hot.",
};

/** The archive run's decision for one file at `asOf`. */
export function decideArchive<P extends ArchivePolicyLike>(file: FileFacts, policies: readonly P[], asOf: Date, opts: DecisionOptions): ArchiveDecision<P> {
  const policy = matchingPolicy(file, policies, asOf);
  const stay = (because: StayReason): ArchiveDecision<P> => ({ outcome: "stay", policy, because, reason: STAY_TEXT[because] });
  if (file.deletedAt) return stay("trashed");
  if (file.legalHold) return stay("held");
  if (!policy) return stay("no_rule");
  const blocker = moveBlocker(file, policy.destination, asOf, opts);
  if (blocker) return stay(blocker);
  return { outcome: "move", policy, destination: policy.destination, reason: `Archive rule "${policy.name}" sends it to ${policy.destination}.` };
}

export type RetentionAction<R> =
  | { kind: "none"; decision: RetentionDecision }
  | { kind: "keep"; decision: RetentionDecision }
  | { kind: "held"; decision: RetentionDecision }
  | { kind: "trash"; rule: R; decision: RetentionDecision }
  | { kind: "archive"; rule: R; destination: ArchiveClass; decision: RetentionDecision }
  /** Due, but left alone: already cold enough (not counted), or the archive cannot happen now. */
  | { kind: "skip"; rule: R; because: StayReason; decision: RetentionDecision };

/** The retention run's action for one live file at `asOf`: decideRetention's verdict, and what the run then does. */
export function retentionAction<R extends RetentionRuleLike>(file: FileFacts, rules: readonly R[], asOf: Date, opts: DecisionOptions): RetentionAction<R> {
  const decision = decideRetention(file, rules, asOf);
  if (decision.outcome === "none") return { kind: "none", decision };
  if (decision.outcome === "keep") return { kind: "keep", decision };
  if (decision.outcome === "held") return { kind: "held", decision };
  const rule = decision.rule as R;
  if (rule.action === "delete") return { kind: "trash", rule, decision };
  const destination = rule.destination!;
  const blocker = moveBlocker(file, destination, asOf, opts);
  return blocker ? { kind: "skip", rule, because: blocker, decision } : { kind: "archive", rule, destination, decision };
}

export interface Rules<P extends ArchivePolicyLike = ArchivePolicyLike, R extends RetentionRuleLike = RetentionRuleLike> {
  policies: readonly P[];
  retention: readonly R[];
}

export type FateEvent =
  | { type: "archive"; source: "archive" | "retention"; ruleId: string; storageClass: ArchiveClass; from: StorageTier }
  | { type: "trash"; ruleId: string }
  | { type: "purge" };

/**
 * One day of the daily runs, in their scheduled order (archive 03:00, retention 03:15, trash purge 03:30), at
 * `asOf`: what happens to the file, and the file as it is afterwards (null once purged).
 */
export function fateOnDay(file: FileFacts, rules: Rules, asOf: Date, opts: DecisionOptions & { trashDays: number }): { events: FateEvent[]; after: FileFacts | null } {
  const events: FateEvent[] = [];
  let f = file;
  const archive = decideArchive(f, rules.policies, asOf, opts);
  if (archive.outcome === "move") {
    events.push({ type: "archive", source: "archive", ruleId: archive.policy.id, storageClass: archive.destination, from: f.storageTier });
    f = { ...f, storageTier: CLASS_TIER[archive.destination] };
  }
  if (!f.deletedAt) {
    const action = retentionAction(f, rules.retention, asOf, opts);
    if (action.kind === "trash") {
      events.push({ type: "trash", ruleId: action.rule.id });
      f = { ...f, deletedAt: asOf, purgeAfter: new Date(asOf.getTime() + opts.trashDays * DAY_MS) };
    } else if (action.kind === "archive") {
      events.push({ type: "archive", source: "retention", ruleId: action.rule.id, storageClass: action.destination, from: f.storageTier });
      f = { ...f, storageTier: CLASS_TIER[action.destination] };
    }
  }
  if (f.deletedAt && f.purgeAfter && f.purgeAfter <= asOf && !f.legalHold) {
    events.push({ type: "purge" });
    return { events, after: null };
  }
  return { events, after: f };
}
