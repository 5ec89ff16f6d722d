// Every page of our own, checked by axe-core: no serious or critical violation. The operators'
// console is checked in platform.spec.mjs, where an operator exists.
import { expect, test } from "@playwright/test";
import { expectAccessible } from "./axe.mjs";

const app = process.env.CHATSUPPORT_URL;

test("the sign-in family of pages has no serious accessibility violation", async ({ page }) => {
  for (const path of ["/login", "/register", "/forgot-password"]) {
    await page.goto(`${app}${path}`);
    await page.waitForLoadState("networkidle");
    await expectAccessible(page, path);
  }
});

test("every dashboard page has no serious accessibility violation", async ({ page }) => {
  await page.goto(`${app}/login`);
  await page.getByRole("button", { name: /Sign in as Acme Corp Owner/ }).click();
  await expect(page).toHaveURL(/\/conversations$/);
  await expect(page.getByRole("status").filter({ hasText: "Live" })).toBeVisible();
  await expectAccessible(page, "/conversations");
  await page.getByRole("list", { name: "Conversations" }).getByRole("link").first().click();
  await expect(page.getByRole("log", { name: "Messages" })).toBeVisible();
  await expectAccessible(page, "/conversations?c=…");
  for (const path of ["/users", "/bots", "/billing", "/team", "/audit", "/settings", "/profile", "/outbox", "/no-such-page"]) {
    await page.goto(`${app}${path}`);
    await page.waitForLoadState("networkidle");
    await expectAccessible(page, path);
  }
  // The bot settings form, opened.
  await page.goto(`${app}/bots`);
  await page.getByText(/Widget and behaviour settings of/).first().click();
  await expectAccessible(page, "/bots (settings open)");
});

test("the widget has no serious accessibility violation", async ({ page }) => {
  await page.goto(`${app}/widget/demo-acme-helper`);
  await expect(page.getByRole("log")).toBeVisible();
  await page.getByRole("textbox", { name: "Message" }).fill("Checking the widget for accessibility");
  await page.getByRole("textbox", { name: "Message" }).press("Enter");
  await expect(page.getByRole("log")).toContainText("I don't have an answer for that yet");
  await expectAccessible(page, "widget");
});
