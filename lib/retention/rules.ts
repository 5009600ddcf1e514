import "server-only";
import { asc } from "drizzle-orm";
import type { z } from "zod";
import { getDb, type Database, type Tx } from "@/db/client";
import { retentionRules, type RetentionRule } from "@/db/schema";
import { recordAuditEvent } from "@/lib/audit/record";
import type { ServiceContext } from "@/lib/auth/actor";
import type { retentionRulesSchema } from "./schemas";

export function toRetentionRule(row: RetentionRule) {
  return {
    id: row.id,
    name: row.name,
    enabled: row.enabled,
    scope: row.scope,
    scopeValue: row.scopeValue,
    keepDays: row.keepDays,
    action: row.action,
    destination: row.destination,
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function loadRetentionRules(db: Database | Tx = getDb()): Promise<RetentionRule[]> {
  return db.select().from(retentionRules).orderBy(asc(retentionRules.scope), asc(retentionRules.scopeValue), asc(retentionRules.id));
}

export async function listRetentionRules(ctx: ServiceContext) {
  return { rules: (await loadRetentionRules(ctx.tx ?? getDb())).map(toRetentionRule) };
}

const strip = ({ updatedAt: _, ...r }: ReturnType<typeof toRetentionRule>) => r;

/** Replaces every rule in one transaction, audited (`lifecycle.retention.update`) with the rules before and after. */
export async function replaceRetentionRules(ctx: ServiceContext, input: z.infer<typeof retentionRulesSchema>) {
  return getDb().transaction(async (tx) => {
    const before = await tx.select().from(retentionRules).orderBy(asc(retentionRules.id)).for("update");
    await tx.delete(retentionRules);
    const now = new Date();
    if (input.rules.length) await tx.insert(retentionRules).values(input.rules.map((r) => ({ ...r, updatedAt: now })));
    await recordAuditEvent({ ...ctx, tx }, {
      action: "lifecycle.retention.update",
      details: { before: before.map(toRetentionRule).map(strip), after: input.rules },
    });
    return listRetentionRules({ ...ctx, tx });
  });
}
