// The platform operator finds a user, suspends her with a reason, and she is told why.
import { expect, test } from "@playwright/test";
import { expectAccessible } from "./axe.mjs";
import { registerAndVerify } from "./people.mjs";

test("a platform admin suspends a user, who sees the reason, then reinstates her", async ({ browser }) => {
  const app = process.env.CHATSUPPORT_URL;
  const sam = await browser.newContext().then((context) => context.newPage());
  await registerAndVerify(sam, app, { name: "Sam Suspect", email: "sam@suspect.example", company: "Suspect Shop" });

  const ops = await browser.newPage();
  await registerAndVerify(ops, app, { name: "Oscar Ops", email: "ops@chatsupport.test", company: "ChatSupport Ops" });
  await ops.goto(`${app}/conversations`);
  await ops.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Platform admin" }).click();
  await expect(ops).toHaveURL(/\/admin$/);
  await expect(ops.getByRole("table")).toContainText("Acme Corp");
  await expect(ops.getByRole("table")).toContainText("Suspect Shop");
  await expectAccessible(ops, "/admin");

  await ops.getByRole("navigation", { name: "Platform admin" }).getByRole("link", { name: "Users" }).click();
  await ops.getByRole("searchbox", { name: "Search" }).fill("SUSPECT");
  await ops.getByRole("button", { name: "Search" }).click();
  await expect(ops).toHaveURL(/q=SUSPECT/);
  const samRow = ops.getByRole("row").filter({ hasText: "sam@suspect.example" });
  await expect(samRow).toHaveCount(1);
  await samRow.getByText("Sam Suspect").click();
  await samRow.getByRole("combobox", { name: "Status", exact: true }).selectOption("suspended");
  await samRow.getByLabel("Reason (shown to them)").fill("Suspicious sign-ins");
  await samRow.getByRole("button", { name: "Save sam@suspect.example" }).click();
  await expect(ops.getByRole("status").filter({ hasText: "Saved sam@suspect.example" })).toBeVisible();
  await expect(samRow).toContainText("Suspicious sign-ins");

  await sam.goto(`${app}/login`);
  await sam.getByRole("textbox", { name: "Email" }).fill("sam@suspect.example");
  await sam.getByLabel("Password").fill("Str0ng!pass");
  await sam.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(sam.getByRole("alert")).toContainText("This account is suspended. Reason: Suspicious sign-ins");

  await ops.getByRole("link", { name: "Sign-ins and activity of sam@suspect.example" }).click();
  await expect(ops).toHaveURL(/user=/);
  await expect(ops.getByRole("region", { name: /Activity of sam@suspect.example/ })).toContainText("Refused: suspended");

  // The activity view opens that person's form.
  await samRow.getByRole("combobox", { name: "Status", exact: true }).selectOption("active");
  await samRow.getByRole("button", { name: "Save sam@suspect.example" }).click();
  await expect(samRow.getByRole("cell").nth(3)).toHaveText("active");
  await sam.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(sam).toHaveURL(/\/conversations$/);
});
