import { expect, test } from "@playwright/test";
import { signIn } from "./support";

// The main navigation: everyday links in a row, the admin pages behind one "Admin" disclosure on wide
// screens, and every link behind "Menu" on a phone; all of it by keyboard.

test("wide screens: the admin pages sit behind Admin, opened and closed by keyboard", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await signIn(page);
  const nav = page.getByRole("navigation", { name: "Main" });
  const admin = nav.getByRole("button", { name: "Admin" });
  await expect(nav.getByRole("link", { name: "Files", exact: true })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Users", exact: true })).toBeHidden();
  await expect(page.getByRole("button", { name: "Menu" })).toBeHidden();

  await admin.focus();
  await page.keyboard.press("Enter");
  await expect(admin).toHaveAttribute("aria-expanded", "true");
  for (const name of ["Users", "Webhooks", "Jobs", "Archive", "Retention", "Reconcile", "CDN", "Backups"]) await expect(nav.getByRole("link", { name, exact: true })).toBeVisible();
  await page.screenshot({ path: "test-results/shots/nav-admin-open-1280.png" });
  await page.keyboard.press("Escape");
  await expect(admin).toHaveAttribute("aria-expanded", "false");
  await expect(admin).toBeFocused();
  await expect(nav.getByRole("link", { name: "Users", exact: true })).toBeHidden();

  // Following an admin link closes the group, which then shows it holds the current page.
  await admin.click();
  await nav.getByRole("link", { name: "Jobs", exact: true }).click();
  await expect(page).toHaveURL(/\/admin\/jobs$/);
  await expect(admin).toHaveAttribute("aria-expanded", "false");
  await expect(admin).toHaveAttribute("data-current", "");
  // The header fits: nothing of it is pushed past the right edge.
  const right = await page.locator(".user-menu").evaluate((el) => el.getBoundingClientRect().right);
  expect(right).toBeLessThanOrEqual(1280);
});

test("phones: one Menu button lists every link, and a link closes it", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page);
  const menu = page.getByRole("button", { name: "Menu" });
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Files", exact: true })).toBeHidden();
  await menu.click();
  await expect(menu).toHaveAttribute("aria-expanded", "true");
  for (const name of ["Dashboard", "Files", "Upload", "Trash", "Audit", "Users", "Jobs", "Archive", "CDN", "Backups", "API docs"]) {
    await expect(nav.getByRole("link", { name, exact: true })).toBeVisible();
  }
  await page.screenshot({ path: "test-results/shots/nav-menu-390.png" });
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(scrollWidth).toBeLessThanOrEqual(390);
  await nav.getByRole("link", { name: "Trash", exact: true }).click();
  await expect(page).toHaveURL(/\/trash$/);
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await expect(nav.getByRole("link", { name: "Files", exact: true })).toBeHidden();
});
