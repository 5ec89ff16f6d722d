// Signing in and out of the dashboard as a person would.
import { expect, test } from "@playwright/test";
import { linkFromMail } from "./mail.mjs";
import { registerAndVerify } from "./people.mjs";

test("a wrong password is refused, a demo account signs in, signing out ends the session", async ({ page }) => {
  const app = process.env.CHATSUPPORT_URL;
  await page.goto(`${app}/conversations`);
  await expect(page).toHaveURL(/\/login$/);

  await page.getByRole("textbox", { name: "Email" }).fill("jane@acme.com");
  await page.getByLabel("Password").fill("not-her-password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("alert")).toHaveText("That email and password do not match an account.");

  await page.getByLabel("Password").fill("password123");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/conversations$/);
  await expect(page.getByRole("banner")).toContainText("Jane Doe");
  await expect(page.getByRole("banner")).toContainText("Admin");

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  // The sign-in page is another area's: it loads whole before the form shows.
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await page.goto(`${app}/conversations`);
  await expect(page).toHaveURL(/\/login$/);
});


test("a person registers, verifies through the mailed link and reaches an empty dashboard", async ({ page }) => {
  const app = process.env.CHATSUPPORT_URL;
  await page.goto(`${app}/login`);
  await page.getByRole("link", { name: "Create an account" }).click();
  await expect(page).toHaveURL(/\/register$/);

  await page.getByLabel("Your name").fill("Rita Register");
  await page.getByLabel("Work email").fill("rita@newshop.example");
  await page.getByLabel("Password", { exact: true }).fill("weakpassword");
  await page.getByLabel("Company name").fill("New Shop");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("alert")).toContainText("The password needs");

  await page.getByLabel("Password", { exact: true }).fill("Str0ng!pass");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/verify-email$/);
  await expect(page.getByRole("status")).toContainText("We sent a link to rita@newshop.example");

  // Unverified: the dashboard sends her back here.
  await page.goto(`${app}/conversations`);
  await expect(page).toHaveURL(/\/verify-email$/);

  await page.goto(linkFromMail("rita@newshop.example"));
  await expect(page.getByRole("status")).toContainText("rita@newshop.example is verified");
  await page.getByRole("link", { name: "Go to your dashboard" }).click();
  await expect(page).toHaveURL(/\/conversations$/);
  await expect(page.getByRole("banner")).toContainText("New Shop");
  await expect(page.getByText("No conversations yet.")).toBeVisible();
});

test("a forgotten password is reset through the mailed link", async ({ page }) => {
  const app = process.env.CHATSUPPORT_URL;
  await page.goto(`${app}/login`);
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await page.getByLabel("Email").fill("jane@acme.com");
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByRole("status")).toContainText("we sent it a link");

  await page.goto(linkFromMail("jane@acme.com"));
  await page.getByLabel("New password", { exact: true }).fill("Fresh!pass9");
  await page.getByRole("button", { name: "Set password" }).click();
  await expect(page.getByRole("status")).toContainText("Your password is changed");

  await page.goto(`${app}/login`);
  await page.getByRole("textbox", { name: "Email" }).fill("jane@acme.com");
  await page.getByLabel("Password").fill("Fresh!pass9");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/conversations$/);
});

test("signing out of other sessions from the profile ends the other browser's session", async ({ browser }) => {
  const app = process.env.CHATSUPPORT_URL;
  const signIn = async () => {
    const page = await browser.newContext().then((context) => context.newPage());
    await page.goto(`${app}/login`);
    await page.getByRole("button", { name: /Sign in as Acme Corp Owner/ }).click();
    await expect(page).toHaveURL(/\/conversations$/);
    return page;
  };
  const laptop = await signIn();
  const phone = await signIn();
  await phone.getByRole("banner").getByRole("link", { name: /Acme Corp Owner/ }).click();
  await expect(phone).toHaveURL(/\/profile$/);
  await expect(phone.getByRole("table")).toContainText("This session");
  await phone.getByRole("button", { name: "Sign out of all other sessions" }).click();
  await expect(phone.getByRole("status").filter({ hasText: "Signed out of" })).toBeVisible();
  await expect(phone.getByRole("table").locator("caption")).toHaveText("1 active");

  await laptop.reload();
  await expect(laptop).toHaveURL(/\/login$/);
});

test("signing in works before the dashboard's code has loaded (JavaScript off): refusals show, success lands", async ({ browser, page }) => {
  const app = process.env.CHATSUPPORT_URL;
  // Someone of their own: other tests change the demo people's passwords.
  await registerAndVerify(page, app, { name: "Noah Nojs", email: "noah@nojs.example", company: "No JS Ltd" });
  const context = await browser.newContext({ javaScriptEnabled: false });
  const plain = await context.newPage();
  await plain.goto(`${app}/login`);
  await plain.getByRole("textbox", { name: "Email" }).fill("noah@nojs.example");
  await plain.getByLabel("Password").fill("not-his-password");
  await plain.getByRole("button", { name: "Sign in", exact: true }).click();
  // The server answers the plain form post by sending the browser back with the refusal.
  await expect(plain).toHaveURL(/\/login/);
  await expect(plain.getByRole("alert")).toHaveText("That email and password do not match an account.");

  await plain.getByRole("textbox", { name: "Email" }).fill("noah@nojs.example");
  await plain.getByLabel("Password").fill("Str0ng!pass");
  await plain.getByRole("button", { name: "Sign in", exact: true }).click();
  // Signed in: the dashboard's address, not sent back to /login (the name in the header streams
  // in through a script, so without JavaScript the address is what there is to check).
  await expect(plain).toHaveURL(/\/conversations$/);
  await context.close();
});
