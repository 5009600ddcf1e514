import "server-only";
import { and, desc, eq, inArray, isNotNull, lt, or, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { backupSets } from "@/db/schema";
import { badRequest, notFound } from "@/lib/api/errors";
import type { ServiceContext } from "@/lib/auth/actor";
import { readManifest } from "./manifests";
import { failDeadRuns } from "./run";
import { backupSchedule } from "./schedule";
import type { ListBackupsQuery } from "./schemas";
import { toBackupSetView } from "./serialize";
import { backupStore } from "./store";

function encodeCursor(startedAt: Date, id: string): string {
  return Buffer.from(`${startedAt.toISOString()}|${id}`).toString("base64url");
}

function decodeCursor(cursor: string): { startedAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const startedAt = new Date(at ?? "");
  if (Number.isNaN(startedAt.getTime()) || !/^[0-9a-f-]{36}$/.test(id ?? "")) throw badRequest("The cursor is not one this API gave out.", "invalid_cursor");
  return { startedAt, id };
}

/** `GET /api/v1/backups`: history newest first, the schedule, the RPO and the last drill. */
export async function listBackups(_ctx: ServiceContext, query: ListBackupsQuery) {
  await failDeadRuns();
  const db = getDb();
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  const rows = await db
    .select()
    .from(backupSets)
    .where(after ? or(lt(backupSets.startedAt, after.startedAt), and(eq(backupSets.startedAt, after.startedAt), lt(backupSets.id, after.id))) : undefined)
    .orderBy(desc(backupSets.startedAt), desc(backupSets.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const [verified] = await db
    .select({ epochAt: backupSets.epochAt })
    .from(backupSets)
    .where(and(inArray(backupSets.status, ["completed"]), eq(backupSets.verification, "passed")))
    .orderBy(desc(backupSets.epochAt))
    .limit(1);
  const [drilled] = await db
    .select()
    .from(backupSets)
    .where(isNotNull(backupSets.drillAt))
    .orderBy(desc(backupSets.drillAt))
    .limit(1);
  return {
    data: page.map(toBackupSetView),
    nextCursor: rows.length > query.limit && last ? encodeCursor(last.startedAt, last.id) : null,
    schedule: backupSchedule(),
    rpoSeconds: verified?.epochAt ? Math.max(0, Math.floor((Date.now() - verified.epochAt.getTime()) / 1000)) : null,
    lastDrill: drilled?.drillAt
      ? { setId: drilled.id, at: drilled.drillAt.toISOString(), durationMs: drilled.drillDurationMs, status: drilled.drill ?? "pending" }
      : null,
  };
}

/** `GET /api/v1/backups/{id}`: the set, and its manifest's summary (tables and row counts) once it has one. */
export async function getBackup(_ctx: ServiceContext, id: string) {
  await failDeadRuns();
  const [row] = await getDb().select().from(backupSets).where(eq(backupSets.id, id));
  if (!row) throw notFound("Backup");
  const manifest = ["completed", "verifying"].includes(row.status) || (row.status === "failed" && row.verification === "failed")
    ? await readManifest(backupStore(), row.id).catch(() => null)
    : null;
  return {
    ...toBackupSetView(row),
    manifest: manifest
      ? {
          epoch: manifest.epoch,
          lsn: manifest.lsn,
          lastMigration: manifest.lastMigration,
          tables: manifest.tables.map((t) => ({ name: t.name, rows: t.rows })),
          totals: manifest.totals,
        }
      : null,
  };
}

/**
 * `GET /api/v1/files/backup/status`, in the spec's exact shape. `lastBackup` and `backupSize` are the newest
 * completed set's (finish time; database dumps plus the objects it references), `backupCount` the sets kept,
 * `backupStatus` the newest set's state, `errors` present only when that set failed.
 */
export async function backupStatus(_ctx: ServiceContext) {
  await failDeadRuns();
  const db = getDb();
  const [latest] = await db.select().from(backupSets).where(sql`${backupSets.status} <> 'expired'`).orderBy(desc(backupSets.startedAt)).limit(1);
  const [completed] = await db.select().from(backupSets).where(eq(backupSets.status, "completed")).orderBy(desc(backupSets.startedAt)).limit(1);
  const [{ n }] = await db.select({ n: sql<number>`count(*)::int` }).from(backupSets).where(eq(backupSets.status, "completed"));
  const schedule = backupSchedule();
  const nextBackup = [schedule.full.next, schedule.incremental.next].filter((t): t is string => t !== null).sort()[0] ?? null;
  const backupStatus = !latest || latest.status === "completed" ? "success" : latest.status === "failed" ? "failed" : "in_progress";
  return {
    lastBackup: completed?.finishedAt?.toISOString() ?? null,
    backupStatus,
    backupSize: completed ? completed.bytesTotal + completed.databaseBytes : 0,
    backupCount: n,
    nextBackup,
    ...(backupStatus === "failed" ? { errors: [latest.verificationError ?? latest.error ?? "The backup failed."] } : {}),
  };
}
