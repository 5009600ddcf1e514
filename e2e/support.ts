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
