// The widget as visitors meet it on a customer's site (another origin, hostile CSS): the
// pre-chat form switched on live from the dashboard, history after a reload, the offline form
// outside business hours, an agent taking over and the visitor rating the resolved
// conversation, and a server restart in the middle of a conversation.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { signInAsDemoOwner } from "./people.mjs";
import { openWidget } from "./chat.mjs";

const FALLBACK = "I don't have an answer for that yet";
const app = () => process.env.CHATSUPPORT_URL;

async function signedInOwner(browser) {
  const page = await browser.newPage();
  await signInAsDemoOwner(page, app());
  return page;
}

/** Changes the demo bot's settings through the REST API with the page's session. */
async function patchDemoBot(page, body) {
  const list = await page.request.get(`${app()}/api/v1/chatbots`);
  const id = (await list.json()).chatbots[0].id;
  const answer = await page.request.patch(`${app()}/api/v1/chatbots/${id}`, { data: body });
  expect(answer.status()).toBe(200);
}

const DEFAULTS = {
  settings: {
    data_collection: { collect_name: false, collect_email: false },
    business_hours: { enabled: false },
  },
};

test("the owner turns on the pre-chat form, an open widget asks for it, history survives a reload", async ({ browser }) => {
  const owner = await signedInOwner(browser);
  try {
    const visitor = await browser.newPage();
    const chat = await openWidget(visitor);
    await expect(chat.getByRole("textbox", { name: "Message" })).toBeVisible();

    // Settings saved in the dashboard reach the open widget without a reload.
    await owner.goto(`${app()}/bots`);
    await owner.getByText("Widget and behaviour settings of Acme Helper").click();
    const form = owner.getByRole("form", { name: "Settings of Acme Helper" });
    await form.getByLabel("Ask for the visitor's name").check();
    await form.getByLabel("Ask for the visitor's email").check();
    await form.getByRole("button", { name: "Save settings" }).click();
    await expect(form.getByRole("status")).toContainText("Saved");

    await expect(chat.getByText("Before we start, please tell us who you are.")).toBeVisible();
    await chat.getByRole("textbox", { name: "Your name" }).fill("Grace Hopper");
    await chat.getByRole("textbox", { name: "Your email" }).fill("grace@example.com");
    await chat.getByRole("button", { name: "Start chat" }).click();
    await chat.getByRole("textbox", { name: "Message" }).fill("Where is my order 1042?");
    await chat.getByRole("button", { name: "Send" }).click();
    const log = chat.getByRole("log");
    await expect(log).toContainText(FALLBACK);
    // Stored, not only streamed (a stored bubble carries its time): an answer still streaming
    // when the visitor asks for a person is dropped, as the bot steps aside.
    await expect(log.locator("li.from-bot").filter({ hasText: FALLBACK }).locator("time")).toBeVisible();

    // The visitor asks for a person: the widget says so, the bot steps aside.
    await chat.getByRole("button", { name: "Talk to a person" }).click();
    // …and, with others waiting for a person, where they are in line.
    await expect(log.getByRole("status")).toHaveText(/^A person from the team will reply here as soon as they can\.( You are (next|number \d+) in line · about (a minute|\d+ minutes)\.)?$/);
    await expect(chat.getByRole("button", { name: "Talk to a person" })).toHaveCount(0);

    // The agent's inbox names the visitor and shows the conversation waits for a person.
    await owner.goto(`${app()}/conversations`);
    const inbox = owner.getByRole("list", { name: "Conversations" });
    await expect(inbox.getByRole("link").filter({ hasText: "Grace Hopper" })).toContainText("Escalated");

    // A reload keeps the conversation: no form again, the history is back.
    await visitor.reload();
    const again = await openWidget(visitor, visitor.url());
    await expect(again.getByRole("log")).toContainText("Where is my order 1042?");
    await expect(again.getByRole("log")).toContainText(FALLBACK);
    await expect(again.getByRole("textbox", { name: "Your name" })).toHaveCount(0);
  } finally {
    await patchDemoBot(owner, DEFAULTS);
  }
});

