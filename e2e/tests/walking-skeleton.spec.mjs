// The walking skeleton, as a person would use it: a visitor on another site chats through the
// widget; the owner's dashboard shows it live, without a reload, and search finds it.
import { expect, test } from "@playwright/test";

const FALLBACK = "I don't have an answer for that yet";

/** A dashboard page signed in as the demo owner (the login page's demo account picker). */
async function signedInDashboard(browser) {
  const page = await browser.newPage();
  await page.goto(`${process.env.CHATSUPPORT_URL}/conversations`);
  await expect(page).toHaveURL(/\/login$/);
  await page.getByRole("button", { name: /Sign in as Acme Corp Owner/ }).click();
  await expect(page).toHaveURL(/\/conversations$/);
  return page;
}

test("a visitor chats on a third-party site and the dashboard sees it live", async ({ browser }) => {
  const dashboard = await signedInDashboard(browser);
  await expect(dashboard.getByRole("heading", { name: "Conversations" })).toBeVisible();
  await expect(dashboard.getByRole("list", { name: "Conversations" })).toContainText("John Smith");
  // "Live" shows once the page has hydrated and its WebSocket is open.
  await expect(dashboard.getByRole("status")).toHaveText("Live");
  await dashboard.evaluate(() => (window.__notReloaded = true));

  const visitor = await browser.newPage();
  await visitor.goto(process.env.THIRD_PARTY_URL);
  await visitor.getByRole("button", { name: "Open chat" }).click();
  const chat = visitor.frameLocator('iframe[title="Chat"]');
  const log = chat.getByRole("log");
  await expect(log).toContainText("Acme Helper");
  // Not small talk (a bare "Hello" is greeted back), and nothing the demo knowledge covers.
  await chat.getByRole("textbox", { name: "Message" }).fill("Hello, is anyone there?");
  await chat.getByRole("button", { name: "Send" }).click();
  await expect(log).toContainText("Hello, is anyone there?");
  await expect(log).toContainText(FALLBACK);

  // The dashboard got the new conversation over its socket: no reload happened.
  const list = dashboard.getByRole("list", { name: "Conversations" });
  // The row shows the visitor's words (not the bot's answer) under a readable name.
  const row = list.getByRole("link", { name: /Hello/ }).first();
  await expect(row).not.toContainText(FALLBACK);
  await expect(row.locator(".visitor")).toHaveText(/^[A-Z][a-z]+ [A-Z][a-z]+$/);
  expect(await dashboard.evaluate(() => window.__notReloaded)).toBe(true);
  await row.click();
  const messages = dashboard.getByRole("log", { name: "Messages" });
  await expect(messages).toContainText("Hello");
  await expect(messages).toContainText(FALLBACK);

  // The index commits every 200 ms; on a busy machine the first search may come before it.
  const results = dashboard.getByRole("region", { name: "Search results" });
  await expect(async () => {
    await dashboard.getByRole("searchbox", { name: "Search messages" }).fill("Hello");
    await dashboard.getByRole("searchbox", { name: "Search messages" }).press("Enter");
    await expect(results).toContainText(/\d+ conversations? match/, { timeout: 1000 });
  }).toPass({ timeout: 15000 });
  await expect(results.locator("mark").first()).toHaveText("Hello");
});

test("new messages appear on an open conversation without a reload", async ({ browser }) => {
  const visitor = await browser.newPage();
  await visitor.goto(process.env.THIRD_PARTY_URL);
  await visitor.getByRole("button", { name: "Open chat" }).click();
  const chat = visitor.frameLocator('iframe[title="Chat"]');
  await chat.getByRole("textbox", { name: "Message" }).fill("Do you ship to Norway?");
  await chat.getByRole("textbox", { name: "Message" }).press("Enter");
  await expect(chat.getByRole("log")).toContainText(FALLBACK);

  const dashboard = await signedInDashboard(browser);
  await dashboard.getByRole("link", { name: /Do you ship to Norway/ }).first().click();
  const messages = dashboard.getByRole("log", { name: "Messages" });
  await expect(messages).toContainText("Do you ship to Norway?");
  await expect(dashboard.getByRole("status")).toHaveText("Live");

  await chat.getByRole("textbox", { name: "Message" }).fill("And to Iceland?");
  await chat.getByRole("button", { name: "Send" }).click();
  await expect(messages).toContainText("And to Iceland?");
});

test("the Bots page shows the widget was seen on the third-party site", async ({ browser }) => {
  const dashboard = await signedInDashboard(browser);
  await dashboard.goto(`${process.env.CHATSUPPORT_URL}/bots`);
  const thirdParty = new URL(process.env.THIRD_PARTY_URL).origin;
  await expect(dashboard.getByRole("status").filter({ hasText: "Installed" })).toContainText(`seen on ${thirdParty}`);
});
