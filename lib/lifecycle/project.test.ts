import { describe, expect, it } from "vitest";
import type { RetentionRuleLike } from "@/lib/retention/decide";
import { DAY_MS, decideArchive, fateOnDay, type ArchivePolicyLike, type FileFacts, type Rules } from "./fate";
import { projectFile, type DatedEvent, type ProjectOptions } from "./project";

// The lifecycle decisions as pure functions: the simulator's jumps from threshold to threshold must give
// exactly what walking every day with the runs' own decision gives.

const start = new Date("2026-06-01T03:00:00Z");
const opts: ProjectOptions = { provider: "storage-class", trashDays: 30 };
const ago = (days: number) => new Date(start.getTime() - days * DAY_MS);
const file = (f: Partial<FileFacts> = {}): FileFacts => ({
  id: "f", size: 1000, status: "ready", storageTier: "standard", createdAt: ago(10), lastAccessedAt: null, legalHold: false,
  cameraId: "cam-1", siteId: "site-1", category: "entrance", deletedAt: null, purgeAfter: null, sharedContent: false, retrieval: null, ...f,
});
const policy = (p: Partial<ArchivePolicyLike> & Pick<ArchivePolicyLike, "id">): ArchivePolicyLike =>
  ({ name: p.id, enabled: true, minAgeDays: null, minUnreadDays: null, minSizeBytes: null, destination: "GLACIER", ...p });
const rule = (r: Partial<RetentionRuleLike> & Pick<RetentionRuleLike, "id" | "keepDays">): RetentionRuleLike =>
  ({ name: r.id, enabled: true, scope: "camera", scopeValue: "cam-1", action: "delete", destination: null, ...r });

function walk(f: FileFacts, rules: Rules, horizon: number): DatedEvent[] {
  const out: DatedEvent[] = [];
  let cur: FileFacts | null = f;
  for (let day = 0; day < horizon && cur; day++) {
    const { events, after } = fateOnDay(cur, rules, new Date(start.getTime() + day * DAY_MS), opts);
    out.push(...events.map((e) => ({ ...e, day })));
    cur = after;
  }
  return out;
}