test("outside business hours the visitor leaves a message for the team", async ({ browser }) => {
  const owner = await signedInOwner(browser);
  const days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
  const today = (new Date().getUTCDay() + 6) % 7;
  const schedule = Object.fromEntries(days.map((d) => [d, null]));
  schedule[days[(today + 3) % 7]] = { start: "00:00", end: "23:59" };
  await patchDemoBot(owner, {
    settings: {
      business_hours: { enabled: true, timezone: "UTC", schedule, offline_message: "We're back on Monday at 9." },
    },
  });
  try {
    const visitor = await browser.newPage();
    const chat = await openWidget(visitor);
    await expect(chat.getByRole("heading", { name: "We're offline" })).toBeVisible();
    await expect(chat.getByText("We're back on Monday at 9.")).toBeVisible();
    await chat.getByRole("textbox", { name: "Your name" }).fill("Alan Turing");
    await chat.getByRole("textbox", { name: "Your email" }).fill("alan@example.com");
    await chat.getByRole("textbox", { name: "Your message" }).fill("Please call me about a refund.");
    await chat.getByRole("button", { name: "Send" }).click();
    const log = chat.getByRole("log");
    await expect(log).toContainText("Please call me about a refund.");
    await expect(log).toContainText("We'll reply by email");
    await expect(log).not.toContainText(FALLBACK);

    await owner.goto(`${app()}/conversations`);
    const list = owner.getByRole("list", { name: "Conversations" });
    await expect(list.getByRole("link").filter({ hasText: "Alan Turing" })).toContainText("Escalated");
  } finally {
    await patchDemoBot(owner, DEFAULTS);
  }
});

test("an agent takes over from the inbox, resolves, and the visitor rates the conversation", async ({ browser }) => {
  const owner = await signedInOwner(browser);
  const visitor = await browser.newPage();
  const chat = await openWidget(visitor);
  const log = chat.getByRole("log");
  await chat.getByRole("textbox", { name: "Message" }).fill("My parcel arrived damaged");
  await chat.getByRole("button", { name: "Send" }).click();
  await expect(log).toContainText(FALLBACK);

  // The inbox row shows the visitor's words; one click opens it, one more takes it over.
  await owner.goto(`${app()}/conversations`);
  await owner.getByRole("list", { name: "Conversations" }).getByRole("link", { name: /My parcel arrived damaged/ }).click();
  const pane = owner.getByRole("region", { name: "Conversation", exact: true });
  await expect(pane.getByRole("log")).toContainText("My parcel arrived damaged");
  await pane.getByRole("button", { name: "Take over" }).click();
  await expect(pane.getByText("Agent handling")).toBeVisible();
  await expect(log.getByRole("status")).toHaveText("You're now chatting with Acme Corp Owner.");
  await expect(chat.getByRole("button", { name: "Talk to a person" })).toHaveCount(0);

  // The agent writes; the visitor reads it; the visitor's answer appears live, the bot is quiet.
  const reply = pane.getByRole("textbox", { name: "Reply to the visitor" });
  await reply.fill("Sorry about that! A new one ships today.");
  await pane.getByRole("button", { name: "Send" }).click();
  await expect(log).toContainText("Sorry about that! A new one ships today.");
  await expect(reply).toHaveValue("");
  await chat.getByRole("textbox", { name: "Message" }).fill("Thank you!");
  await chat.getByRole("button", { name: "Send" }).click();
  await expect(pane.getByRole("log")).toContainText("Thank you!");

  // Resolved with a note: the widget asks for a rating, the answer reaches the inbox live.
  await pane.getByRole("textbox", { name: "Resolution note (optional)" }).fill("Replacement shipped");
  await pane.getByRole("button", { name: "Resolve" }).click();
  await expect(chat.getByText("How would you rate your experience?")).toBeVisible();
  await expect(chat.getByRole("button", { name: "Send rating" })).toBeDisabled();
  // Visitors click the fourth star (the radio button's drawn label).
  await chat.locator('label[for="star4"]').click();
  await expect(chat.getByRole("radio", { name: "4/5" })).toBeChecked();
  await chat.getByRole("textbox", { name: "Anything to add? (optional)" }).fill("Quick and kind");
  await chat.getByRole("button", { name: "Send rating" }).click();
  await expect(log.getByRole("status")).toHaveText("Thanks for your feedback!");
  await expect(pane.getByLabel("Rated 4 of 5")).toContainText("Quick and kind");
  await expect(log.getByText(FALLBACK)).toHaveCount(1);

  // The history tells the story.
  await owner.reload();
  await pane.getByText(/^History/).click();
  const history = pane.locator(".history");
  await expect(history).toContainText("Acme Corp Owner escalated it");
  await expect(history).toContainText("Acme Corp Owner took over");
  await expect(history).toContainText("Acme Corp Owner resolved it: Replacement shipped");
  await expect(history).toContainText("rated it 4/5: “Quick and kind”");
});

