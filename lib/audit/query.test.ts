import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { newUser } from "@/scripts/testing/client";
import { ownerSql } from "@/scripts/testing/backends";

let auditor: Awaited<ReturnType<typeof newUser>>;

beforeAll(async () => {
  auditor = await newUser("auditor");
});

/** Inserts `count` events under an action no other test uses, as the database's owner; returns their ids. */
async function seedEvents(count: number): Promise<{ action: string; ids: number[] }> {
  const action = `test.paging-${randomUUID().slice(0, 8)}`;
  const rows = await ownerSql()<{ id: string }[]>`
    insert into audit_events (actor_type, actor_id, action, outcome, details)
    select 'system', 'system:test', ${action}, 'success', jsonb_build_object('n', g) from generate_series(1, ${count}) g
    returning id`;
  return { action, ids: rows.map((r) => Number(r.id)) };
}

describe("audit log paging", () => {
  it("cursor paging returns every matching event exactly once, newest first", async () => {
    const { action, ids } = await seedEvents(125);
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { status: number; body: any } = await auditor.session.json(`/api/v1/audit-events?action=${action}&limit=10${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.status).toBe(200);
      expect(res.body.pagination).toMatchObject({ total: 125, totalExact: true, limit: 10 });
      expect(res.body.pagination.nextCursor).toBe(res.body.nextCursor);
      seen.push(...res.body.events.map((e: { id: number }) => e.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    expect(pages).toBe(13);
    expect(seen).toEqual([...ids].sort((a, b) => b - a));
  });

  it("page paging beside the cursor reads the same rows", async () => {
    const { action, ids } = await seedEvents(30);
    const newestFirst = [...ids].sort((a, b) => b - a);
    const second = await auditor.session.json(`/api/v1/audit-events?action=${action}&limit=10&page=2`);
    expect(second.status).toBe(200);
    expect(second.body.events.map((e: { id: number }) => e.id)).toEqual(newestFirst.slice(10, 20));
    expect(second.body.pagination).toMatchObject({ page: 2, total: 30, totalPages: 3, totalExact: true });
    const viaCursor = await auditor.session.json(`/api/v1/audit-events?action=${action}&limit=10&cursor=${newestFirst[9]}`);
    expect(viaCursor.body.events.map((e: { id: number }) => e.id)).toEqual(newestFirst.slice(10, 20));
    expect(viaCursor.body.pagination.page).toBeNull();
  });

  it("counts exactly up to 10 000 matches and says when the total is an estimate above that", async () => {
    const { action } = await seedEvents(10_001);
    const res = await auditor.session.json(`/api/v1/audit-events?action=${action}&limit=5`);
    expect(res.status).toBe(200);
    expect(res.body.events).toHaveLength(5);
    expect(res.body.pagination.totalExact).toBe(false);
    expect(res.body.pagination.total).toBeGreaterThanOrEqual(10_001);
  });
});
