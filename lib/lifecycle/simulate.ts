import "server-only";
import { sql } from "drizzle-orm";
import { getDb, type Tx } from "@/db/client";
import type { ArchiveClass } from "@/db/schema/lifecycle";
import type { ServiceContext } from "@/lib/auth/actor";
import { CLASS_TIER, TIER_CLASS, type StorageTier } from "@/lib/archive/classes";
import { loadArchivePolicies } from "@/lib/archive/eligibility";
import { env } from "@/lib/env";
import { storagePrices } from "@/lib/operations/prices";
import { loadRetentionRules } from "@/lib/retention/rules";
import { loadFileFacts } from "./facts";
import { DAY_MS, type ArchivePolicyLike, type Rules } from "./fate";
import { projectFile, projectRetrieval, type ProjectOptions } from "./project";
import type { SimulateLifecycleInput } from "./schemas";
import type { RetentionRuleLike } from "@/lib/retention/decide";

export const SIMULATE_BATCH_SIZE = 1000;
const GiB = 1024 ** 3;
const ARCHIVE_CLASSES: ArchiveClass[] = ["GLACIER", "DEEP_ARCHIVE"];
const STORAGE_CLASSES = ["STANDARD", "STANDARD_IA", "GLACIER", "DEEP_ARCHIVE"] as const;

export interface Flow { files: number; bytes: number }
const flow = (): Flow => ({ files: 0, bytes: 0 });
const add = (f: Flow, bytes: number) => { f.files++; f.bytes += bytes; };

function emptyFlows() {
  return {
    /** Moved to each class by an archive rule or a retention rule's "then archive". */
    archived: { GLACIER: flow(), DEEP_ARCHIVE: flow() } as Record<ArchiveClass, Flow>,
    /** Retrievals becoming ready (downloadable again). */
    retrieved: flow(),
    /** Retrieval windows ending: the content goes back to its class. */
    rearchived: { GLACIER: flow(), DEEP_ARCHIVE: flow() } as Record<ArchiveClass, Flow>,
    /** Moved to the trash by a retention rule. */
    trashed: flow(),
    /** Purged from the trash (their time there is over). */
    purged: flow(),
    /** Per rule: `archive:<policy id>` and `retention:<rule id>`. */
    byRule: {} as Record<string, Flow>,
  };
}
export type DayFlows = ReturnType<typeof emptyFlows>;

function costOf(bytesByClass: Record<string, number>) {
  const prices = storagePrices();
  const byClass = Object.fromEntries(STORAGE_CLASSES.map((cls) => {
    const tier = Object.entries(TIER_CLASS).find(([, c]) => c === cls)![0];
    const bytes = bytesByClass[cls] ?? 0;
    return [cls, { bytes, pricePerGbMonth: prices[tier], monthlyCost: round((bytes / GiB) * prices[tier]) }];
  }));
  return { byClass, monthlyCost: round(Object.values(byClass).reduce((s, c) => s + (c.bytes / GiB) * c.pricePerGbMonth, 0)) };
}
const round = (n: number) => Math.round(n * 10_000) / 10_000;

/**
 * `POST /api/v1/lifecycle/simulate`: what the archive, retention and trash-purge runs (and open retrievals)
 * would do over the next `days` days with the saved rules or a draft, decided by the runs' own functions
 * (lib/lifecycle/fate.ts) file by file, streamed in keyset pages through one read-only snapshot: nothing moves
 * and nothing is written. Assumes no new uploads or reads, and holds and sharing as they are now.
 */
export async function simulateLifecycle(_ctx: ServiceContext, input: SimulateLifecycleInput) {
  const e = env();
  const start = new Date();
  const opts: ProjectOptions = { provider: e.ARCHIVE_PROVIDER, trashDays: e.TRASH_RETENTION_DAYS };
  return getDb().transaction(async (tx) => {
    const rules: Rules = {
      policies: input.policies ?? (await loadArchivePolicies(tx)),
      retention: input.retention ?? (await loadRetentionRules(tx)),
    };
    const perDay = Array.from({ length: input.days }, emptyFlows);
    const before: Record<string, number> = {};
    const after: Record<string, number> = {};
    const files = await streamFiles(tx, e.ARCHIVE_TIME_SCALE, (file) => {
      const cls = TIER_CLASS[file.storageTier];
      before[cls] = (before[cls] ?? 0) + file.size;
      let tier: StorageTier | null = file.storageTier;
      for (const ev of projectFile(file, rules, start, input.days, opts)) {
        const day = perDay[ev.day];
        if (ev.type === "archive") {
          add(day.archived[ev.storageClass], file.size);
          tier = CLASS_TIER[ev.storageClass];
          add((day.byRule[`${ev.source}:${ev.ruleId}`] ??= flow()), file.size);
        } else if (ev.type === "trash") {
          add(day.trashed, file.size);
          add((day.byRule[`retention:${ev.ruleId}`] ??= flow()), file.size);
        } else {
          add(day.purged, file.size);
          tier = null;
        }
      }
      for (const ev of projectRetrieval(file, start, input.days)) {
        if (ev.type === "retrieval_ready") add(perDay[ev.day].retrieved, ev.bytes);
        else add(perDay[ev.day].rearchived[ev.storageClass], ev.bytes);
      }
      if (tier) after[TIER_CLASS[tier]] = (after[TIER_CLASS[tier]] ?? 0) + file.size;
    });
    const totals = emptyFlows();
    for (const d of perDay) {
      for (const cls of ARCHIVE_CLASSES) {
        sum(totals.archived[cls], d.archived[cls]);
        sum(totals.rearchived[cls], d.rearchived[cls]);
      }
      sum(totals.retrieved, d.retrieved);
      sum(totals.trashed, d.trashed);
      sum(totals.purged, d.purged);
      for (const [k, v] of Object.entries(d.byRule)) sum((totals.byRule[k] ??= flow()), v);
    }
    return {
      asOf: start.toISOString(),
      days: input.days,
      filesExamined: files,
      rules: {
        source: { policies: input.policies ? "draft" : "saved", retention: input.retention ? "draft" : "saved" } as const,
        policies: rules.policies.map((p: ArchivePolicyLike) => ({ id: p.id, name: p.name, enabled: p.enabled, destination: p.destination })),
        retention: rules.retention.map((r: RetentionRuleLike) => ({ id: r.id, name: r.name, enabled: r.enabled, action: r.action, destination: r.destination })),
      },
      perDay: perDay.map((d, i) => ({ day: i, date: new Date(start.getTime() + i * DAY_MS).toISOString(), ...d })),
      totals,
      cost: { before: costOf(before), after: costOf(after) },
    };
  }, { isolationLevel: "repeatable read", accessMode: "read only" });
}

function sum(into: Flow, from: Flow) {
  into.files += from.files;
  into.bytes += from.bytes;
}

/** Every file row (live and trashed: both are stored), a keyset page at a time; returns how many. */
async function streamFiles(tx: Tx, timeScale: number, visit: (f: Awaited<ReturnType<typeof loadFileFacts>>[number]) => void): Promise<number> {
  let after: string | null = null;
  let count = 0;
  for (;;) {
    const page = await loadFileFacts(tx, { where: sql`true`, after, limit: SIMULATE_BATCH_SIZE, retrievalEnd: "expected", timeScale });
    for (const f of page) visit(f);
    count += page.length;
    if (page.length < SIMULATE_BATCH_SIZE) return count;
    after = page.at(-1)!.id;
  }
}
