/**
 * Which completed sets retention keeps (B2), as a pure function of the sets (tested on its own). The newest
 * `keep.full` fulls are kept; of the incrementals whose base full is kept, the newest `keep.incremental`.
 * An incremental whose base is not kept is expired whatever its age: it cannot be restored without it.
 */
export interface RetentionCandidate {
  id: string;
  type: "full" | "incremental";
  baseSetId: string | null;
  startedAt: Date;
}

export function selectRetention(sets: RetentionCandidate[], keep: { full: number; incremental: number }): { keep: string[]; expire: string[] } {
  const newestFirst = [...sets].sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime() || b.id.localeCompare(a.id));
  const fulls = newestFirst.filter((s) => s.type === "full").slice(0, keep.full);
  const keptFulls = new Set(fulls.map((s) => s.id));
  const incrementals = newestFirst
    .filter((s) => s.type === "incremental" && s.baseSetId !== null && keptFulls.has(s.baseSetId))
    .slice(0, keep.incremental);
  const kept = new Set([...keptFulls, ...incrementals.map((s) => s.id)]);
  return {
    keep: newestFirst.filter((s) => kept.has(s.id)).map((s) => s.id),
    expire: newestFirst.filter((s) => !kept.has(s.id)).map((s) => s.id),
  };
}
