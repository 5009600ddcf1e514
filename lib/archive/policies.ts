import "server-only";
import { asc } from "drizzle-orm";
import type { z } from "zod";
import { getDb } from "@/db/client";
import { archivePolicies, type ArchivePolicy } from "@/db/schema";
import { recordAuditEvent } from "@/lib/audit/record";
import type { ServiceContext } from "@/lib/auth/actor";
import { loadArchivePolicies } from "./eligibility";
import type { archivePoliciesSchema } from "./schemas";

export function toPolicy(row: ArchivePolicy) {
  return {
    id: row.id,
    name: row.name,
    enabled: row.enabled,
    minAgeDays: row.minAgeDays,
    minUnreadDays: row.minUnreadDays,
    minSizeBytes: row.minSizeBytes,
    destination: row.destination,
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function listArchivePolicies(ctx: ServiceContext) {
  const rows = await loadArchivePolicies(ctx.tx ?? getDb());
  return { policies: rows.map(toPolicy) };
}

/** Replaces every rule in one transaction, audited with the rules before and after. */
export async function replaceArchivePolicies(ctx: ServiceContext, input: z.infer<typeof archivePoliciesSchema>) {
  return getDb().transaction(async (tx) => {
    const before = await tx.select().from(archivePolicies).orderBy(asc(archivePolicies.position)).for("update");
    await tx.delete(archivePolicies);
    const now = new Date();
    if (input.policies.length) {
      await tx.insert(archivePolicies).values(input.policies.map((p, i) => ({ ...p, position: i + 1, updatedAt: now })));
    }
    const strip = (p: { id: string; name: string; enabled: boolean; minAgeDays: number | null; minUnreadDays: number | null; minSizeBytes: number | null; destination: string }) =>
      ({ id: p.id, name: p.name, enabled: p.enabled, minAgeDays: p.minAgeDays, minUnreadDays: p.minUnreadDays, minSizeBytes: p.minSizeBytes, destination: p.destination });
    await recordAuditEvent({ ...ctx, tx }, { action: "lifecycle.policies.update", details: { before: before.map(strip), after: input.policies.map(strip) } });
    return listArchivePolicies({ ...ctx, tx });
  });
}
