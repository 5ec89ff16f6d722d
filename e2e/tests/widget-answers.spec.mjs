// The answer engine as a visitor meets it in the widget, on the demo bot's knowledge (FAQs and
// two articles, with the local embedding model): a question worded differently from the
// knowledge gets the right answer with its source; one the knowledge does not cover is
// declined honestly with the way to a person; "this is useless, I want a person" hands over,
// and the agent sees why in the inbox.
import { expect, test } from "@playwright/test";
import { signInAsDemoOwner } from "./people.mjs";
import { openWidget, say } from "./chat.mjs";

const app = () => process.env.CHATSUPPORT_URL;

test("a paraphrased question is answered from the knowledge with its source", async ({ page }) => {
  const chat = await openWidget(page);
  const log = chat.getByRole("log");
  await say(chat, "I forgot my login credentials, what now?");
  const answer = log.locator("li.from-bot").filter({ hasText: "Forgot password" });
  await expect(answer).toBeVisible();
  await expect(answer.getByRole("list", { name: "Sources" })).toContainText("How do I reset my password?");

  // Something the knowledge does not cover: said honestly, with the way to a person.
  await say(chat, "Who won the football world cup in 1954?");
  await expect(log.locator("li.from-bot").last()).toContainText("I don't have an answer for that yet");
  await expect(log.locator("li.from-bot").last().getByRole("list", { name: "Sources" })).toHaveCount(0);
  await expect(chat.getByRole("button", { name: "Talk to a person" })).toBeVisible();
});

test("a frustrated visitor is handed to a person and the agent sees why", async ({ browser }) => {
  const visitor = await browser.newPage();
  const chat = await openWidget(visitor);
  const log = chat.getByRole("log");
  await say(chat, "Where do I enter my VAT ID for a business account?");
  await expect(log.locator("li.from-bot").filter({ hasText: "VAT ID" })).toBeVisible();
  await say(chat, "this is useless, I want a person");
  await expect(log).toContainText("I'm passing your conversation to a member of our team.");
  await expect(log).toContainText("A person from the team will reply here as soon as they can.");

  const owner = await browser.newPage();
  await signInAsDemoOwner(owner, app());
  await owner.goto(`${app()}/conversations`);
  await owner
    .getByRole("list", { name: "Conversations" })
    .getByRole("link", { name: /this is useless, I want a person/ })
    .click();
  const pane = owner.getByRole("region", { name: "Conversation", exact: true });
  await expect(pane.getByText("Escalated", { exact: true })).toBeVisible();
  // Each bot answer shows the agent what it was based on.
  await expect(pane.getByRole("log")).toContainText("Handed over · confidence 100 % · the visitor asked for a person");
  await expect(pane.getByRole("log")).toContainText("from Business accounts");
  // Each visitor message shows what it says of them: the intent and how they sound.
  await expect(pane.getByRole("log").locator("li.from-visitor").last()).toContainText("Speak to human (95 %)");
  await pane.getByText(/^History/).click();
  await expect(pane.locator(".history")).toContainText("handed it to a person: the visitor asked for a person");
});

test("the owner tests the bot on its Knowledge page: the answer, its confidence and the passages read", async ({ page }) => {
  await signInAsDemoOwner(page, app());
  await page.goto(`${app()}/bots`);
  await page.getByRole("link", { name: "Knowledge of Acme Helper" }).click();
  const panel = page.getByRole("region", { name: "Test your bot" });
  await panel.getByRole("textbox", { name: "Ask as a visitor would" }).fill("How many days does delivery take within Germany?");
  await panel.getByRole("button", { name: "Test" }).click();
  const result = panel.getByRole("region", { name: "Test answer" });
  await expect(result).toContainText("2-4 working days in Germany");
  await expect(result.getByRole("meter", { name: "Confidence" })).toBeVisible();
  await expect(result.getByRole("list", { name: "Passages read" }).getByRole("listitem").first()).toContainText(
    "How long does shipping take?",
  );
  // What the question says of the one asking, and the prompt a model would be sent.
  await expect(result).toContainText(/Intent: .+ \(\d+ %\) · sounds neutral/);
  await result.getByText("The prompt a language model would be sent").click();
  await expect(result.locator("pre")).toContainText("CUSTOMER'S QUESTION:\nHow many days does delivery take within Germany?");

  // Something it does not know: said so, nothing cited.
  await panel.getByRole("textbox", { name: "Ask as a visitor would" }).fill("Who won the football world cup in 1954?");
  await panel.getByRole("button", { name: "Test" }).click();
  await expect(result).toContainText("Did not know");
  await expect(result).not.toContainText("Sources:");
});
