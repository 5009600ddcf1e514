// Shared by the Playwright specs: the seeded admin and signing in through the sign-in page.
import { expect, type Page } from "@playwright/test";

export const ADMIN = { email: process.env.FRAMEVAULT_ADMIN_EMAIL!, password: process.env.FRAMEVAULT_ADMIN_PASSWORD! };

/** Signs in through the page as a person would, and waits until the header names the account. */
export async function signIn(page: Page, account: { email: string; password: string } = ADMIN): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByTestId("current-user")).toHaveText(account.email);
}

/**
 * Follows a link of the main navigation the way a person finds it: on a narrow screen through "Menu", an
 * admin page through the "Admin" disclosure (both keyboard buttons with aria-expanded).
 */
export async function navigate(page: Page, name: string): Promise<void> {
  const nav = page.getByRole("navigation", { name: "Main" });
  const link = nav.getByRole("link", { name, exact: true });
  const menu = page.getByRole("button", { name: "Menu" });
  if (!(await link.isVisible()) && (await menu.isVisible())) await menu.click();
  const admin = nav.getByRole("button", { name: "Admin" });
  if (!(await link.isVisible()) && (await admin.isVisible())) {
    await admin.click();
    await expect(admin).toHaveAttribute("aria-expanded", "true");
  }
  await link.click();
}
