// What a new visitor, agent and owner meet in their first minutes ("First impressions").
import { expect, test } from "@playwright/test";
import { signInAsDemoOwner } from "./people.mjs";
import { say } from "./chat.mjs";

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

const FALLBACK = "I don't have an answer for that yet";

/** The third-party page on another *site* than the widget: `localhost` embeds `127.0.0.1`. */
function otherSite() {
  return process.env.THIRD_PARTY_URL.replace("127.0.0.1", "localhost");
}

async function openChat(page, url) {
  await page.goto(url);
  await page.getByRole("button", { name: "Open chat" }).click();
  const chat = page.frameLocator('iframe[title="Chat"]');
  await expect(chat.getByRole("log")).toBeVisible();
  return chat;
}

/** How far the widget's message list is from its bottom (0: the newest message is in view). */
function distanceFromBottom(page) {
  const frame = page.frame({ url: /\/widget\// });
  return frame.evaluate(() => {
    const log = document.querySelector(".log");
    return Math.round(log.scrollHeight - log.scrollTop - log.clientHeight);
  });
}

test("where third-party storage is blocked, the visitor's history survives a reload", async ({ page }) => {
  const chat = await openChat(page, otherSite());
  // The condition under test: this browser context refuses the widget frame its storage.
  const frame = page.frame({ url: /\/widget\// });
  const blocked = await frame.evaluate(() => {
    try {
      return window.localStorage.length >= 0 ? "allowed" : "allowed";
    } catch (e) {
      return e.name;
    }
  });
  expect(blocked).toBe("SecurityError");
  await say(chat, "Where is order 4417?");
  await expect(chat.getByRole("log")).toContainText(FALLBACK);

  await page.reload();
  const again = await openChat(page, otherSite());
  await expect(again.getByRole("log")).toContainText("Where is order 4417?");
  await expect(again.getByRole("log").getByText(FALLBACK)).toHaveCount(1);
  // The host page keeps only the widget's identity, and only after the first message.
  const kept = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("chatsupport:")));
  expect(kept).toHaveLength(1);
});

test("a new visitor's page keeps nothing before they write", async ({ page }) => {
  await openChat(page, otherSite());
  const kept = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("chatsupport:")));
  expect(kept).toHaveLength(0);
});

test("opening focuses the composer; Escape closes and gives focus back to the launcher", async ({ page }) => {
  const chat = await openChat(page, process.env.THIRD_PARTY_URL);
  await expect(chat.getByRole("textbox", { name: "Message" })).toBeFocused();
  const launcher = page.getByRole("button", { name: "Close chat" });
  await expect(launcher).toHaveAttribute("aria-expanded", "true");
  await expect(launcher.locator("svg.x")).toBeVisible();

  await chat.getByRole("textbox", { name: "Message" }).press("Escape");
  await expect(page.locator('iframe[title="Chat"]')).toBeHidden();
  await expect(page.getByRole("button", { name: "Open chat" })).toBeFocused();
  await expect(page.getByRole("button", { name: "Open chat" }).locator("svg.x")).toBeHidden();

  await page.getByRole("button", { name: "Open chat" }).click();
  await expect(chat.getByRole("textbox", { name: "Message" })).toBeFocused();
});

