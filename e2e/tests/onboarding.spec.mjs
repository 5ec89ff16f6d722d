// Issue 3's whole story in one browser run: a person registers, verifies through the mailed
// link, signs in, invites a teammate as agent; the teammate accepts and sees only what an
// agent may see.
import { expect, test } from "@playwright/test";
import { linkFromMail } from "./mail.mjs";
import { registerAndVerify } from "./people.mjs";

test("a new owner signs up, invites an agent, and the agent gets an agent's view only", async ({ browser }) => {
  const app = process.env.CHATSUPPORT_URL;
  const owner = await browser.newContext().then((context) => context.newPage());
  await registerAndVerify(owner, app, { name: "Nora Founder", email: "nora@bakery.example", company: "Nora's Bakery" });
  await owner.goto(`${app}/conversations`);
  await owner.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(owner).toHaveURL(/\/login$/);
  await owner.getByRole("textbox", { name: "Email" }).fill("nora@bakery.example");
  await owner.getByLabel("Password").fill("Str0ng!pass");
  await owner.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(owner).toHaveURL(/\/conversations$/);
  await expect(owner.getByRole("banner")).toContainText("Nora's Bakery");

  await owner.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Team" }).click();
  await owner.getByLabel("Email").fill("amir@bakery.example");
  await owner.getByRole("combobox", { name: "Role", exact: true }).selectOption("agent");
  await owner.getByRole("button", { name: "Send invitation" }).click();
  await expect(owner.getByRole("status").filter({ hasText: "Invitation sent" })).toContainText("amir@bakery.example");

  const agent = await browser.newContext().then((context) => context.newPage());
  await agent.goto(linkFromMail("amir@bakery.example"));
  await agent.getByLabel("Your name").fill("Amir Agent");
  await agent.getByLabel("Password", { exact: true }).fill("Ag3nt!pass");
  await agent.getByRole("button", { name: "Join" }).click();
  await expect(agent).toHaveURL(/\/conversations$/);
  await expect(agent.getByRole("banner")).toContainText("Amir Agent");
  await expect(agent.getByRole("banner")).toContainText("Nora's Bakery");
  const nav = agent.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Users" })).toBeVisible();
  for (const hidden of ["Team", "Audit log", "Settings", "Outbox", "Platform admin"]) {
    await expect(nav.getByRole("link", { name: hidden })).toHaveCount(0);
  }
  await agent.goto(`${app}/team`);
  await expect(agent.getByRole("alert")).toHaveText("Only owners and admins can see and manage the team.");
  await agent.goto(`${app}/outbox`);
  await expect(agent.getByRole("alert")).toHaveText("Only owners and admins can read the outbox.");
  await agent.goto(`${app}/settings`);
  await expect(agent.getByRole("alert").first()).toContainText("not allowed");
  // Nothing of another organization: the demo company's conversations are not theirs.
  await agent.goto(`${app}/conversations`);
  await expect(agent.locator("body")).not.toContainText("John Smith");
});
