// The visitor's side of a test: open the widget on the third-party page and write in it.

/** Opens the widget on `url` (the third-party page by default); returns the chat's frame. */
export async function openWidget(page, url = process.env.THIRD_PARTY_URL) {
  await page.goto(url);
  await page.getByRole("button", { name: "Open chat" }).click();
  return page.frameLocator('iframe[title="Chat"]');
}

/** Types `text` into the widget's composer and sends it with Enter. */
export async function say(chat, text) {
  await chat.getByRole("textbox", { name: "Message" }).fill(text);
  await chat.getByRole("textbox", { name: "Message" }).press("Enter");
}
