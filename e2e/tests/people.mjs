// Making people for a test: register through the page and verify through the mailed link.
import { expect } from "@playwright/test";
import { linkFromMail } from "./mail.mjs";

/** Signs `page` in with the demo owner's one-click button; it lands on the inbox. */
export async function signInAsDemoOwner(page, app) {
  await page.goto(`${app}/login`);
  await page.getByRole("button", { name: /Sign in as Acme Corp Owner/ }).click();
  await expect(page).toHaveURL(/\/conversations$/);
}

export async function registerAndVerify(page, app, { name, email, company, password = "Str0ng!pass" }) {
  await page.goto(`${app}/register`);
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Work email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByLabel("Company name").fill(company);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/verify-email$/);
  await page.goto(linkFromMail(email));
  await expect(page.getByRole("status")).toContainText("verified");
}
