// Lists at N files (a tenth owned by the bench user, the rest by others), seeded with SQL through the owner
// connection: p99 of `GET /api/v1/files` for the default page, a deep cursor page, name searches, a camera
// filter and a size sort, each against the same page query run straight on Postgres.
import { apiHeaders, type BenchContext } from "../lib/context";
import { expectStatus, percentile } from "../lib/load";
import { fmt, verdict } from "../lib/report";

const LIMIT = 24;
const CAMERAS = 200;

/** Inserts `rows` live files in batches: `ownerRows` for the bench user, the rest spread over nine others. */
async function seedFiles(ctx: BenchContext, rows: number, ownerRows: number): Promise<void> {
  const others = await ctx.sql<{ id: string }[]>`
    insert into users (email, name, role)
    select 'bench-other-' || g || '-' || md5(random()::text) || '@bench.framevault.local', 'Bench other ' || g, 'user'
    from generate_series(1, 9) g returning id`;
  const otherIds = others.map((o) => o.id);
  const batch = 100_000;
  for (let from = 1; from <= rows; from += batch) {
    const to = Math.min(rows, from + batch - 1);
    // Row g: the bench user's while g <= ownerRows; names IMG_<g, 7 digits>.jpg; one file a second into the past.
    await ctx.sql`
      insert into files (owner_id, filename, mime_type, size, category, status, camera_id, created_at, updated_at)
      select case when g <= ${ownerRows} then ${ctx.user.id}::uuid else (${otherIds}::uuid[])[1 + g % 9] end,
             'IMG_' || lpad(g::text, 7, '0') || '.jpg', 'image/jpeg', 1000 + (hashint4(g)::bigint & 16777215), 'general', 'ready',
             'cam-' || (g % ${CAMERAS}), now() - make_interval(secs => g), now() - make_interval(secs => g)
      from generate_series(${from}::int, ${to}::int) g`;
    ctx.log(`lists: seeded ${to.toLocaleString()} of ${rows.toLocaleString()} files`);
  }
  await ctx.sql`analyze files`;
}

async function sample(count: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

export async function listScenarios(ctx: BenchContext): Promise<void> {
  const rows = ctx.opts.rows;
  const ownerRows = Math.max(1, Math.round(rows / 10));
  ctx.log(`lists: seeding ${rows.toLocaleString()} files (${ownerRows.toLocaleString()} for the bench user)`);
  const t0 = performance.now();
  await seedFiles(ctx, rows, ownerRows);
  ctx.log(`lists: seeded in ${Math.round((performance.now() - t0) / 1000)} s`);
  const owner = ctx.user.id;
  const samples = ctx.opts.quick ? 40 : 200;
  const get = async (query: string) => {
    const res = await expectStatus(await fetch(`${ctx.base}/api/v1/files${query}`, { headers: apiHeaders(ctx) }), 200);
    return (await res.json()) as { files: unknown[]; pagination: { nextCursor: string | null; total: number; totalExact: boolean } };
  };

  // A deep position: follow nextCursor page after page, as a client walking the set would.
  const depth = Math.min(500, Math.floor(ownerRows / LIMIT / 2));
  ctx.log(`lists: following nextCursor ${depth} pages deep`);
  let cursor: string | null = null;
  for (let i = 0; i < depth; i++) {
    const page = await get(`?limit=${LIMIT}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    cursor = page.pagination.nextCursor;
    if (!cursor) break;
  }
  const [deep] = await ctx.sql<{ created_at: Date; id: string }[]>`
    select created_at, id from files where deleted_at is null and owner_id = ${owner}
    order by created_at desc, id desc offset ${depth * LIMIT - 1} limit 1`;
  // Name searches: one selective (about a hundred of the user's files), one matching every file.
  const g = String(Math.floor(ownerRows * 0.37)).padStart(7, "0");
  const selective = `IMG_${g.slice(0, 5)}`;
  const camera = "cam-7";

  const cases: { name: string; api: string; raw: () => Promise<unknown> }[] = [
    { name: "default page", api: `?limit=${LIMIT}`, raw: () => ctx.sql`select * from files where deleted_at is null and owner_id = ${owner} order by created_at desc, id desc limit ${LIMIT + 1}` },
    {
      name: `cursor ${depth} pages deep`, api: `?limit=${LIMIT}&cursor=${encodeURIComponent(cursor ?? "")}`,
      raw: () => ctx.sql`select * from files where deleted_at is null and owner_id = ${owner} and (created_at, id) < (${deep.created_at}, ${deep.id}::uuid) order by created_at desc, id desc limit ${LIMIT + 1}`,
    },
    { name: `\`q=${selective}\` (selective name search)`, api: `?limit=${LIMIT}&q=${selective}`, raw: () => ctx.sql`select * from files where deleted_at is null and owner_id = ${owner} and filename ilike ${`%${selective}%`} order by created_at desc, id desc limit ${LIMIT + 1}` },
    { name: "`q=IMG` (matches every file)", api: `?limit=${LIMIT}&q=IMG`, raw: () => ctx.sql`select * from files where deleted_at is null and owner_id = ${owner} and filename ilike '%IMG%' order by created_at desc, id desc limit ${LIMIT + 1}` },
    { name: `\`cameraId=${camera}\``, api: `?limit=${LIMIT}&cameraId=${camera}`, raw: () => ctx.sql`select * from files where deleted_at is null and owner_id = ${owner} and camera_id = ${camera} order by created_at desc, id desc limit ${LIMIT + 1}` },
    { name: "`status=failed`", api: `?limit=${LIMIT}&status=failed`, raw: () => ctx.sql`select * from files where deleted_at is null and owner_id = ${owner} and status = 'failed' order by created_at desc, id desc limit ${LIMIT + 1}` },
    { name: "`sortBy=size`", api: `?limit=${LIMIT}&sortBy=size`, raw: () => ctx.sql`select * from files where deleted_at is null and owner_id = ${owner} order by size desc, id desc limit ${LIMIT + 1}` },
    { name: "`sortBy=name&sortOrder=asc`", api: `?limit=${LIMIT}&sortBy=name&sortOrder=asc`, raw: () => ctx.sql`select * from files where deleted_at is null and owner_id = ${owner} order by filename asc, id asc limit ${LIMIT + 1}` },
  ];
  for (const c of cases) {
    if (!cursor && c.name.startsWith("cursor")) continue;
    ctx.log(`lists: ${c.name}`);
    const first = await get(c.api);
    const app = await sample(samples, () => get(c.api));
    const raw = await sample(samples, c.raw);
    const p99 = percentile(app, 99);
    const total = `total ${first.pagination.total.toLocaleString()}${first.pagination.totalExact ? "" : " (estimated)"}`;
    ctx.add({
      operation: `list, ${rows.toLocaleString()} files (${ownerRows.toLocaleString()} the user's): ${c.name}`,
      framevault: `p99 ${fmt.ms(p99)}, p50 ${fmt.ms(percentile(app, 50))} (${total})`,
      baseline: `SQL p99 ${fmt.ms(percentile(raw, 99))}, p50 ${fmt.ms(percentile(raw, 50))}`,
      ratio: fmt.ratio(p99, percentile(raw, 99)),
      goal: "p99 < 25 ms",
      met: verdict(p99 < 25),
    });
  }
}
