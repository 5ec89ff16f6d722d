// The agent inbox at volume (issue "The agent inbox"): views with counts, filters kept in the
// URL, pages, and live updates that respect the view — a visitor asking for a person arrives in
// "Escalated" without a reload, leaves it when the agent takes it over, and is found in "Mine".
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { signInAsDemoOwner } from "./people.mjs";
import { openWidget, say } from "./chat.mjs";
import { linkFromMail } from "./mail.mjs";
import { readPdf } from "./pdf.mjs";

const app = () => process.env.CHATSUPPORT_URL;
// Said only here: the e2e server is shared by every spec.
const PARCEL = `parcel ${Date.now() % 100000} to Lisbon`;
const ASK = `My ${PARCEL} is lost, I want a person please`;

test("views, filters and pages: an escalation arrives live, leaves on takeover and is in Mine", async ({ browser }) => {
  const owner = await browser.newPage();
  const errors = [];
  owner.on("pageerror", (e) => errors.push(e.message));
  await signInAsDemoOwner(owner, app());
  await owner.goto(`${app()}/conversations`);
  const views = owner.getByRole("navigation", { name: "Views" });
  await expect(views.getByRole("link", { name: /^All \d+$/ })).toHaveAttribute("aria-current", "page");
  await expect(owner.getByRole("navigation", { name: "Pages" })).toContainText(/Page 1 of \d+ · \d+ conversations?/);

  await views.getByRole("link", { name: /^Escalated \d+$/ }).click();
  await expect(owner).toHaveURL(/view=escalated/);
  await expect(views.getByRole("link", { name: /^Escalated \d+$/ })).toHaveAttribute("aria-current", "page");
  await expect(owner.getByRole("status").filter({ hasText: "Live" })).toBeVisible();
  await owner.evaluate(() => (window.__notReloaded = true));

  const visitor = await browser.newPage();
  const chat = await openWidget(visitor);
  await say(chat, ASK);
  await expect(chat.getByRole("log")).toContainText("A person from the team will reply here as soon as they can.");

  // Arrives in the Escalated view over the socket.
  const list = owner.getByRole("list", { name: "Conversations" });
  const row = list.getByRole("link", { name: new RegExp(PARCEL) });
  await expect(row).toBeVisible();
  await expect(row).toContainText("Escalated");
  await row.click();
  await expect(owner).toHaveURL(/view=escalated&c=/);
  const pane = owner.getByRole("region", { name: "Conversation", exact: true });
  await pane.getByRole("button", { name: "Take over" }).click();
  await expect(pane.getByText("With ")).toBeVisible();
  // Held by an agent now: no longer escalated, so it leaves this view (the pane stays open).
  await expect(row).toHaveCount(0);
  await expect(pane.getByRole("log", { name: "Messages" })).toContainText(ASK);
  expect(await owner.evaluate(() => window.__notReloaded)).toBe(true);

  await views.getByRole("link", { name: /^Mine \d+$/ }).click();
  await expect(owner).toHaveURL(/view=mine/);
  await expect(list.getByRole("link", { name: new RegExp(PARCEL) })).toBeVisible();

  // Filters are a GET form: the URL keeps them, the list obeys them, one link clears them.
  await owner.getByText("Filters", { exact: true }).click();
  await owner.getByRole("combobox", { name: "Status" }).selectOption("resolved");
  await owner.getByRole("button", { name: "Apply" }).click();
  await expect(owner).toHaveURL(/view=mine&status=resolved/);
  await expect(list.getByRole("link", { name: new RegExp(PARCEL) })).toHaveCount(0);
  await owner.getByRole("combobox", { name: "Status" }).selectOption("agent_handling");
  await owner.getByRole("combobox", { name: "Sort" }).selectOption("waiting");
  await owner.getByRole("button", { name: "Apply" }).click();
  await expect(owner).toHaveURL(/status=agent_handling&sort=waiting/);
  await expect(owner.getByRole("list", { name: "Conversations" }).getByRole("link", { name: new RegExp(PARCEL) })).toBeVisible();
  // Saved under a name, they are one click away.
  await owner.getByRole("textbox", { name: "Name for these filters" }).fill(`Held ${PARCEL}`);
  await owner.getByRole("button", { name: "Save filters" }).click();
  const saved = owner.getByRole("list", { name: "Saved filters" }).getByRole("link", { name: new RegExp(`Held ${PARCEL}`) });
  await expect(saved).toHaveAttribute("aria-current", "page");
  await owner.getByRole("link", { name: "Clear filters" }).click();
  await expect(owner).toHaveURL(/\/conversations\?view=mine$/);
  await saved.click();
  await expect(owner).toHaveURL(/view=mine&status=agent_handling&sort=waiting/);
  expect(errors).toEqual([]);
});

