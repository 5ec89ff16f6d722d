// Signing in and out of the dashboard as a person would.
import { expect, test } from "@playwright/test";

test("a wrong password is refused, a demo account signs in, signing out ends the session", async ({ page }) => {
  const app = process.env.CHATSUPPORT_URL;
  await page.goto(`${app}/conversations`);
  await expect(page).toHaveURL(/\/login$/);

  await page.getByRole("textbox", { name: "Email" }).fill("jane@acme.com");
  await page.getByLabel("Password").fill("not-her-password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("alert")).toHaveText("That email and password do not match an account.");

  await page.getByLabel("Password").fill("password123");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/conversations$/);
  await expect(page.getByRole("banner")).toContainText("Jane Doe");
  await expect(page.getByRole("banner")).toContainText("Admin");

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto(`${app}/conversations`);
  await expect(page).toHaveURL(/\/login$/);
});
