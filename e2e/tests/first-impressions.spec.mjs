// What a new visitor, agent and owner meet in their first minutes ("First impressions").
import { expect, test } from "@playwright/test";

const app = process.env.CHATSUPPORT_URL;

test("signing in lands on the dashboard's address; /login and Back never show the form while signed in", async ({ page }) => {
  await page.goto(`${app}/register`);
  await page.goto(`${app}/login`);
  await page.waitForLoadState("networkidle");
  await page.getByRole("button", { name: /Sign in as Acme Corp Owner/ }).click();
  await expect(page).toHaveURL(/\/conversations$/);
  await expect(page.getByRole("heading", { name: "Conversations" })).toBeVisible();
  await page.goBack();
  await expect(page).not.toHaveURL(/\/login$/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toHaveCount(0);
  await page.goto(`${app}/login`);
  await expect(page).toHaveURL(/\/conversations$/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toHaveCount(0);
});
