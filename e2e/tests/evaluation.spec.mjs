// A bot's evaluation set, as an owner uses it: questions added on the Knowledge page (one
// expecting a source, one the bot must not answer), one taken from a conversation in the
// inbox, and every FAQ at once; "Run now" shows its progress and then what passed and why;
// a second run draws the pass rate over time. Works at 360 px too.
import { expect, test } from "@playwright/test";
import { registerAndVerify, signInAsDemoOwner } from "./people.mjs";
import { openWidget, say } from "./chat.mjs";

const app = () => process.env.CHATSUPPORT_URL;
// Asked only here: the e2e server is shared by every spec.
const PARCEL = "How many days does delivery take?";
const GNOMES = "Do you sell garden gnomes?";
const FROM_CHAT = "Can I pay for my order by invoice as a company?";
const UNKNOWN = "Do you have a mobile app for iPhone?";

test("an owner keeps an evaluation set, runs it and sees what passed and the pass rate over time", async ({ browser }) => {
  // A visitor's question, taken from the conversation into the set by the owner in the inbox.
  const visitor = await browser.newPage();
  const chat = await openWidget(visitor);
  await say(chat, FROM_CHAT);
  await expect(chat.getByRole("log").locator("li.from-bot").last()).toBeVisible();

  const owner = await browser.newPage();
  await signInAsDemoOwner(owner, app());
  await owner.getByRole("list", { name: "Conversations" }).getByRole("link", { name: new RegExp(FROM_CHAT.slice(0, 24)) }).click();
  const pane = owner.getByRole("region", { name: "Conversation", exact: true });
  const review = pane.getByRole("group", { name: "Review this answer" }).last();
  await review.getByRole("button", { name: "Add to evaluation set" }).click();
  await expect(review.getByRole("status")).toContainText("Added the question to the evaluation set");

  await owner.goto(`${app()}/bots`);
  await owner.getByRole("link", { name: "Knowledge of Acme Helper" }).click();
  const set = owner.getByRole("region", { name: "Evaluation set" });
  const questions = set.getByRole("list", { name: "Evaluation questions" });
  await expect(questions.getByRole("listitem").filter({ hasText: FROM_CHAT })).toContainText("From a conversation");

  // Typed: worded unlike the FAQ, expecting it to be found; and one the bot must decline.
  await set.getByText("Add a question").click();
  await set.getByRole("textbox", { name: "Test question" }).fill(PARCEL);
  await set.getByRole("combobox", { name: "A right answer…" }).selectOption("source");
  await set.getByRole("combobox", { name: "Source" }).selectOption({ label: "How long does shipping take?" });
  await set.getByRole("button", { name: "Add question" }).click();
  await expect(set.getByRole("status").filter({ hasText: `Added “${PARCEL}”` })).toBeVisible();
  await set.getByRole("textbox", { name: "Test question" }).fill(GNOMES);
  await set.getByRole("combobox", { name: "A right answer…" }).selectOption("declined");
  await set.getByRole("button", { name: "Add question" }).click();
  await expect(questions.getByRole("listitem").filter({ hasText: GNOMES })).toContainText("Says it does not know");
  // One the knowledge does not cover yet, expected answered: it will fail.
  await set.getByRole("textbox", { name: "Test question" }).fill(UNKNOWN);
  await set.getByRole("combobox", { name: "A right answer…" }).selectOption("answered");
  await set.getByRole("button", { name: "Add question" }).click();
  await expect(questions.getByRole("listitem").filter({ hasText: UNKNOWN })).toBeVisible();
  await expect(questions.getByRole("listitem").filter({ hasText: PARCEL })).toContainText("Cites “How long does shipping take?”");

  // A bad question is refused and nothing is added.
  const before = await questions.getByRole("listitem").count();
  await set.getByRole("combobox", { name: "A right answer…" }).selectOption("source");
  await set.getByRole("textbox", { name: "Test question" }).fill("Which source?");
  await set.getByRole("button", { name: "Add question" }).click();
  await expect(set.getByRole("alert")).toContainText("Choose the source a right answer cites");
  await expect(questions.getByRole("listitem")).toHaveCount(before);

  // Every FAQ at once (the shipping FAQ is expected already, so it is skipped).
  await set.getByRole("button", { name: "Add every FAQ" }).click();
  await expect(set.getByRole("status").filter({ hasText: /Added \d+ FAQ questions?\./ })).toBeVisible();
  await expect(questions.getByRole("listitem").filter({ hasText: "How do I reset my password?" })).toContainText("FAQ");

  // Run it: what passed and why.
  await set.getByRole("button", { name: "Run now" }).click();
  await expect(set).toContainText(/last run: \d+ % passed \(\d+ of \d+\)/, { timeout: 60_000 });
  const parcel = questions.getByRole("listitem").filter({ hasText: PARCEL });
  await expect(parcel).toContainText("Passed");
  await expect(parcel).toContainText("Found “How long does shipping take?”");
  await expect(questions.getByRole("listitem").filter({ hasText: GNOMES })).toContainText("Passed");
  const unknown = questions.getByRole("listitem").filter({ hasText: UNKNOWN });
  await expect(unknown).toContainText("Failed");
  await expect(unknown).toContainText("Did not know");
  // What failed, alone.
  await set.getByRole("checkbox", { name: /Only the 1 question that failed/ }).check();
  await expect(questions.getByRole("listitem")).toHaveCount(1);
  await expect(questions.getByRole("listitem")).toContainText(UNKNOWN);
  await set.getByRole("checkbox", { name: /Only the 1 question that failed/ }).uncheck();

  // A second run: the pass rate over time is drawn, and told in words.
  await set.getByRole("button", { name: "Run now" }).click();
  await expect(set.getByRole("img", { name: /Pass rate over the last \d+ runs/ })).toBeVisible({ timeout: 60_000 });

  // At 360 px the set stays within the screen.
  await owner.setViewportSize({ width: 360, height: 800 });
  const overflow = await owner.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await set.getByRole("button", { name: "Run now" }).scrollIntoViewIfNeeded();
  await expect(set.getByRole("button", { name: "Run now" })).toBeInViewport();
});

