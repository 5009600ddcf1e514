import { expect, test } from "@playwright/test";
import { ADMIN, navigate } from "./support";

test.beforeEach(async ({ page }) => {
  await page.goto("/sign-in");
  await expect(page.getByRole("button", { name: "Sign in with Example SSO" })).toBeVisible();
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByTestId("current-user")).toHaveText(ADMIN.email);
});

test("an API key is shown once, works as a Bearer token, and stops working when revoked in the UI", async ({ page, request }) => {
  await navigate(page, "API keys");
  await expect(page).toHaveURL(/\/settings\/api-keys$/);
  await expect(page.getByRole("heading", { name: "Create a key" })).toBeVisible();
  await page.getByLabel("Name").fill("e2e edge box");
  await expect(page.getByLabel("Name")).toHaveValue("e2e edge box");
  await page.getByRole("button", { name: "Create key" }).click();
  const secret = (await page.getByTestId("new-key-secret").textContent())!.trim();
  expect(secret).toMatch(/^fvk_/);
  const asKey = { headers: { authorization: `Bearer ${secret}` } };
  expect((await request.get("/api/v1/files", asKey)).status()).toBe(200);

  await page.getByRole("button", { name: "Done" }).click();
  await expect(page.getByTestId("new-key-secret")).toHaveCount(0);
  const row = page.getByTestId("api-key-row").filter({ hasText: "e2e edge box" });
  await expect(row.getByText("Active")).toBeVisible();
  await expect(page.getByText(secret)).toHaveCount(0);
  page.once("dialog", (d) => d.accept());
  await row.getByRole("button", { name: "Revoke" }).click();
  await expect(row.getByText("Revoked")).toBeVisible();
  expect((await request.get("/api/v1/files", asKey)).status()).toBe(401);
});

test("the audit page shows a verified chain, filters events and exports them", async ({ page }) => {
  await navigate(page, "Audit");
  await expect(page).toHaveURL(/\/audit$/);
  await expect(page.getByTestId("audit-verified")).toContainText("Hash chain intact");
  await page.getByLabel("Action").fill("api_key.revoke");
  await expect(page.getByLabel("Action")).toHaveValue("api_key.revoke");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByTestId("audit-row").first()).toContainText("api_key.revoke");
  // One page holds them all (there are few revocations), so the exact total is the number of rows.
  await expect(page.getByTestId("audit-row").filter({ hasNotText: "api_key.revoke" })).toHaveCount(0);
  const shown = await page.getByTestId("audit-row").count();
  expect(shown).toBeLessThan(50);
  await expect(page.getByTestId("audit-total")).toHaveText(`${shown} ${shown === 1 ? "event" : "events"} match`);
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  expect((await download).suggestedFilename()).toMatch(/^framevault-audit-.*\.csv$/);
});
