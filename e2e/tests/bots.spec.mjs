// Bots and their knowledge, as an owner meets it: a new owner creates a bot through the guided
// flow, pastes its snippet into another site and chats with it; clone, archive and restore.
import { expect, test } from "@playwright/test";
import { registerAndVerify, signInAsDemoOwner } from "./people.mjs";
import { expectAccessible } from "./axe.mjs";

const app = process.env.CHATSUPPORT_URL;

test("a new owner creates a bot in the guided flow, puts it on a site and chats with it", async ({ page, context, browser }) => {
  const started = Date.now();
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: app });
  await registerAndVerify(page, app, { name: "Mia Maker", email: "mia@maker.example", company: "Maker Goods" });
  await page.goto(`${app}/bots`);
  await expect(page.getByText("No bots yet.")).toBeVisible();
  await page.getByRole("link", { name: "Create your first bot" }).click();
  await expect(page).toHaveURL(/\/bots\/new$/);
  await expect(page.getByRole("heading", { name: "Create a bot" })).toBeVisible();

  // Step 1: a name is needed before going on; the voice is a choice of three.
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByRole("alert")).toContainText("3–50 characters");
  await page.getByLabel("Bot name").fill("Maker Helper");
  await page.getByRole("radio", { name: /Friendly/ }).check();
  await page.getByRole("button", { name: "Next" }).click();

  // Step 2: the greeting follows the voice and the preview follows the greeting.
  const greeting = page.getByLabel("Welcome message");
  await expect(greeting).toHaveValue(/happy to help/);
  await greeting.fill("Hi! Ask me about our handmade goods.");
  const preview = page.getByRole("figure", { name: "Preview of the chat" });
  await expect(preview).toContainText("Maker Helper");
  await expect(preview).toContainText("Ask me about our handmade goods.");
  await page.getByRole("radio", { name: /Business hours/ }).check();
  await expect(page.getByLabel("Opens")).toBeVisible();
  await page.getByRole("radio", { name: /24\/7/ }).check();
  await expectAccessible(page, "the guided flow");
  await page.getByRole("button", { name: "Create bot" }).click();

  // Step 3: live at once, and taught what customers ask, right here (the Knowledge page's forms).
  await expect(page.getByRole("status").filter({ hasText: "Maker Helper is live." })).toBeVisible();
  await expect(page.getByRole("heading", { name: "3. Teach it what your customers ask" })).toBeVisible();
  await expect(page.getByText("This bot knows nothing yet")).toBeVisible();
  await page.getByText("Add an FAQ").click();
  await page.getByLabel("Question", { exact: true }).fill("Do you ship to Canada?");
  await page.getByLabel("Answer", { exact: true }).fill("Yes: parcels reach Canada in about a week.");
  await page.getByRole("button", { name: "Add FAQ" }).click();
  await expect(page.getByRole("progressbar", { name: "Do you ship to Canada?: Ready" })).toHaveAttribute("aria-valuenow", "100");
  await expectAccessible(page, "the guided flow's knowledge step");
  await page.setViewportSize({ width: 360, height: 740 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.getByRole("button", { name: "Next: install" }).click();

  // Step 4: the snippet to copy and the real widget to try.
  await expect(page.getByRole("heading", { name: "4. Install" })).toBeVisible();
  await page.getByRole("button", { name: "Copy snippet of Maker Helper" }).click();
  const snippet = await page.evaluate(() => navigator.clipboard.readText());
  const key = snippet.match(/data-bot="([^"]+)"/)?.[1];
  expect(key, snippet).toBeTruthy();
  const tryIt = page.frameLocator('iframe[title="Live preview of Maker Helper"]');
  await expect(tryIt.getByRole("log")).toContainText("Ask me about our handmade goods.");

  // Pasted into another site, the widget greets and answers its visitors.
  const visitor = await browser.newPage();
  await visitor.goto(`${process.env.THIRD_PARTY_URL}?bot=${encodeURIComponent(key)}`);
  await visitor.getByRole("button", { name: "Open chat" }).click();
  const chat = visitor.frameLocator('iframe[title="Chat"]');
  await expect(chat.getByRole("log")).toContainText("Ask me about our handmade goods.");
  await chat.getByRole("textbox", { name: "Message" }).fill("Do you ship to Canada?");
  await chat.getByRole("button", { name: "Send" }).click();
  await expect(chat.getByRole("log")).toContainText("Do you ship to Canada?");
  await visitor.close();

  // The owner's inbox has the conversation; the whole flow took minutes, not hours.
  await page.goto(`${app}/conversations`);
  await expect(page.getByRole("list", { name: "Conversations" })).toContainText("Do you ship to Canada?");
  expect(Date.now() - started).toBeLessThan(5 * 60 * 1000);

  // The free plan holds one bot: cloning says so; archive frees the place, restore brings it back.
  await page.goto(`${app}/bots`);
  await page.getByRole("button", { name: "Clone Maker Helper" }).click();
  await expect(page.getByRole("alert")).toContainText("Free plan includes 1 bot");
  await page.getByRole("button", { name: "Archive Maker Helper" }).click();
  await expect(page.getByText("Archived: its widget loads nowhere.")).toBeVisible();
  await page.getByRole("button", { name: "Restore Maker Helper" }).click();
  await expect(page.getByRole("button", { name: "Archive Maker Helper" })).toBeVisible();
});

test("every settings change is a version: the history shows what changed and an old version comes back", async ({ page }) => {
  await signInAsDemoOwner(page, app);
  await page.goto(`${app}/bots`);
  await page.getByText("Widget and behaviour settings of Acme Helper").click();
  const greeting = page.getByLabel("Greeting");
  const before = await greeting.inputValue();
  await greeting.fill("Welcome to Acme! Ask away.");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();

  await page.getByText("Version history of Acme Helper").click();
  const history = page.locator(".version-list");
  const newest = history.getByRole("listitem").first();
  await expect(newest).toContainText("current");
  await expect(newest).toContainText("Changed greeting");
  await expect(newest).toContainText("Welcome to Acme! Ask away.");
  await expect(newest.locator("del")).toHaveText(before);
  await history.getByRole("button", { name: /Restore version \d+/ }).first().click();
  await expect(history.getByRole("listitem").first()).toContainText("Restored version");
  await page.reload();
  await page.getByText("Widget and behaviour settings of Acme Helper").click();
  await expect(page.getByLabel("Greeting")).toHaveValue(before);
});
