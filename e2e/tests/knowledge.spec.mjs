// A bot's knowledge as an owner feeds it: files dropped in with a progress bar each, an FAQ
// typed in, every source moving to Ready without a reload, and the knowledge search finding a
// sentence of each; a bad file says why it failed; agents read but do not change.
import { expect, test } from "@playwright/test";
import { registerAndVerify } from "./people.mjs";
import { expectAccessible } from "./axe.mjs";
import { docx, pdf } from "./files.mjs";

const app = process.env.CHATSUPPORT_URL;

test("a new owner's bot learns from a PDF, a DOCX, a CSV, typed and imported FAQs, live, and finds each", async ({ page }) => {
  // A page that fails to hydrate stops moving without a word: none may (the import's reload
  // once did, which left every bar where the server had drawn it). Each page keeps one socket.
  const pageErrors = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  let sockets = 0;
  page.on("websocket", (ws) => { sockets += 1; ws.on("close", () => { sockets -= 1; }); });
  await registerAndVerify(page, app, { name: "Kai Keeper", email: "kai@keeper.example", company: "Keeper Tools" });
  await page.goto(`${app}/bots/new`);
  await page.getByLabel("Bot name").fill("Keeper Helper");
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByRole("button", { name: "Create bot" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Keeper Helper is live." })).toBeVisible();
  await page.getByRole("button", { name: "Next: install" }).click();
  await page.getByRole("link", { name: "Open the Knowledge page" }).click();
  await expect(page.getByRole("heading", { name: "Knowledge of Keeper Helper" })).toBeVisible();
  await expect(page.getByText("This bot knows nothing yet")).toBeVisible();
  await expect.poll(() => sockets, { message: "the guided flow's socket closes when its page goes" }).toBe(1);

  await page.getByLabel("Files").setInputFiles([
    { name: "manual.pdf", mimeType: "application/pdf", buffer: pdf(["Welcome to the Keeper manual.", "Oil the hinge with walnut oil twice a year."]) },
    { name: "returns.docx", mimeType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", buffer: docx("Returns", "Send parcels back with the Pelican courier.") },
    { name: "prices.csv", mimeType: "text/csv", buffer: Buffer.from("tool,price\nBadger saw,39 euros\nOtter drill,129 euros\n") },
    { name: "broken.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.7\n1 0 obj << /Type") },
  ]);
  const uploads = page.getByRole("list", { name: "Uploads" });
  await expect(uploads.getByText("Uploaded")).toHaveCount(4);

  await page.getByText("Add an FAQ").click();
  await page.getByLabel("Question", { exact: true }).fill("Do you sharpen blades?");
  await page.getByLabel("Answer", { exact: true }).fill("Yes: bring any blade to the workshop on Saturdays.");
  await page.getByRole("button", { name: "Add FAQ" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Added “Do you sharpen blades?”." })).toBeVisible();

  // A CSV of FAQs: the report says what came in and what did not.
  await page.getByLabel("Import FAQs from a CSV").setInputFiles({
    name: "faqs.csv", mimeType: "text/csv",
    buffer: Buffer.from("question,answer,category,tags\n\"Do you rent tools?\",\"Yes, by the day at the shop.\",rental,\"rent\"\n,no question,misc,\n"),
  });
  await page.getByRole("button", { name: "Import CSV" }).click();
  await expect(page.getByRole("status").filter({ hasText: "FAQ import: 1 imported, 0 skipped." })).toContainText("row 3");
  await expect(page.getByRole("progressbar", { name: "Do you rent tools?: Ready" })).toHaveAttribute("aria-valuenow", "100");

  // Every source reaches Ready (or says why not) without a reload.
  const sources = page.getByRole("list", { name: "Sources" });
  for (const title of ["manual.pdf", "returns.docx", "prices.csv", "Do you sharpen blades?"]) {
    await expect(page.getByRole("progressbar", { name: `${title}: Ready` })).toHaveAttribute("aria-valuenow", "100");
  }
  const broken = sources.getByRole("listitem").filter({ hasText: "broken.pdf" });
  await expect(broken.getByRole("alert")).toContainText("Unable to read this PDF");
  await expectAccessible(page, "the knowledge page");

  const search = async (words, from) => {
    await page.getByLabel("Search this bot's knowledge").fill(words);
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await expect(page.getByRole("list", { name: "Search results" }).getByRole("listitem").first()).toContainText(from);
  };
  await search("walnut oil", "page 2");
  await search("Pelican courier", "Returns");
  await search("Otter drill", "prices.csv");
  await search("sharpen blades", "Do you sharpen blades?");
  await search("rent tools", "Do you rent tools?");

  // A new version of a document replaces the old one in place: same card, new text.
  await sources.getByLabel("Replace file returns.docx").setInputFiles({
    name: "returns.docx", mimeType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    buffer: docx("Returns", "Send parcels back with the Heron courier."),
  });
  await expect(page.getByRole("progressbar", { name: "returns.docx: Ready" })).toHaveAttribute("aria-valuenow", "100");
  await search("Heron courier", "Returns");
  await page.getByLabel("Search this bot's knowledge").fill("Pelican");
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Nothing in this bot's knowledge matches." })).toBeVisible();
  await expect(sources.locator(".source-title", { hasText: "returns.docx" })).toHaveCount(1);

  // Deleting takes it out of what the bot knows.
  await broken.getByRole("button", { name: "Delete broken.pdf" }).click();
  await expect(sources.getByText("broken.pdf")).toHaveCount(0);

  // At 360 px the page still fits.
  await page.setViewportSize({ width: 360, height: 740 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  expect(pageErrors).toEqual([]);
});
