// Which retention rule decides a file's fate, and why: one pure function, used by the retention run and
// meant for the simulator (issue 9 item 5) and `GET /api/v1/files/{id}/lifecycle`.

export type RetentionScope = "camera" | "site" | "category";

export interface RetentionRuleLike {
  id: string;
  name: string;
  enabled: boolean;
  scope: RetentionScope;
  scopeValue: string;
  keepDays: number;
  action: "delete" | "archive";
  destination: "GLACIER" | "DEEP_ARCHIVE" | null;
}

export interface RetentionFileFacts {
  cameraId: string | null;
  siteId: string | null;
  category: string;
  /** Retention counts from the upload, as the archive rules do. */
  createdAt: Date;
  legalHold: boolean;
}

/** The precedence, most specific first: a camera rule beats a site rule beats a category rule. */
export const SCOPE_RANK: Record<RetentionScope, number> = { camera: 3, site: 2, category: 1 };

export type RetentionDecision =
  | { outcome: "none"; reason: string }
  | { outcome: "held"; rule: RetentionRuleLike | null; reason: string }
  | { outcome: "keep" | "due"; rule: RetentionRuleLike; dueAt: Date; reason: string };

function scopeValueOf(file: RetentionFileFacts, scope: RetentionScope): string | null {
  return scope === "camera" ? file.cameraId : scope === "site" ? file.siteId : file.category;
}

/**
 * The rule that governs a file: among the enabled rules whose scope matches it, the most specific scope
 * (camera > site > category); among those, the longest keep; then archive over delete (the gentler fate),
 * then the rule id. The rule is chosen whatever the file's age, so a longer camera rule protects a file from a
 * shorter category rule. A legal hold beats every rule.
 */
export function governingRule<R extends RetentionRuleLike>(file: RetentionFileFacts, rules: readonly R[]): R | null {
  let best: R | null = null;
  for (const r of rules) {
    if (!r.enabled || scopeValueOf(file, r.scope) !== r.scopeValue) continue;
    if (!best) { best = r; continue; }
    const cmp =
      SCOPE_RANK[r.scope] - SCOPE_RANK[best.scope] ||
      r.keepDays - best.keepDays ||
      Number(r.action === "archive") - Number(best.action === "archive") ||
      (r.id < best.id ? 1 : -1);
    if (cmp > 0) best = r;
  }
  return best;
}

export function decideRetention<R extends RetentionRuleLike>(file: RetentionFileFacts, rules: readonly R[], asOf: Date): RetentionDecision {
  const rule = governingRule(file, rules);
  if (file.legalHold) return { outcome: "held", rule, reason: "Under legal hold: no retention rule applies until the hold is lifted." };
  if (!rule) return { outcome: "none", reason: "No enabled retention rule matches its camera, site or category." };
  const dueAt = new Date(file.createdAt.getTime() + rule.keepDays * 86_400_000);
  const then = rule.action === "delete" ? "moved to the trash" : `archived to ${rule.destination}`;
  const why = `${rule.scope} rule "${rule.name}" (${rule.scope} ${rule.scopeValue}: keep ${rule.keepDays} days, then ${then})`;
  return dueAt <= asOf
    ? { outcome: "due", rule, dueAt, reason: `${why}; due since ${dueAt.toISOString()}.` }
    : { outcome: "keep", rule, dueAt, reason: `${why}; kept until ${dueAt.toISOString()}.` };
}
