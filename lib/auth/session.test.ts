import { describe, expect, it } from "vitest";
import { adminSignIn, newUser, sessionFromCookie, type Session } from "@/scripts/testing/client";

/** Signs out through Auth.js's own endpoint, as the app's sign-out button ends up doing. */
async function signOutVia(session: Session) {
  const { csrfToken } = await (await session.fetch("/api/auth/csrf")).json();
  const res = await session.fetch("/api/auth/signout", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ csrfToken }),
  });
  expect(res.status).toBe(302);
}

describe("sessions end on the server", () => {
  it("refuses a cookie captured before sign-out", async () => {
    const user = await newUser();
    const captured = sessionFromCookie(user.session.cookie);
    expect((await captured.json("/api/v1/files")).status).toBe(200);
    await signOutVia(user.session);
    expect(await captured.json("/api/v1/files")).toMatchObject({ status: 401, body: { error: { code: "unauthorized" } } });
    // Pages treat it as signed out too (no redirect loop between the sign-in page and the app).
    expect((await captured.fetch("/files")).headers.get("location")).toContain("/sign-in");
    expect((await captured.fetch("/sign-in")).status).toBe(200);
  });

  it("ends the sessions of a disabled account for good, even after it is enabled again", async () => {
    const admin = await adminSignIn();
    const user = await newUser();
    expect((await admin.json(`/api/v1/users/${user.id}`, { method: "PATCH", body: { disabled: true } })).status).toBe(200);
    expect((await user.session.json("/api/v1/files")).status).toBe(401);
    expect((await admin.json(`/api/v1/users/${user.id}`, { method: "PATCH", body: { disabled: false } })).status).toBe(200);
    expect((await user.session.json("/api/v1/files")).status).toBe(401);
  });
});