test("tags, an internal note and a mention: the named teammate hears of it live, the visitor never", async ({ browser }) => {
  const number = Date.now() % 100000;
  const ORDER = `Can I change the delivery address of order ${number}?`;
  const visitor = await browser.newPage();
  const chat = await openWidget(visitor);
  await say(chat, ORDER);
  await expect(chat.getByRole("log").locator("li.from-bot").last()).toBeVisible();

  // A new agent, invited by the owner, has the inbox open on no conversation in particular.
  const owner = await browser.newPage();
  const errors = [];
  owner.on("pageerror", (e) => errors.push(e.message));
  await signInAsDemoOwner(owner, app());
  const handle = `kim${Date.now()}`;
  await owner.goto(`${app()}/team`);
  await owner.getByLabel("Email").fill(`${handle}@acme.com`);
  await owner.getByRole("combobox", { name: "Role", exact: true }).selectOption("agent");
  await owner.getByRole("button", { name: "Send invitation" }).click();
  await expect(owner.getByRole("status").filter({ hasText: "Invitation sent" })).toBeVisible();
  // Kim joins (the Join page itself is team.spec's), and opens the inbox.
  const kim = await browser.newPage();
  const token = new URL(linkFromMail(`${handle}@acme.com`)).searchParams.get("token");
  const joined = await kim.request.post(`${app()}/api/v1/auth/accept-invitation`, {
    data: { token, name: "Kim Inbox", password: "K1m!inbox" },
  });
  expect(joined.status()).toBe(200);
  await kim.goto(`${app()}/conversations`);
  await expect(kim.getByRole("status").filter({ hasText: "Live" })).toBeVisible();

  await owner.goto(`${app()}/conversations`);
  await owner.getByRole("list", { name: "Conversations" }).getByRole("link", { name: new RegExp(`order ${number}`) }).click();
  const pane = owner.getByRole("region", { name: "Conversation", exact: true });
  const tags = pane.getByRole("group", { name: "Tags" });
  const tag = `address-change-${handle.slice(-6)}`;
  await tags.getByRole("combobox", { name: "Add a tag" }).fill(`Address Change ${handle.slice(-6)}`);
  await tags.getByRole("button", { name: "Add" }).click();
  await expect(tags.getByRole("listitem")).toHaveText([`${tag}×`]);
  await expect(owner.getByRole("list", { name: "Conversations" }).getByRole("link", { name: new RegExp(`order ${number}`) })).toContainText(tag);

  await pane.getByRole("textbox", { name: "Internal note" }).fill(`@${handle} can you check **this order**?`);
  await pane.getByRole("button", { name: "Add note" }).click();
  const note = pane.getByRole("listitem", { name: "Internal note by Acme Corp Owner" });
  await expect(note).toContainText("this order");
  await expect(note.locator("strong")).toHaveText("this order");

  // The transcript downloads with the visitor's words and without the team's note.
  const [download] = await Promise.all([owner.waitForEvent("download"), pane.getByRole("link", { name: "CSV" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^conversation-.*\.csv$/);
  const transcript = readFileSync(await download.path(), "utf8");
  expect(transcript).toContain(ORDER);
  expect(transcript).not.toContain("this order");

  // Kim is told live, wherever she is in the inbox, and the link opens the conversation.
  const mention = kim.getByRole("complementary", { name: "Mentions" });
  await expect(mention).toContainText("Acme Corp Owner mentioned you");
  await mention.getByRole("link", { name: "Open the conversation" }).click();
  await expect(kim.getByRole("region", { name: "Conversation", exact: true }).getByRole("listitem", { name: /Internal note/ })).toContainText("this order");

  // The visitor sees nothing of it.
  await expect(chat.getByRole("log")).not.toContainText("this order");

  // Kim has it open: the owner sees her there, live.
  await expect(pane.getByRole("group", { name: "Also viewing" })).toContainText("Kim Inbox also viewing");
  // The owner takes over: Kim is told who holds it and has no reply box.
  await pane.getByRole("button", { name: "Take over" }).click();
  await expect(pane.getByText("With Acme Corp Owner")).toBeVisible();
  const kimPane = kim.getByRole("region", { name: "Conversation", exact: true });
  await expect(kimPane.getByRole("note")).toContainText("Acme Corp Owner is handling this conversation");
  await expect(kimPane.getByRole("textbox", { name: "Reply to the visitor" })).toHaveCount(0);
  // The owner writes: the visitor sees them typing, then the reply.
  const reply = pane.getByRole("textbox", { name: "Reply to the visitor" });
  await reply.pressSequentially("Yes, ");
  await expect(chat.getByRole("listitem", { name: "Acme Corp Owner is typing" })).toBeVisible();
  await reply.pressSequentially("I changed it.");
  await pane.getByRole("button", { name: "Send" }).click();
  await expect(chat.getByRole("log")).toContainText("Yes, I changed it.");
  await expect(chat.getByRole("listitem", { name: "Acme Corp Owner is typing" })).toHaveCount(0);

  // The owner hands it to Kim with a note: she is asked live, accepts, and the visitor sees her join.
  await pane.locator("details.transfer summary").click();
  const kimOption = await pane.locator("select[name=agent_id] option", { hasText: "Kim Inbox" }).getAttribute("value");
  await pane.getByRole("combobox", { name: "Transfer to" }).selectOption(kimOption);
  await pane.getByRole("textbox", { name: "Transfer note" }).fill("She wants the new address confirmed");
  await pane.locator("details.transfer button[type=submit]").click();
  await expect(pane.getByRole("group", { name: "Transfer asked" })).toContainText("Waiting for Kim Inbox to accept");
  await expect(kim.getByRole("complementary", { name: "Assignments" })).toContainText("Acme Corp Owner asks you to take the conversation");
  const asked = kimPane.getByRole("group", { name: "Transfer asked of you" });
  await expect(asked).toContainText("“She wants the new address confirmed”");
  await asked.getByRole("button", { name: "Accept" }).click();
  await expect(chat.getByRole("log")).toContainText("You're now chatting with Kim Inbox.");
  await expect(pane.getByRole("note")).toContainText("Kim Inbox is handling this conversation");
  await expect(pane.getByRole("textbox", { name: "Reply to the visitor" })).toHaveCount(0);

  // Kim replies, tags it and resolves it; the visitor rates five stars; the owner sees the rating.
  await kimPane.getByRole("textbox", { name: "Reply to the visitor" }).fill("Kim here: confirmed, it ships to the new address.");
  await kimPane.getByRole("button", { name: "Send" }).click();
  await expect(chat.getByRole("log")).toContainText("Kim here: confirmed");
  const kimTags = kimPane.getByRole("group", { name: "Tags" });
  await kimTags.getByRole("combobox", { name: "Add a tag" }).fill(`done-${handle.slice(-6)}`);
  await kimTags.getByRole("button", { name: "Add", exact: true }).click();
  await expect(kimTags.getByRole("listitem")).toHaveCount(2);
  await kimPane.getByRole("button", { name: "Resolve" }).click();
  await expect(chat.getByText("How would you rate your experience?")).toBeVisible();
  await chat.locator('label[for="star5"]').click();
  await chat.getByRole("button", { name: "Send rating" }).click();
  await expect(pane.getByLabel("Rated 5 of 5")).toBeVisible();
  await pane.getByText(/^History/).click();
  await expect(pane.locator(".history")).toContainText("Acme Corp Owner asked Kim Inbox to take it: “She wants the new address confirmed”");
  await expect(pane.locator(".history")).toContainText("Kim Inbox accepted the transfer from Acme Corp Owner");

  // The PDF transcript downloads and opens in a PDF reader, with the visitor's words and Kim's.
  const [pdf] = await Promise.all([owner.waitForEvent("download"), pane.getByRole("link", { name: "PDF" }).click()]);
  expect(pdf.suggestedFilename()).toMatch(/^conversation-.*\.pdf$/);
  const opened = await readPdf(readFileSync(await pdf.path()));
  expect(opened.pages).toBeGreaterThanOrEqual(1);
  expect(opened.text).toContain(`order ${number}`);
  expect(opened.text).toContain("Kim here: confirmed");
  expect(opened.text).not.toContain("this order");

  // A search for a word of the visitor's message finds it, the word highlighted.
  const results = owner.getByRole("region", { name: "Search results" });
  await expect(async () => {
    await owner.getByRole("searchbox", { name: "Search messages" }).fill(`${number}`);
    await owner.getByRole("searchbox", { name: "Search messages" }).press("Enter");
    await expect(results).toContainText(/conversations? match/, { timeout: 1000 });
  }).toPass({ timeout: 15000 });
  await expect(results.locator("mark").first()).toHaveText(`${number}`);

  // The tag filters the inbox.
  await owner.goto(`${app()}/conversations?tag=${tag}`);
  await expect(owner.getByRole("list", { name: "Conversations" }).getByRole("link")).toHaveCount(1);
  expect(errors).toEqual([]);
});