test("new messages scroll into view; scrolled up, a pill says so; an agent's name and avatar head the chat", async ({ browser }) => {
  const visitor = await browser.newPage({ viewport: { width: 360, height: 640 } });
  const chat = await openChat(visitor, process.env.THIRD_PARTY_URL);
  const log = chat.getByRole("log");
  const first = `Scroll test ${Date.now()}`;
  await say(chat, first);
  await expect(log.getByText(FALLBACK)).toHaveCount(1);
  // Questions the demo knowledge answers (two "don't know"s in a row would hand over to a
  // person, and the bot would go quiet); each answer takes a few lines in the bubble.
  for (let n = 2; n <= 6; n++) {
    await say(chat, `How long does shipping take? (question ${n} of ${first})`);
    // Stored answers (with their time), not the one streaming in.
    await expect(log.locator("li.from-bot").filter({ hasText: /Orders placed before 2 pm/ }).locator("time")).toHaveCount(n - 1);
  }
  // The list scrolls once the new bubble is drawn (a frame later): wait for it, as the eye does.
  await expect.poll(() => distanceFromBottom(visitor)).toBeLessThan(5);
  await expect(log.locator("time").first()).toHaveText(/^\d\d:\d\d$/);

  // An agent takes over with a message: the visitor sees both without scrolling.
  const owner = await browser.newPage();
  await signInAsDemoOwner(owner, app);
  const avatar = `${app}/files/avatars/acme-owner.png`;
  const patched = await owner.request.patch(`${app}/api/v1/profile`, { data: { avatar_url: avatar } });
  expect(patched.ok(), await patched.text()).toBe(true);
  const listed = await (await owner.request.get(`${app}/api/v1/conversations`)).json();
  const mine = listed.conversations.find((c) => c.preview === `How long does shipping take? (question 6 of ${first})`);
  const taken = await owner.request.post(`${app}/api/v1/conversations/${mine.id}/takeover`, {
    data: { message: "Hi, this is the owner. Let me look into it." },
  });
  expect(taken.status()).toBe(200);
  await expect(log.getByRole("status")).toHaveText("You're now chatting with Acme Corp Owner.");
  await expect(log).toContainText("Let me look into it.");
  await expect.poll(() => distanceFromBottom(visitor)).toBeLessThan(5);
  await expect(chat.getByRole("heading", { level: 1 })).toHaveText("Acme Corp Owner");
  await expect(chat.locator("header img.avatar")).toHaveAttribute("src", avatar);

  // Scrolled up to read: the next message does not yank the list, a pill offers the way down.
  // (Frames still arriving from the takeover may scroll it down once more: scroll up until it
  // stays up for two animation frames.)
  await expect
    .poll(() =>
      visitor.frame({ url: /\/widget\// }).evaluate(async () => {
        const el = document.querySelector(".log");
        el.scrollTop = 0;
        el.dispatchEvent(new Event("scroll"));
        await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
        return el.scrollTop;
      }),
    )
    .toBe(0);
  const replied = await owner.request.post(`${app}/api/v1/conversations/${mine.id}/messages`, {
    data: { content: "Found it: it ships tomorrow." },
  });
  expect(replied.ok(), await replied.text()).toBe(true);
  const pill = chat.getByRole("button", { name: /New messages/ });
  await expect(pill).toBeVisible();
  expect(await distanceFromBottom(visitor)).toBeGreaterThan(100);
  await pill.click();
  await expect.poll(() => distanceFromBottom(visitor)).toBeLessThan(5);
  await expect(pill).toHaveCount(0);
  const cleared = await owner.request.patch(`${app}/api/v1/profile`, { data: { avatar_url: "" } });
  expect(cleared.ok(), await cleared.text()).toBe(true);
});

test("a message sent too fast counts down and is resent by a tap", async ({ page }) => {
  const chat = await openChat(page, process.env.THIRD_PARTY_URL);
  const log = chat.getByRole("log");
  await say(chat, "Burst 1");
  await expect(log.getByText(FALLBACK)).toHaveCount(1);
  // The visitor limit is 10 a minute: the 11th comes too soon.
  for (let n = 2; n <= 11; n++) await say(chat, `Burst ${n}`);
  const countdown = log.getByText(/You can resend in \d+ s/);
  await expect(countdown).toBeVisible();
  const first = Number((await countdown.textContent()).match(/(\d+) s/)[1]);
  expect(first).toBeGreaterThan(0);
  const resend = chat.getByRole("button", { name: "Tap to resend" });
  await expect(resend).toBeVisible({ timeout: (first + 3) * 1000 });
  await resend.click();
  await expect(resend).toHaveCount(0);
  await expect(log.locator(".pending")).toHaveCount(0);
  await expect(log.getByText("Burst 11", { exact: true })).toHaveCount(1);
});

