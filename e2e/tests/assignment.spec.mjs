// Who answers whom (issue "The agent inbox"): routing gives a visitor who asks for a person to
// the online agent, a visitor who waits while nobody is free is told their place in line, and
// the inbox's keys move through the list and act on the open conversation.
import { expect, test } from "@playwright/test";
import { signInAsDemoOwner } from "./people.mjs";
import { openWidget, say } from "./chat.mjs";
import { linkFromMail } from "./mail.mjs";

const app = () => process.env.CHATSUPPORT_URL;

/** A new agent of the demo organization with the inbox open; returns their page. */
async function newAgent(browser, owner, name) {
  const handle = `${name.split(" ")[0].toLowerCase()}${Date.now()}`;
  await owner.goto(`${app()}/team`);
  await owner.getByLabel("Email").fill(`${handle}@acme.com`);
  await owner.getByRole("combobox", { name: "Role", exact: true }).selectOption("agent");
  await owner.getByRole("button", { name: "Send invitation" }).click();
  await expect(owner.getByRole("status").filter({ hasText: "Invitation sent" })).toBeVisible();
  const page = await browser.newPage();
  const token = new URL(linkFromMail(`${handle}@acme.com`)).searchParams.get("token");
  const joined = await page.request.post(`${app()}/api/v1/auth/accept-invitation`, {
    data: { token, name, password: "Ag3nt!inbox" },
  });
  expect(joined.status()).toBe(200);
  await page.goto(`${app()}/conversations`);
  await expect(page.getByRole("status").filter({ hasText: "Live" })).toBeVisible();
  return page;
}

test("round-robin gives an escalation to the online agent; with nobody free the visitor hears their place in line", async ({ browser }) => {
  const owner = await browser.newPage();
  const errors = [];
  owner.on("pageerror", (e) => errors.push(e.message));
  await signInAsDemoOwner(owner, app());
  const lee = await newAgent(browser, owner, "Lee Router");
  await owner.goto(`${app()}/conversations`);
  await expect(owner.getByRole("status").filter({ hasText: "Live" })).toBeVisible();
  const status = owner.getByRole("group", { name: "Your status" });
  const leeStatus = lee.getByRole("group", { name: "Your status" });
  await expect(leeStatus).toContainText("Online");
  try {
    // The owner steps away and turns routing on: Lee is the one online agent.
    await status.getByRole("combobox", { name: "Your availability" }).selectOption("away");
    await expect(status).toContainText("Away");
    await status.getByRole("combobox", { name: "Routing" }).selectOption("round_robin");
    await expect(status.getByRole("combobox", { name: "Routing" })).toHaveValue("round_robin");

    const first = `Lee please ${Date.now() % 100000}: I want a person`;
    const visitor = await browser.newPage();
    const chat = await openWidget(visitor);
    await say(chat, first);
    await expect(chat.getByRole("log")).toContainText("A person from the team will reply here as soon as they can.");
    // Given to Lee, who is told, and finds it in Mine.
    const notice = lee.getByRole("complementary", { name: "Assignments" });
    await expect(notice).toContainText("is yours");
    await notice.getByRole("link", { name: "Open it" }).click();
    const pane = lee.getByRole("region", { name: "Conversation", exact: true });
    await expect(pane.getByRole("log", { name: "Messages" })).toContainText(first);
    await expect(leeStatus).toContainText("1 of 5 open");

    // Lee steps away too: the next visitor waits, and is told where they are in line.
    await leeStatus.getByRole("combobox", { name: "Your availability" }).selectOption("away");
    await expect(leeStatus.locator(".status-now")).toHaveText("Away");
    const second = await browser.newPage();
    const secondChat = await openWidget(second);
    await say(secondChat, `Anyone there ${Date.now() % 100000}? I want a person`);
    await expect(secondChat.getByRole("log")).toContainText(/You are next in line · about (a minute|\d+ minutes)\./);
    await expect(status).toContainText("1 waiting in the queue");

    // Lee is back: the waiting visitor is hers, and the line is empty again.
    await leeStatus.getByRole("combobox", { name: "Your availability" }).selectOption("online");
    await expect(notice).toContainText("is yours");
    await expect(leeStatus).toContainText("2 of 5 open");
  } finally {
    // The demo organization is shared by every spec: routing by hand again, the owner online.
    await status.getByRole("combobox", { name: "Routing" }).selectOption("manual");
    await expect(status.getByRole("combobox", { name: "Routing" })).toHaveValue("manual");
    await status.getByRole("combobox", { name: "Your availability" }).selectOption("online");
    await expect(status.locator(".status-now")).toHaveText("Online");
  }
  expect(errors).toEqual([]);
});

test("keys move through the inbox: ? for help, j to open, t to take over, r to reply, e to resolve", async ({ browser }) => {
  const said = `Keyboard ${Date.now() % 100000} question`;
  const visitor = await browser.newPage();
  const chat = await openWidget(visitor);
  await say(chat, said);
  await expect(chat.getByRole("log").locator("li.from-bot").last()).toBeVisible();

  const owner = await browser.newPage();
  await signInAsDemoOwner(owner, app());
  await owner.goto(`${app()}/conversations?sort=recent`);
  await expect(owner.getByRole("status").filter({ hasText: "Live" })).toBeVisible();
  await owner.keyboard.press("?");
  const help = owner.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(help).toBeVisible();
  await expect(help).toContainText("Take over");
  await owner.keyboard.press("Escape");
  await expect(help).toBeHidden();

  // The newest conversation is first: j opens it.
  await owner.keyboard.press("j");
  await expect(owner).toHaveURL(/c=/);
  const pane = owner.getByRole("region", { name: "Conversation", exact: true });
  await expect(pane.getByRole("log", { name: "Messages" })).toContainText(said);
  await owner.keyboard.press("t");
  await expect(pane.getByText("With Acme Corp Owner")).toBeVisible();
  await expect(chat.getByRole("log")).toContainText("You're now chatting with Acme Corp Owner.");
  await owner.keyboard.press("r");
  const reply = pane.getByRole("textbox", { name: "Reply to the visitor" });
  await expect(reply).toBeFocused();
  // Letters typed in a field are words, not keys.
  await owner.keyboard.type("Sure, here to help");
  await expect(reply).toHaveValue("Sure, here to help");
  await pane.getByRole("button", { name: "Send" }).click();
  await expect(chat.getByRole("log")).toContainText("Sure, here to help");
  await reply.blur();
  await owner.keyboard.press("e");
  await expect(chat.getByText("How would you rate your experience?")).toBeVisible();
});