function freePort() {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

function startServer(port, dataDir, { demo, replyDelayMs = 100 }) {
  const bin = process.env.CHATSUPPORT_BIN;
  const args = ["serve", "--bind", `127.0.0.1:${port}`, "--data-dir", dataDir, ...(demo ? ["--demo"] : [])];
  const child = spawn(bin, args, {
    env: { ...process.env, CHATSUPPORT_BOT_REPLY_DELAY_MS: String(replyDelayMs), RUST_LOG: "warn" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.on("exit", (code) => reject(new Error(`chatsupport exited with ${code}:\n${out}`)));
    child.stdout.on("data", (chunk) => {
      out += chunk;
      if (/serving on/.test(out)) resolve(child);
    });
  });
}

// The third-party page with its widget served by the server on `port`, opened.
async function widgetServedBy(browser, port) {
  const visitor = await browser.newPage();
  const site = `${process.env.THIRD_PARTY_URL}?server=${encodeURIComponent(`http://127.0.0.1:${port}`)}`;
  const chat = await openWidget(visitor, site);
  return { chat, log: chat.getByRole("log") };
}

function stop(child) {
  return new Promise((resolve) => {
    child.removeAllListeners("exit");
    child.on("exit", resolve);
    child.kill("SIGTERM");
  });
}

test("an answer cut off by a server restart arrives once the server is back", async ({ browser }) => {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "chatsupport-cutoff-"));
  // A slow bot (4 s to answer), stopped while its answer streams in.
  let server = await startServer(port, dataDir, { demo: true, replyDelayMs: 4000 });
  try {
    const { chat, log } = await widgetServedBy(browser, port);
    await chat.getByRole("textbox", { name: "Message" }).fill("Do you ship to Norway?");
    await chat.getByRole("button", { name: "Send" }).click();
    await expect(log).toContainText("Thanks for your message!", { timeout: 5_000 });
    await stop(server);

    server = await startServer(port, dataDir, { demo: false, replyDelayMs: 500 });
    const answers = log.getByRole("listitem").filter({ hasText: "Acme Helper" }).filter({ hasText: FALLBACK });
    await expect(answers).toHaveCount(1, { timeout: 20_000 });
    await expect(log.getByText(FALLBACK)).toHaveCount(1);
    await expect(log.getByText("Do you ship to Norway?")).toHaveCount(1);
  } finally {
    await stop(server);
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("the bot's answer streams into the widget and is replaced by the stored message", async ({ browser }) => {
  // A slow bot (6 s to answer) on its own server, so the stream can be watched.
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "chatsupport-stream-"));
  const server = await startServer(port, dataDir, { demo: true, replyDelayMs: 6000 });
  try {
    const { chat, log } = await widgetServedBy(browser, port);
    await chat.getByRole("textbox", { name: "Message" }).fill("Do you ship to Norway?");
    await chat.getByRole("button", { name: "Send" }).click();
    // Part of the answer shows while the rest is still coming.
    await expect(log).toContainText("Thanks for your message!", { timeout: 5_000 });
    await expect(log).not.toContainText(FALLBACK);
    // Then the whole answer, once: the stored message replaced the streamed text.
    await expect(log.getByText(FALLBACK)).toHaveCount(1, { timeout: 10_000 });
    await expect(log.getByText("Thanks for your message!")).toHaveCount(1);
  } finally {
    await stop(server);
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("the server restarts mid-conversation and the widget resumes: nothing lost, nothing doubled", async ({ browser }) => {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "chatsupport-restart-"));
  let server = await startServer(port, dataDir, { demo: true });
  try {
    const { chat, log } = await widgetServedBy(browser, port);
    // The bot's stored answers (with its name), not the text streaming in before one is stored:
    // stopping the server mid-stream would stop it before the answer exists.
    const answers = log
      .getByRole("listitem")
      .filter({ hasText: "Acme Helper" })
      .filter({ hasText: /I don't have an answer for that yet|Orders placed before 2 pm/ });
    await chat.getByRole("textbox", { name: "Message" }).fill("First question");
    await chat.getByRole("button", { name: "Send" }).click();
    await expect(answers).toHaveCount(1);

    await stop(server);
    await expect(chat.getByRole("status")).toHaveText("Connection lost. Reconnecting…");
    // Written while the server is down: kept, and sent once it is back.
    await chat.getByRole("textbox", { name: "Message" }).fill("Second question: how long does shipping take?");
    await chat.getByRole("button", { name: "Send" }).click();
    await expect(log).toContainText("Sending…");

    // The same data dir, without re-seeding the demo: what was stored is what comes back.
    server = await startServer(port, dataDir, { demo: false });
    await expect(chat.getByRole("status")).toHaveCount(0, { timeout: 20_000 });
    await expect(answers).toHaveCount(2);
    await expect(log.getByText(FALLBACK)).toHaveCount(1);
    await expect(log.getByText(/Orders placed before 2 pm/)).toHaveCount(1);
    await expect(log.getByText("First question")).toHaveCount(1);
    await expect(log.getByText("Second question: how long does shipping take?")).toHaveCount(1);
    await expect(log).not.toContainText("Sending…");
  } finally {
    await stop(server);
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("asking for a person while nobody is online asks for an email, and the team sees it", async ({ browser }) => {
  // A server of its own: no dashboard is open there, so nobody from the team is online.
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "chatsupport-offline-"));
  const server = await startServer(port, dataDir, { demo: true });
  try {
    const { chat, log } = await widgetServedBy(browser, port);
    await chat.getByRole("textbox", { name: "Message" }).fill("My invoice is wrong");
    await chat.getByRole("button", { name: "Send" }).click();
    await expect(log).toContainText(FALLBACK);
    await chat.getByRole("button", { name: "Talk to a person" }).click();
    await expect(chat.getByText("Nobody from the team is online right now.")).toBeVisible();
    await chat.getByRole("textbox", { name: "Your email" }).fill("ada@example.com");
    await chat.locator("form.contact").getByRole("button", { name: "Send" }).click();
    await expect(chat.getByRole("status").filter({ hasText: "We'll answer you at ada@example.com." })).toBeVisible();

    const owner = await browser.newPage();
    await owner.goto(`http://127.0.0.1:${port}/login`);
    await owner.getByRole("button", { name: /Sign in as Acme Corp Owner/ }).click();
    await owner.getByRole("list", { name: "Conversations" }).getByRole("link", { name: /My invoice is wrong/ }).click();
    const pane = owner.getByRole("region", { name: "Conversation", exact: true });
    await expect(pane.getByRole("link", { name: "ada@example.com" })).toBeVisible();
    await owner.close();
  } finally {
    await stop(server);
    rmSync(dataDir, { recursive: true, force: true });
  }
});
