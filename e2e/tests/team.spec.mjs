// An owner invites a teammate as agent; the teammate accepts and sees what an agent may see.
import { expect, test } from "@playwright/test";
import { linkFromMail } from "./mail.mjs";


test("an owner invites an agent who accepts and gets an agent's view", async ({ browser }) => {
  const app = process.env.CHATSUPPORT_URL;
  const owner = await browser.newPage();
  await owner.goto(`${app}/login`);
  await owner.getByRole("button", { name: /Sign in as Acme Corp Owner/ }).click();
  await owner.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Team" }).click();
  await expect(owner).toHaveURL(/\/team$/);
  await expect(owner.getByRole("table")).toContainText("Jane Doe");

  await owner.getByLabel("Email").fill("agnes@acme.com");
  await owner.getByRole("combobox", { name: "Role", exact: true }).selectOption("agent");
  await owner.getByRole("button", { name: "Send invitation" }).click();
  await expect(owner.getByRole("status").filter({ hasText: "Invitation sent" })).toContainText("agnes@acme.com");
  await expect(owner.getByRole("row", { name: /agnes@acme.com/ })).toContainText("Invited");

  const agent = await browser.newContext().then((context) => context.newPage());
  await agent.goto(linkFromMail("agnes@acme.com"));
  await agent.getByLabel("Your name").fill("Agnes Agent");
  await agent.getByLabel("Password", { exact: true }).fill("Ag3nt!pass");
  await agent.getByRole("button", { name: "Join" }).click();
  await expect(agent).toHaveURL(/\/conversations$/);
  await expect(agent.getByRole("banner")).toContainText("Agnes Agent");
  await expect(agent.getByRole("banner")).toContainText("Agent");
  await expect(agent.getByRole("list", { name: "Conversations" })).toContainText("John Smith");
  await expect(agent.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Team" })).toHaveCount(0);
  await agent.goto(`${app}/team`);
  await expect(agent.getByRole("alert")).toHaveText("Only owners and admins can see and manage the team.");

  await owner.reload();
  await expect(owner.getByRole("row", { name: /agnes@acme.com/ })).toContainText("Active");

  // Search and filters narrow the list and live in the URL.
  await owner.getByRole("searchbox", { name: "Search the team" }).fill("JANE");
  await owner.getByRole("button", { name: "Apply" }).click();
  await expect(owner).toHaveURL(/q=JANE/);
  await expect(owner.getByRole("navigation", { name: "Pages" })).toContainText("1 person");
  await expect(owner.getByRole("table")).toContainText("jane@acme.com");
  await expect(owner.getByRole("table")).not.toContainText("agnes@acme.com");
});

test("an owner changes a member's role and the audit log shows who did it", async ({ page }) => {
  const app = process.env.CHATSUPPORT_URL;
  await page.goto(`${app}/login`);
  await page.getByRole("button", { name: /Sign in as Acme Corp Owner/ }).click();
  await expect(page).toHaveURL(/\/conversations$/);
  await page.goto(`${app}/team`);
  await page.getByRole("combobox", { name: "Role of agnes@acme.com" }).selectOption("viewer");
  await expect(page.getByRole("row", { name: /agnes@acme.com/ })).toContainText("Viewer");

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit log" }).click();
  await expect(page).toHaveURL(/\/audit$/);
  const first = page.getByRole("row").nth(1);
  await expect(first).toContainText("team.role_changed");
  await expect(first).toContainText("Acme Corp Owner");
  await page.getByRole("combobox", { name: "Action" }).selectOption("team.invited");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/action=team.invited/);
  await expect(page.getByRole("row").nth(1)).toContainText("agnes@acme.com");
});
