import "server-only";
import postgres from "postgres";
import { sql } from "drizzle-orm";
import { getDb, type Tx } from "@/db/client";
import { env } from "@/lib/env";

// Advisory lock keys (two-int form): the class is Framevault's backup, the object which lock.
const LOCK_CLASS = 7310;
const RUN_LOCK = 1;
const PURGE_LEASE = 2;

/**
 * One backup run at a time: the run holds a session advisory lock from its start to its end, on a connection
 * of its own kept in the process that runs it (no pool recycling, no idle timeout). If that process dies, the
 * database ends the session and the lock is free again: a `running` set whose lock is free is a run that died
 * (lib/backup/run.ts fails it and cleans up). A step of the run that lands on another instance while the
 * holder lives gets `false` and is retried.
 */
interface HeldLock {
  setId: string;
  conn: postgres.Sql;
}

const globalForLock = globalThis as unknown as { framevaultBackupLock?: HeldLock };

function lockConnection(): postgres.Sql {
  return postgres(env().DATABASE_URL, { max: 1, max_lifetime: null, idle_timeout: 0, onnotice: () => {} });
}

async function stillHeld(lock: HeldLock): Promise<boolean> {
  const [row] = await lock.conn`
    select exists(select 1 from pg_locks where locktype = 'advisory' and classid = ${LOCK_CLASS} and objid = ${RUN_LOCK}
                  and pid = pg_backend_pid() and granted) as held`.catch(() => [{ held: false }]);
  return Boolean(row?.held);
}

/** Takes (or confirms) the run lock for `setId` in this process; false when another live process holds it. */
export async function holdRunLock(setId: string): Promise<boolean> {
  const current = globalForLock.framevaultBackupLock;
  if (current) {
    if (current.setId === setId && (await stillHeld(current))) return true;
    // A lock left by a finished run of this process, or lost with its connection: let it go first.
    await releaseHeld(current);
  }
  const conn = lockConnection();
  const [row] = await conn`select pg_try_advisory_lock(${LOCK_CLASS}, ${RUN_LOCK}) as ok`;
  if (!row?.ok) {
    await conn.end({ timeout: 5 });
    return false;
  }
  globalForLock.framevaultBackupLock = { setId, conn };
  return true;
}

async function releaseHeld(lock: HeldLock): Promise<void> {
  if (globalForLock.framevaultBackupLock === lock) globalForLock.framevaultBackupLock = undefined;
  await lock.conn`select pg_advisory_unlock_all()`.catch(() => {});
  await lock.conn.end({ timeout: 5 }).catch(() => {});
}

/** Ends the run's hold on the lock (its last step, or its failure handler). */
export async function releaseRunLock(setId: string): Promise<void> {
  const current = globalForLock.framevaultBackupLock;
  if (current?.setId === setId) await releaseHeld(current);
}

/** Whether a run that this process does not run holds the lock, i.e. is alive somewhere (false: nobody holds it). */
export async function runLockHeldElsewhere(setId: string): Promise<boolean> {
  const current = globalForLock.framevaultBackupLock;
  if (current?.setId === setId && (await stillHeld(current))) return true;
  const rows = await getDb().execute<{ n: number }>(sql`
    select count(*)::int as n from pg_locks where locktype = 'advisory' and classid = ${LOCK_CLASS} and objid = ${RUN_LOCK} and granted`);
  return Number(rows[0]?.n ?? 0) > 0;
}

/**
 * The purge lease: hard deletes of media content (the object_deletions drain, the blob sweep, orphan deletes)
 * take it shared, in a transaction, and go ahead only while no backup runs; a backup's start takes it
 * exclusively while it records itself as running. So a delete either finished before the snapshot (its rows
 * are gone from it too) or waits for the next purge after the run. Returns false (nothing done) while a backup runs.
 */
export async function whileNoBackupRuns<T>(work: (tx: Tx) => Promise<T>): Promise<{ ran: true; result: T } | { ran: false }> {
  return getDb().transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock_shared(${LOCK_CLASS}, ${PURGE_LEASE})`);
    // A `running` row whose lock nobody holds is a run that died: it holds nothing back.
    const [running] = await tx.execute<{ live: boolean }>(sql`
      select exists(select 1 from backup_sets where status in ('running', 'verifying'))
         and exists(select 1 from pg_locks where locktype = 'advisory' and classid = ${LOCK_CLASS} and objid = ${RUN_LOCK} and granted) as live`);
    if (running?.live) return { ran: false as const };
    return { ran: true as const, result: await work(tx) };
  });
}

/** For the run's start, inside the transaction that records it as running: waits for deletes in flight. */
export async function takePurgeLeaseExclusively(tx: Tx): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${LOCK_CLASS}, ${PURGE_LEASE})`);
}
