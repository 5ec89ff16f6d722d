// Two-factor sign-in, Settings → Security and integration credentials, as people use them.
import { expect, test } from "@playwright/test";
import { registerAndVerify } from "./people.mjs";
import { totp } from "./totp.mjs";

test("a person turns on two-factor sign-in and then signs in with a code", async ({ page }) => {
  const app = process.env.CHATSUPPORT_URL;
  const email = "mia@twofactor.example";
  await registerAndVerify(page, app, { name: "Mia Factor", email, company: "Two Factor Shop" });
  await page.goto(`${app}/profile`);
  await page.getByRole("button", { name: "Set up two-factor sign-in" }).click();
  const key = (await page.locator("code.secret").textContent()).trim();
  await expect(page.locator(".qr svg")).toBeVisible();
  await page.getByLabel("Code from the app").fill("000000");
  await page.getByRole("button", { name: "Turn on" }).click();
  await expect(page.getByRole("alert")).toContainText("That code is not right");
  await page.getByLabel("Code from the app").fill(totp(key));
  await page.getByRole("button", { name: "Turn on" }).click();
  await expect(page.getByRole("status").filter({ hasText: "On:" })).toBeVisible();

  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.getByRole("textbox", { name: "Email" }).fill(email);
  await page.getByLabel("Password").fill("Str0ng!pass");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  const code = page.getByLabel("Code from your authenticator app");
  await expect(code).toBeVisible();
  await code.fill(totp(key));
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).toHaveURL(/\/conversations$/);
  await expect(page.getByRole("banner")).toContainText("Mia Factor");
});

test("an owner sets security rules and stores a credential that is never shown again", async ({ page }) => {
  const app = process.env.CHATSUPPORT_URL;
  await registerAndVerify(page, app, { name: "Owen Rules", email: "owen@rules.example", company: "Rules Inc" });
  await page.goto(`${app}/settings`);
  await page.getByLabel("Sign out idle sessions after").selectOption("60");
  await page.getByLabel(/IP allow-list/).fill("10.0.0.0/8");
  await page.getByRole("button", { name: "Save security rules" }).click();
  await expect(page.getByRole("alert")).toContainText("Your own address");
  // A refused save keeps the form as the owner left it.
  await expect(page.getByLabel("Sign out idle sessions after")).toHaveValue("60");
  await expect(page.getByLabel(/IP allow-list/)).toHaveValue("10.0.0.0/8");
  await page.getByLabel(/IP allow-list/).fill("10.0.0.0/8\n127.0.0.1");
  await page.getByRole("button", { name: "Save security rules" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Security rules saved." })).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Sign out idle sessions after")).toHaveValue("60");

  await page.getByLabel("Service").selectOption("slack");
  await page.getByLabel("Label").fill("Support Slack");
  await page.getByLabel("Secret", { exact: true }).fill("xoxb-1111-2222-abcd");
  await page.getByRole("button", { name: "Add credential" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved Support Slack" })).toContainText("…abcd");
  await expect(page.locator("body")).not.toContainText("xoxb-1111");
  await page.getByRole("button", { name: "Delete Support Slack" }).click();
  await expect(page.getByText("No credentials yet.")).toBeVisible();
});

test("an owner uploads a logo and creates an API key that works once copied", async ({ page }) => {
  const app = process.env.CHATSUPPORT_URL;
  await registerAndVerify(page, app, { name: "Kim Keys", email: "kim@keys.example", company: "Keys Ltd" });
  await page.goto(`${app}/settings`);

  // A 2 × 1 PNG (red, blue), as a file chooser would hand it over.
  const png = Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAADUlEQVR4nGP4zwAE/wEHAAH/4iOeWQAAAABJRU5ErkJggg==",
    "base64",
  );
  await page.getByLabel("Logo file").setInputFiles({ name: "logo.png", mimeType: "image/png", buffer: png });
  await page.getByRole("button", { name: "Upload logo" }).click();
  await expect(page).toHaveURL(/logo=saved/);
  await expect(page.getByRole("img", { name: "Keys Ltd logo" })).toBeVisible();
  await page.getByLabel("Logo file").setInputFiles({ name: "logo.gif", mimeType: "image/gif", buffer: Buffer.from("GIF89a") });
  await page.getByRole("button", { name: "Upload logo" }).click();
  await expect(page.getByRole("alert")).toHaveText("The logo must be a PNG or JPEG image.");

  await page.getByLabel("Key name").fill("CRM sync");
  await page.getByLabel("Key role").selectOption("viewer");
  await page.getByRole("button", { name: "Create API key" }).click();
  const shown = page.locator(".new-key code");
  await expect(shown).toContainText("cs_live_");
  const key = (await shown.textContent()).trim();
  await expect(page.getByRole("list", { name: "API keys" })).toContainText("CRM sync");
  const answer = await fetch(`${app}/api/v1/workspaces`, { headers: { authorization: `Bearer ${key}` } });
  expect(answer.status).toBe(200);
  expect((await answer.json()).workspaces[0].name).toBe("Keys Ltd workspace");

  await page.reload();
  await expect(page.locator("body")).not.toContainText(key);
  await page.getByRole("button", { name: "Revoke CRM sync" }).click();
  await expect(page.getByText("No API keys yet.")).toBeVisible();
  const refused = await fetch(`${app}/api/v1/workspaces`, { headers: { authorization: `Bearer ${key}` } });
  expect(refused.status).toBe(401);
});
