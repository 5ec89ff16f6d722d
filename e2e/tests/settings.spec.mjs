// The organization profile: an admin edits it; the change persists and is audited.
import { expect, test } from "@playwright/test";

test("an admin updates the company profile and brand colour", async ({ page }) => {
  const app = process.env.CHATSUPPORT_URL;
  await page.goto(`${app}/login`);
  await page.getByRole("button", { name: /Sign in as Acme Corp Owner/ }).click();
  await expect(page).toHaveURL(/\/conversations$/);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
  await expect(page).toHaveURL(/\/settings$/);

  await page.getByLabel("Website").fill("not a url");
  await page.getByLabel("Industry").fill("Outdoor retail");
  await page.getByRole("combobox", { name: "Company size" }).selectOption("51-200");
  await page.getByLabel("Primary colour").fill("#ff6600");
  // The browser's own check refuses "not a url" for type=url; the server is the last word.
  await page.getByLabel("Website").fill("https://acme.example");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();

  await page.reload();
  await expect(page.getByLabel("Website")).toHaveValue("https://acme.example");
  await expect(page.getByLabel("Industry")).toHaveValue("Outdoor retail");
  await expect(page.getByLabel("Primary colour")).toHaveValue("#ff6600");

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByRole("row").nth(1)).toContainText("organization.updated");
});
