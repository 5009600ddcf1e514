import "server-only";
import { and, desc, eq, isNotNull, isNull, sql, type SQL } from "drizzle-orm";
import type { z } from "zod";
import { getDb, type Tx } from "@/db/client";
import { files, legalHolds, type LegalHold } from "@/db/schema";
import { ApiError, notFound } from "@/lib/api/errors";
import { recordAuditEvent } from "@/lib/audit/record";
import { actorId, type ServiceContext } from "@/lib/auth/actor";
import type { createLegalHoldSchema, listLegalHoldsQuerySchema } from "./schemas";

/** The one refusal every deletion, purge, expiry and archive of a held file answers with. */
export const legalHoldRefusal = () =>
  new ApiError(409, "legal_hold", "This file is under legal hold: it cannot be deleted, purged or archived until an admin lifts the hold.");

export function toLegalHold(row: LegalHold & { files?: number }) {
  return {
    id: row.id,
    scope: row.scope === "file" ? { fileId: row.fileId } : row.scope === "camera" ? { cameraId: row.cameraId } : { eventId: row.eventId },
    reason: row.reason,
    active: row.releasedAt === null,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    releasedBy: row.releasedBy,
    releasedAt: row.releasedAt?.toISOString() ?? null,
    ...(row.files !== undefined ? { files: row.files } : {}),
  };
}

/** The files a hold covers, trashed ones included (a held file in the trash must not be purged). */
function coveredFiles(hold: Pick<LegalHold, "scope" | "fileId" | "cameraId" | "eventId">): SQL {
  if (hold.scope === "file") return eq(files.id, hold.fileId!);
  if (hold.scope === "camera") return eq(files.cameraId, hold.cameraId!);
  return eq(files.eventId, hold.eventId!);
}

/** files.legal_hold for the covered files, from every active hold (the same test as the insert trigger). */
async function syncFlags(tx: Tx, hold: Pick<LegalHold, "scope" | "fileId" | "cameraId" | "eventId">): Promise<number> {
  const rows = await tx
    .update(files)
    .set({ legalHold: sql`file_under_legal_hold(${files.id}, ${files.cameraId}, ${files.eventId})` })
    .where(coveredFiles(hold))
    .returning({ id: files.id });
  return rows.length;
}

/** `POST /api/v1/legal-holds`: holds a file, a camera's files or an event's files; audited as `legal_hold.create`. */
export async function createLegalHold(ctx: ServiceContext, input: z.infer<typeof createLegalHoldSchema>) {
  const s = input.scope;
  const target = "fileId" in s ? { scope: "file" as const, fileId: s.fileId } : "cameraId" in s ? { scope: "camera" as const, cameraId: s.cameraId } : { scope: "event" as const, eventId: s.eventId };
  return getDb().transaction(async (tx) => {
    if (target.scope === "file") {
      const [file] = await tx.select({ id: files.id }).from(files).where(eq(files.id, target.fileId));
      if (!file) throw notFound("File");
    }
    const [hold] = await tx.insert(legalHolds).values({ ...target, reason: input.reason, createdBy: actorId(ctx.actor) }).returning();
    const covered = await syncFlags(tx, hold);
    await recordAuditEvent({ ...ctx, tx }, {
      action: "legal_hold.create",
      fileId: hold.fileId,
      details: { holdId: hold.id, scope: toLegalHold(hold).scope, reason: hold.reason, files: covered },
    });
    return toLegalHold({ ...hold, files: covered });
  });
}

/** `DELETE /api/v1/legal-holds/{id}`: lifts an active hold; files no other hold covers are free again. Audited as `legal_hold.release`. */
export async function releaseLegalHold(ctx: ServiceContext, holdId: string) {
  return getDb().transaction(async (tx) => {
    const [hold] = await tx.select().from(legalHolds).where(eq(legalHolds.id, holdId)).for("update");
    if (!hold) throw notFound("Legal hold");
    if (hold.releasedAt) throw new ApiError(409, "already_released", "This legal hold was already lifted.");
    const [released] = await tx.update(legalHolds).set({ releasedAt: new Date(), releasedBy: actorId(ctx.actor) }).where(eq(legalHolds.id, hold.id)).returning();
    const covered = await syncFlags(tx, hold);
    await recordAuditEvent({ ...ctx, tx }, {
      action: "legal_hold.release",
      fileId: hold.fileId,
      details: { holdId: hold.id, scope: toLegalHold(hold).scope, reason: hold.reason, heldSince: hold.createdAt.toISOString(), files: covered },
    });
    return toLegalHold(released);
  });
}

/** `GET /api/v1/legal-holds`: newest first, with how many files (trashed included) each covers. */
export async function listLegalHolds(_ctx: ServiceContext, query: z.infer<typeof listLegalHoldsQuerySchema>) {
  const status = query.status === "active" ? isNull(legalHolds.releasedAt) : query.status === "released" ? isNotNull(legalHolds.releasedAt) : undefined;
  const rows = await getDb()
    .select({
      hold: legalHolds,
      // Qualified by hand: drizzle writes a lone column of the query's one table unqualified, and inside this
      // subquery "camera_id" would then be the file's own column (every file with a camera counted).
      files: sql<number>`(select count(*)::int from files f where
        (legal_holds.scope = 'file' and f.id = legal_holds.file_id)
        or (legal_holds.scope = 'camera' and f.camera_id = legal_holds.camera_id)
        or (legal_holds.scope = 'event' and f.event_id = legal_holds.event_id))`,
    })
    .from(legalHolds)
    .where(and(status, query.fileId ? eq(legalHolds.fileId, query.fileId) : undefined))
    .orderBy(desc(legalHolds.createdAt), desc(legalHolds.id))
    .limit(query.limit);
  return { holds: rows.map((r) => toLegalHold({ ...r.hold, files: r.files })) };
}
