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
  const leeName = `Lee ${Date.now() % 100000}`;
  const lee = await newAgent(browser, owner, leeName);
  // Room for whatever earlier visitors left waiting, which routing gives her first.
  const team = await (await owner.request.get(`${app()}/api/v1/agents`)).json();
  const leeId = team.agents.find((a) => a.name === leeName).id;
  const roomy = await owner.request.put(`${app()}/api/v1/agents/${leeId}/capacity`, { data: { max_conversations: 50 } });
  expect(roomy.status()).toBe(200);
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
    await lee.goto(`${app()}/conversations?view=mine`);
    const mine = lee.getByRole("list", { name: "Conversations" });
    await mine.getByRole("link", { name: new RegExp(first.slice(0, 14)) }).click();
    const pane = lee.getByRole("region", { name: "Conversation", exact: true });
    await expect(pane.getByRole("log", { name: "Messages" })).toContainText(first);
    await expect(leeStatus).toContainText(/\d+ of 50 open/);

    // Lee steps away too: the next visitor waits, and is told where they are in line.
    await leeStatus.getByRole("combobox", { name: "Your availability" }).selectOption("away");
    await expect(leeStatus.locator(".status-now")).toHaveText("Away");
    const second = await browser.newPage();
    const secondChat = await openWidget(second);
    const waiting = `Anyone there ${Date.now() % 100000}? I want a person`;
    await say(secondChat, waiting);
    await expect(secondChat.getByRole("log")).toContainText(/You are next in line · about (a minute|\d+ minutes)\./);
    await expect(status).toContainText("1 waiting in the queue");

    // Lee is back: the waiting visitor is hers, and the line is empty again.
    await leeStatus.getByRole("combobox", { name: "Your availability" }).selectOption("online");
    await expect(mine.getByRole("link", { name: new RegExp(waiting.slice(0, 18)) })).toBeVisible();
    await expect(status).not.toContainText("waiting in the queue");
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

  // The team saves a canned reply (the reply box offers it for "/").
  const manager = owner.locator("details.canned");
  await manager.locator("summary").click();
  const shortcut = `thanks${Date.now() % 100000}`;
  await manager.getByRole("textbox", { name: "Shortcut" }).fill(`/${shortcut}`);
  await manager.getByRole("textbox", { name: "Canned reply" }).fill("Thanks {customer.name}, here to help");
  await manager.getByRole("button", { name: "Save reply" }).click();
  await expect(manager.getByRole("list", { name: "Canned replies" })).toContainText(`/${shortcut}`);
  await manager.locator("summary").click();

  // The newest conversation is first: j opens it.
  await owner.keyboard.press("j");
  await expect(owner).toHaveURL(/c=/);
  const pane = owner.getByRole("region", { name: "Conversation", exact: true });
  await expect(pane.getByRole("log", { name: "Messages" })).toContainText(said);
  await owner.keyboard.press("t");
  await expect(pane.getByText("With Acme Corp Owner")).toBeVisible();
  await expect(chat.getByRole("log")).toContainText("You're now chatting with Acme Corp Owner.");
  // The visitor writes: the agent sees them typing, not what (drafts are not shared by default).
  await chat.getByRole("textbox", { name: "Message" }).pressSequentially("one more thing");
  const name = (await pane.getByRole("heading", { level: 2 }).textContent()).trim();
  await expect(pane.locator(".visitor-typing")).toHaveText(`${name} is typing…`);
  const reply = pane.getByRole("textbox", { name: "Reply to the visitor" });
  await expect(reply).toBeVisible();
  await owner.keyboard.press("r");
  await expect(reply).toBeFocused();
  // Letters typed in a field are words, not keys; "/" and the shortcut offer the canned reply,
  // Tab puts it in with the customer's name.
  await owner.keyboard.type(`/${shortcut}`);
  await expect(pane.getByRole("listbox", { name: "Canned replies to insert" })).toContainText(`Thanks ${name}, here to help`);
  await owner.keyboard.press("Tab");
  await expect(reply).toHaveValue(`Thanks ${name}, here to help`);
  await pane.getByRole("button", { name: "Send" }).click();
  await expect(chat.getByRole("log")).toContainText(`Thanks ${name}, here to help`);
  await reply.blur();
  await owner.keyboard.press("e");
  await expect(chat.getByText("How would you rate your experience?")).toBeVisible();
});
