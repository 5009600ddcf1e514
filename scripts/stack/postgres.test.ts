// The embedded Postgres starts for a project that lives in a folder only root may enter (a clone under
// /root, mode 700), without that folder's permissions changing, and a persistent cluster survives a restart.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres, type LocalPostgres } from "./postgres";

const parent = fs.mkdtempSync(path.join(os.tmpdir(), "fv-private-"));
fs.chmodSync(parent, 0o700);
const project = path.join(parent, "app");
const running: LocalPostgres[] = [];
const made = new Set<string>();
const isRoot = process.getuid?.() === 0;

afterAll(async () => {
  await Promise.all(running.map((pg) => pg.stop()));
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(parent, { recursive: true, force: true });
});

async function query<T extends Record<string, unknown>>(url: string, text: string): Promise<T[]> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return (await sql.unsafe(text)) as unknown as T[];
  } finally {
    await sql.end({ timeout: 5 });
  }
}

describe("embedded Postgres for a project inside a mode-700 folder", () => {
  it("starts, answers a query, and leaves the folder's mode alone", async () => {
    const dir = path.join(project, ".data", "postgres");
    const pg = await startEmbeddedPostgres({ dir, persistent: false, database: "framevault", password: "pw-throwaway" });
    running.push(pg);
    made.add(pg.dataDir);
    const [row] = await query<{ db: string; who: string }>(pg.url, "select current_database() as db, current_user as who");
    expect(row).toEqual({ db: "framevault", who: "postgres" });
    expect(fs.statSync(parent).mode & 0o777).toBe(0o700);
    // As root the server runs as `postgres`, which cannot enter `parent`: the cluster lives elsewhere, linked from .data.
    if (isRoot) {
      expect(pg.dataDir.startsWith(parent)).toBe(false);
      expect(fs.readlinkSync(dir)).toBe(pg.dataDir);
    }
    await pg.stop();
    running.pop();
    expect(fs.existsSync(pg.dataDir)).toBe(false);
  });

  it("keeps a persistent cluster across restarts, and starts from scratch once .data/ is deleted", async () => {
    const dir = path.join(project, ".data", "postgres");
    const start = async () => {
      const pg = await startEmbeddedPostgres({ dir, persistent: true, database: "framevault", password: "pw-dev" });
      running.push(pg);
      made.add(pg.dataDir);
      return pg;
    };
    const stop = async (pg: LocalPostgres) => {
      await pg.stop();
      running.splice(running.indexOf(pg), 1);
    };

    let pg = await start();
    await query(pg.url, "create table kept (n int); insert into kept values (42)");
    await stop(pg);

    pg = await start();
    expect(await query(pg.url, "select n from kept")).toEqual([{ n: 42 }]);
    await stop(pg);

    fs.rmSync(path.join(project, ".data"), { recursive: true, force: true });
    pg = await start();
    expect(await query(pg.url, "select to_regclass('kept') as t")).toEqual([{ t: null }]);
    await stop(pg);
  });
});
