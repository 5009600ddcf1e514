import { describe, expect, it } from "vitest";
import { newUser } from "@/scripts/testing/client";
import { testSql, waitForStatus } from "@/scripts/testing/backends";

// Audited writes no longer queue behind one lock: many clients at once, every row kept, the chain
// extended behind them by the app's own sealer.

describe("audit under concurrency", () => {
  it("keeps all of 500 audited operations from 50 concurrent clients, and the chain verifies once they are sealed", async () => {
    const people = await Promise.all(Array.from({ length: 10 }, () => newUser()));
    const clients = Array.from({ length: 50 }, (_, i) => people[i % people.length]);
    const keyIds = (
      await Promise.all(
        clients.map(async (client, c) => {
          const ids: string[] = [];
          for (let i = 0; i < 10; i++) {
            const res = await client.session.json("/api/v1/api-keys", { method: "POST", body: { name: `burst ${c}-${i}`, scopes: ["files:read"] } });
            expect(res.status).toBe(201);
            ids.push(res.body.id);
          }
          return ids;
        }),
      )
    ).flat();
    expect(new Set(keyIds).size).toBe(500);

    const events = await testSql()`select id from audit_events where action = 'api_key.create' and details->>'keyId' = any(${keyIds})`;
    expect(events).toHaveLength(500);

    // The app's interval sealer (not a verification) chains them, seconds behind.
    const sealed = async () =>
      String((await testSql()`select count(*)::int as n from audit_chain c join audit_events e on e.id = c.event_id
        where e.action = 'api_key.create' and e.details->>'keyId' = any(${keyIds})`)[0].n);
    expect(await waitForStatus(sealed, "500", 60_000)).toBe("500");

    const auditor = await newUser("auditor");
    const result = (await auditor.session.json("/api/v1/audit-events/verify")).body;
    expect(result).toMatchObject({ valid: true });
    expect(result.checked).toBeGreaterThanOrEqual(500);
  }, 180_000);
});