test("a knowledge change that breaks a question is named on the Knowledge page", async ({ page }) => {
  // An owner of their own (the demo bot's knowledge is shared by every spec).
  await registerAndVerify(page, app(), { name: "Eva Valen", email: "eva@valen.example", company: "Valen Post" });
  await page.goto(`${app()}/bots/new`);
  await page.getByLabel("Bot name").fill("Valen Helper");
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByRole("button", { name: "Create bot" }).click();
  await page.getByRole("button", { name: "Next: install" }).click();
  await page.getByRole("link", { name: "Open the Knowledge page" }).click();
  await page.getByText("Add an FAQ").click();
  await page.getByLabel("Question", { exact: true }).fill("Do you deliver on Sundays?");
  await page.getByLabel("Answer", { exact: true }).fill("Yes: Sunday deliveries arrive before noon.");
  await page.getByRole("button", { name: "Add FAQ" }).click();
  await expect(page.getByRole("progressbar", { name: "Do you deliver on Sundays?: Ready" })).toHaveAttribute("aria-valuenow", "100");

  const set = page.getByRole("region", { name: "Evaluation set" });
  const question = "Do you deliver parcels on a Sunday?";
  await set.getByText("Add a question").click();
  await set.getByRole("textbox", { name: "Test question" }).fill(question);
  await set.getByRole("combobox", { name: "A right answer…" }).selectOption("source");
  await set.getByRole("combobox", { name: "Source" }).selectOption({ label: "Do you deliver on Sundays?" });
  await set.getByRole("button", { name: "Add question" }).click();
  await set.getByRole("button", { name: "Run now" }).click();
  await expect(set).toContainText("last run: 100 % passed (1 of 1)", { timeout: 60_000 });
  await expect(set.getByRole("alert")).toHaveCount(0);

  // The FAQ goes: the set runs again by itself and says what the change broke.
  await page.getByRole("button", { name: "Delete Do you deliver on Sundays?" }).click();
  await expect(set.getByRole("alert")).toContainText(
    `1 question passed before and fail since the last change to the knowledge: “${question}”`,
    { timeout: 60_000 },
  );
  await expect(set.getByRole("listitem").filter({ hasText: question })).toContainText("Newly failing");
});
