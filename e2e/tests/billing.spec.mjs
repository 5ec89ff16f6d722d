// Usage pools, the plan catalog and a plan change; the Users directory.
import { expect, test } from "@playwright/test";

test("the owner reads usage against the plan and moves the workspace to another plan", async ({ page }) => {
  const app = process.env.CHATSUPPORT_URL;
  await page.goto(`${app}/login`);
  await page.getByRole("button", { name: /Sign in as Acme Corp Owner/ }).click();
  await expect(page).toHaveURL(/\/conversations$/);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Billing & plans" }).click();
  const card = page.getByRole("article", { name: "Workspace Acme Support" });
  await expect(card).toContainText("Growth");
  await expect(card.getByRole("progressbar", { name: /Widget loads: 1,800 of 5,000 used/ })).toBeVisible();
  await expect(card).toContainText("$245.50");
  await expect(page.getByRole("listitem", { name: "Enterprise plan" })).toContainText("Custom");

  await page.getByRole("listitem", { name: "Premium plan" }).getByRole("button", { name: "Move Acme Support here" }).click();
  await expect(page.getByRole("status").filter({ hasText: "is now on Premium" })).toBeVisible();
  await expect(card.getByRole("progressbar", { name: /Widget loads: 1,800 of 20,000 used/ })).toBeVisible();
  await page.getByRole("listitem", { name: "Growth plan" }).getByRole("button", { name: "Move Acme Support here" }).click();
  await expect(page.getByRole("status").filter({ hasText: "is now on Growth" })).toBeVisible();
});

test("any member looks colleagues up in the Users directory", async ({ page }) => {
  const app = process.env.CHATSUPPORT_URL;
  await page.goto(`${app}/login`);
  await page.getByRole("button", { name: /Sign in as Acme Corp Owner/ }).click();
  await expect(page).toHaveURL(/\/conversations$/);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).click();
  const people = page.getByRole("list", { name: "People" });
  await expect(people).toContainText("Jane Doe");
  await page.getByRole("searchbox", { name: "Search people" }).fill("jane");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(people.getByRole("listitem")).toHaveCount(1);
  await expect(people).toContainText("jane@acme.com");
});

test("the owner copies a bot's embed snippet", async ({ page, context }) => {
  const app = process.env.CHATSUPPORT_URL;
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: app });
  await page.goto(`${app}/login`);
  await page.getByRole("button", { name: /Sign in as Acme Corp Owner/ }).click();
  await expect(page).toHaveURL(/\/conversations$/);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Bots" }).click();
  const snippet = page.getByLabel(/Embed snippet/);
  await expect(snippet).toHaveValue(`<script src="${app}/embed.js" data-bot="demo-acme-helper" async></script>`);
  await page.getByRole("button", { name: "Copy snippet of Acme Helper" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Snippet copied" })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toContain('data-bot="demo-acme-helper"');
});