test("the composer shows how close a long message is to the limit and never cuts a paste", async ({ page }) => {
  const chat = await openChat(page, process.env.THIRD_PARTY_URL);
  const box = chat.getByRole("textbox", { name: "Message" });
  await box.fill("a".repeat(3700));
  await expect(chat.locator(".count")).toHaveText("3700 / 4000");
  await box.fill("b".repeat(4010));
  await expect(box).toHaveValue("b".repeat(4010));
  await expect(chat.locator(".count")).toHaveText("Too long: remove 10 characters");
  await expect(chat.getByRole("button", { name: "Send" })).toBeDisabled();
  const size = await page.frame({ url: /\/widget\// }).evaluate(() => getComputedStyle(document.querySelector("textarea")).fontSize);
  expect(parseFloat(size)).toBeGreaterThanOrEqual(15);
});

test("the dashboard's bundle is fetched once: a second visit downloads only the page", async ({ page, context }) => {
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  const urls = new Map();
  let fetched = [];
  cdp.on("Network.requestWillBeSent", (e) => urls.set(e.requestId, e.request.url));
  cdp.on("Network.loadingFinished", (e) => fetched.push({ url: urls.get(e.requestId), bytes: e.encodedDataLength }));
  await signInAsDemoOwner(page, app);
  await expect(page.getByRole("status").filter({ hasText: "Live" })).toBeVisible();
  const wasm = fetched.find((f) => /\/pkg\/chatsupport-[0-9a-f]{16}_bg\.wasm$/.test(f.url));
  expect(wasm, "the first visit loads the fingerprinted bundle").toBeTruthy();
  expect(wasm.bytes).toBeGreaterThan(100_000);

  fetched = [];
  await page.goto(`${app}/conversations`);
  await expect(page.getByRole("status").filter({ hasText: "Live" })).toBeVisible();
  const again = fetched.filter((f) => f.url?.includes("/pkg/") && f.bytes > 0);
  expect(again, "nothing from /pkg crosses the network again").toEqual([]);
});

test("each area of the dashboard loads its own bundle: the inbox never fetches the bot builder", async ({ page }) => {
  const wasm = [];
  const documents = [];
  page.on("request", (r) => {
    if (r.url().endsWith("_bg.wasm")) wasm.push(new URL(r.url()).pathname);
    if (r.resourceType() === "document") documents.push(new URL(r.url()).pathname);
  });
  await signInAsDemoOwner(page, app);
  await expect(page.getByRole("status").filter({ hasText: "Live" })).toBeVisible();
  // Signing in is the main area's page; the inbox it lands on is the inbox's own bundle.
  expect(wasm.some((p) => /^\/pkg\/chatsupport-inbox-[0-9a-f]{16}_bg\.wasm$/.test(p)), wasm.join()).toBe(true);
  expect(wasm.some((p) => /chatsupport-(bots|admin)-/.test(p)), wasm.join()).toBe(false);

  // A link into the bot builder loads that page with its area's bundle…
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Bots" }).click();
  await expect(page).toHaveURL(/\/bots$/);
  await expect(page.getByRole("heading", { name: "Bots", exact: true })).toBeVisible();
  await expect.poll(() => wasm.filter((p) => /^\/pkg\/chatsupport-bots-[0-9a-f]{16}_bg\.wasm$/.test(p)).length).toBe(1);
  expect(wasm.some((p) => p.includes("chatsupport-admin")), "nor the operators' console").toBe(false);

  // …within which navigation stays in the page: no new document for the guided flow.
  await page.waitForLoadState("networkidle");
  const loaded = documents.length;
  await page.getByRole("link", { name: "Create a bot" }).click();
  await expect(page.getByRole("heading", { name: "Create a bot" })).toBeVisible();
  expect(documents.length, "client-side navigation inside the area").toBe(loaded);

  // Back across areas: the inbox comes back live.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Conversations" }).click();
  await expect(page).toHaveURL(/\/conversations$/);
  await expect(page.getByRole("status").filter({ hasText: "Live" })).toBeVisible();
  await page.goBack();
  await expect(page).toHaveURL(/\/bots\/new$/);
  await expect(page.getByRole("heading", { name: "Create a bot" })).toBeVisible();
});

test("/admin for someone who is not an operator is the 404 page, loaded once, with no reload loop", async ({ page }) => {
  const documents = [];
  page.on("request", (r) => {
    if (r.resourceType() === "document") documents.push(new URL(r.url()).pathname);
  });
  await signInAsDemoOwner(page, app);
  await expect(page.getByRole("status").filter({ hasText: "Live" })).toBeVisible();
  const before = documents.length;
  const response = await page.goto(`${app}/admin`);
  expect(response.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await page.waitForLoadState("networkidle");
  await page.waitForTimeout(500);
  expect(documents.slice(before), "one document, not a reload after hydration").toEqual(["/admin"]);
});
