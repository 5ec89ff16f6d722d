// What people say of the bot's answers, and what the owner does with it: a visitor gives an
// answer a thumbs down in the widget; the owner finds the question in the Knowledge page's
// "Knowledge gaps" report, drafts an FAQ from it in one click and saves it; the same question
// asked again is answered from the new FAQ. The agent sees the thumbs in the inbox, live.
// (Named widget-… so it runs after billing.spec, which reads the demo's widget-load count.)
import { expect, test } from "@playwright/test";
import { signInAsDemoOwner } from "./people.mjs";
import { openWidget, say } from "./chat.mjs";

const app = () => process.env.CHATSUPPORT_URL;
// Asked only here: the e2e server is shared by every spec.
const QUESTION = "Can I pay with Apple Pay on my iPhone?";
// With the formatting an owner may use: bold and a link, drawn in the widget (never as markup).
const BETTER = "Yes: **Apple Pay** works at checkout on iPhone, iPad and Mac. See [how it works](https://www.apple.com/apple-pay/).";

test("a thumbs down becomes a knowledge gap, an FAQ drafted from it answers the question next time", async ({ browser }) => {
  const visitor = await browser.newPage();
  const chat = await openWidget(visitor);
  const log = chat.getByRole("log");
  await say(chat, QUESTION);
  // Whatever the bot made of it, it is a bot answer with thumbs under it.
  const answer = log.locator("li.from-bot").last();
  await expect(answer.getByRole("button", { name: "This did not help" })).toBeVisible();

  // The agent has the conversation open before the visitor says anything of the answer.
  const owner = await browser.newPage();
  await signInAsDemoOwner(owner, app());
  await owner.goto(`${app()}/conversations`);
  await owner.getByRole("list", { name: "Conversations" }).getByRole("link", { name: new RegExp(QUESTION.slice(0, 20)) }).click();
  const pane = owner.getByRole("region", { name: "Conversation", exact: true });
  await expect(pane.getByRole("group", { name: "Review this answer" }).last()).toBeVisible();

  await answer.getByRole("button", { name: "This did not help" }).click();
  await expect(answer.getByRole("button", { name: "This did not help" })).toHaveAttribute("aria-pressed", "true");
  // Live in the inbox, no reload.
  await expect(pane.getByRole("log")).toContainText("The visitor found this unhelpful");
  await pane.getByRole("group", { name: "Review this answer" }).last().getByRole("button", { name: "Incorrect" }).click();
  await expect(
    pane.getByRole("group", { name: "Review this answer" }).last().getByRole("button", { name: "Incorrect" }),
  ).toHaveAttribute("aria-pressed", "true");

  // The owner's gaps report lists the question; the FAQ draft starts from it.
  await owner.goto(`${app()}/bots`);
  await owner.getByRole("link", { name: "Knowledge of Acme Helper" }).click();
  const gaps = owner.getByRole("region", { name: "Knowledge gaps" });
  const gap = gaps.getByRole("list", { name: "Gaps, most asked first" }).getByRole("listitem").filter({ hasText: QUESTION }).first();
  await expect(gap).toContainText("thumbs down");
  await gap.getByRole("button", { name: "Draft an FAQ" }).click();
  await expect(gap.getByRole("textbox", { name: "Question" })).toHaveValue(QUESTION);
  await gap.getByRole("textbox", { name: "Answer" }).fill(BETTER);
  await gap.getByRole("button", { name: "Add FAQ" }).click();
  // The new FAQ is processed like any other and reaches Ready.
  const sources = owner.getByRole("list", { name: "Sources" });
  await expect(sources.getByRole("listitem").filter({ hasText: QUESTION })).toContainText("Ready", { timeout: 30_000 });

  // The same question, from a new visitor, is answered from the new FAQ with it as the source.
  const next = await browser.newPage();
  const chat2 = await openWidget(next);
  await say(chat2, QUESTION);
  const answered = chat2.getByRole("log").locator("li.from-bot").filter({ hasText: "Apple Pay works at checkout" });
  await expect(answered).toBeVisible();
  await expect(answered.getByRole("list", { name: "Sources" })).toContainText(QUESTION);
  await expect(answered.locator("strong")).toHaveText("Apple Pay");
  await expect(answered.getByRole("link", { name: "how it works" })).toHaveAttribute("href", "https://www.apple.com/apple-pay/");
  await expect(answered).not.toContainText("**");

  // Refreshed, the report shows the gap closed.
  await owner.reload();
  const closed = owner
    .getByRole("region", { name: "Knowledge gaps" })
    .getByRole("listitem")
    .filter({ hasText: QUESTION })
    .first();
  await expect(closed).toContainText("Answered now");
});