/** A small deterministic generator, so a failure can be replayed. */
function rng(seed: number) {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

describe("the archive decision", () => {
  it("takes the coldest matching destination, then the rule listed first, and leaves held, retrieving, shared and trashed files", () => {
    const policies = [policy({ id: "g1", minAgeDays: 30 }), policy({ id: "g2", minAgeDays: 10 }), policy({ id: "deep", minAgeDays: 365, destination: "DEEP_ARCHIVE" })];
    expect(decideArchive(file({ createdAt: ago(40) }), policies, start, opts)).toMatchObject({ outcome: "move", policy: { id: "g1" }, destination: "GLACIER" });
    expect(decideArchive(file({ createdAt: ago(400) }), policies, start, opts)).toMatchObject({ outcome: "move", policy: { id: "deep" } });
    expect(decideArchive(file({ createdAt: ago(400), storageTier: "archive" }), policies, start, opts)).toMatchObject({ outcome: "move", destination: "DEEP_ARCHIVE" });
    expect(decideArchive(file({ createdAt: ago(400), storageTier: "archive" }), policies, start, { provider: "aws" })).toMatchObject({ outcome: "stay", because: "cold_on_aws" });
    expect(decideArchive(file({ createdAt: ago(40), storageTier: "archive" }), policies, start, opts)).toMatchObject({ outcome: "stay", because: "already" });
    expect(decideArchive(file({ createdAt: ago(40), legalHold: true }), policies, start, opts)).toMatchObject({ outcome: "stay", because: "held" });
    expect(decideArchive(file({ createdAt: ago(40), sharedContent: true }), policies, start, opts)).toMatchObject({ outcome: "stay", because: "shared", policy: { id: "g1" } });
    expect(decideArchive(file({ createdAt: ago(40), deletedAt: ago(1) }), policies, start, opts)).toMatchObject({ outcome: "stay", because: "trashed" });
    expect(decideArchive(file({ createdAt: ago(40), status: "processing" }), policies, start, opts)).toMatchObject({ outcome: "stay", because: "not_ready" });
    const retrieval = { storageClass: "GLACIER" as const, pending: false, readyAt: ago(1), bytes: 1000 };
    expect(decideArchive(file({ createdAt: ago(400), storageTier: "archive", retrieval: { ...retrieval, endsAt: null } }), policies, start, opts)).toMatchObject({ because: "retrieving" });
    expect(decideArchive(file({ createdAt: ago(400), storageTier: "archive", retrieval: { ...retrieval, endsAt: ago(0.5) } }), policies, start, opts)).toMatchObject({ outcome: "move" });
    // "Unread" counts from the upload for a file never read; a read resets it.
    const unread = [policy({ id: "unread", minUnreadDays: 60 })];
    expect(decideArchive(file({ createdAt: ago(70) }), unread, start, opts).outcome).toBe("move");
    expect(decideArchive(file({ createdAt: ago(70), lastAccessedAt: ago(5) }), unread, start, opts).outcome).toBe("stay");
  });
});

describe("a file's projection", () => {
  it("archives, trashes the same day, and purges after the trash's days", () => {
    const rules: Rules = { policies: [policy({ id: "g", minAgeDays: 90 })], retention: [rule({ id: "r", keepDays: 100 })] };
    expect(projectFile(file({ createdAt: ago(80) }), rules, start, 365, opts).map((e) => [e.type, e.day])).toEqual([["archive", 10], ["trash", 20], ["purge", 50]]);
    expect(projectFile(file({ createdAt: ago(200) }), rules, start, 365, opts).map((e) => [e.type, e.day])).toEqual([["archive", 0], ["trash", 0], ["purge", 30]]);
    expect(projectFile(file({ createdAt: ago(200), legalHold: true }), rules, start, 365, opts)).toEqual([]);
    expect(projectFile(file({ createdAt: ago(80) }), rules, start, 15, opts).map((e) => e.type)).toEqual(["archive"]);
  });

  it("jumping between thresholds gives exactly the day-by-day walk, for random files and rules", () => {
    const rand = rng(42);
    const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
    const maybe = (n: number) => (rand() < 0.5 ? null : 1 + Math.floor(rand() * n));
    for (let i = 0; i < 2000; i++) {
      const policies = Array.from({ length: Math.floor(rand() * 4) }, (_, j) => {
        const p = policy({ id: `p${j}`, enabled: rand() < 0.9, minAgeDays: maybe(400), minUnreadDays: maybe(200), minSizeBytes: rand() < 0.3 ? 500 + Math.floor(rand() * 1000) : null, destination: pick(["GLACIER", "DEEP_ARCHIVE"] as const) });
        return p.minAgeDays === null && p.minUnreadDays === null && p.minSizeBytes === null ? { ...p, minAgeDays: 1 } : p;
      });
      const retention = Array.from({ length: Math.floor(rand() * 3) }, (_, j) => {
        const action = pick(["delete", "archive"] as const);
        return rule({ id: `r${j}`, keepDays: 1 + Math.floor(rand() * 300), scope: pick(["camera", "site", "category"] as const), scopeValue: pick(["cam-1", "site-1", "entrance", "other"]), action, destination: action === "archive" ? pick(["GLACIER", "DEEP_ARCHIVE"] as const) : null });
      });
      const created = ago(rand() * 500);
      const trashedAgo = rand() < 0.15 ? rand() * 40 : null;
      const f = file({
        size: Math.floor(rand() * 2000), createdAt: created, lastAccessedAt: rand() < 0.5 ? null : new Date(created.getTime() + rand() * (start.getTime() - created.getTime())),
        storageTier: pick(["standard", "standard", "archive", "deep_archive"] as const), legalHold: rand() < 0.1, sharedContent: rand() < 0.1,
        status: rand() < 0.9 ? "ready" : "processing",
        deletedAt: trashedAgo === null ? null : ago(trashedAgo), purgeAfter: trashedAgo === null ? null : new Date(ago(trashedAgo).getTime() + 30 * DAY_MS),
        retrieval: rand() < 0.1 ? { storageClass: "GLACIER", pending: rand() < 0.5, readyAt: ago(-rand() * 3), endsAt: new Date(start.getTime() + rand() * 20 * DAY_MS), bytes: 10 } : null,
      });
      const rules = { policies, retention };
      expect(projectFile(f, rules, start, 400, opts), `case ${i}`).toEqual(walk(f, rules, 400));
    }
  });
});
