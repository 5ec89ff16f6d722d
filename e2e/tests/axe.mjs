// axe-core over a page, injected through the DevTools protocol: the pages' CSP (rightly)
// refuses injected <script> tags, and CDP's Runtime.evaluate is not subject to it.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { expect } from "@playwright/test";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** Serious and critical violations on the page as it is now. */
export async function seriousViolations(page) {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send("Runtime.evaluate", { expression: AXE });
    const { result, exceptionDetails } = await cdp.send("Runtime.evaluate", {
      expression: `axe.run(document, { resultTypes: ["violations"] }).then((r) => JSON.stringify(
        r.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => ({
          id: v.id, impact: v.impact, help: v.help,
          nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + " — " + n.failureSummary),
        }))))`,
      awaitPromise: true,
      returnByValue: true,
    });
    if (exceptionDetails) throw new Error(`axe failed: ${JSON.stringify(exceptionDetails)}`);
    return JSON.parse(result.value);
  } finally {
    await cdp.detach();
  }
}

export async function expectAccessible(page, what) {
  const found = await seriousViolations(page);
  expect(found, `${what}: ${JSON.stringify(found, null, 2)}`).toEqual([]);
}
