// A website as a bot's knowledge, as an owner adds it: a small site this test serves on
// loopback (robots.txt keeping one page out, a sitemap, a link loop) is crawled live — the
// card moves from Crawling to Ready without a reload and says how many pages were read — the
// knowledge search finds a crawled page's sentence and not the refused page's, the site saw
// each page fetched once and the refused one never, and a re-crawl asks with the validators
// and gets 304s.
import { createServer } from "node:http";
import { expect, test } from "@playwright/test";
import { registerAndVerify } from "./people.mjs";
import { expectAccessible } from "./axe.mjs";

const app = process.env.CHATSUPPORT_URL;
const MODIFIED = "Tue, 01 Apr 2025 08:00:00 GMT";

// Path → [title, its own sentence, links]. `/a` and `/b` link to each other and to themselves;
// the home page links to the page robots.txt disallows; `/faq` only the sitemap lists.
const PAGES = {
  "/": ["Harbor Optics", "Harbor Optics repairs brass telescopes by hand in Bristol.", ["/a", "/about", "/private/ledger", "/a#top", "/"]],
  "/a": ["Loop A", "Every marmalade warranty lasts forty seasons.", ["/b", "/a", "/"]],
  "/b": ["Loop B", "Our quokka couriers deliver lenses on Thursdays.", ["/a", "/b", "/contact"]],
  "/about": ["About us", "The workshop was founded by a lighthouse keeper named Orla.", ["/", "/a"]],
  "/contact": ["Contact", "Ring the copper bell twice at the harbour gate.", ["/b", "/"]],
  "/faq": ["Questions", "Cracked eyepieces are swapped within a fortnight.", ["/"]],
  "/private/ledger": ["Ledger", "The zeppelin vault combination stays confidential.", ["/"]],
};
const READABLE = Object.keys(PAGES).filter((p) => !p.startsWith("/private/"));

function html(path) {
  const [title, sentence, links] = PAGES[path];
  const items = links.map((l) => `<li><a href="${l}">${l}</a></li>`).join("");
  return `<!doctype html><html lang="en"><head><title>${title}</title></head><body><nav><ul>${items}</ul></nav><main><h1>${title}</h1><p>${sentence}</p></main></body></html>`;
}

/** The test site: every request logged; `hold(path)` keeps that page's answer back until released. */
function startSite() {
  const log = [];
  const gates = new Map();
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, "http://site.invalid").pathname;
    const entry = {
      path,
      method: req.method,
      ifNoneMatch: req.headers["if-none-match"] ?? null,
      ifModifiedSince: req.headers["if-modified-since"] ?? null,
      status: null,
    };
    log.push(entry);
    const send = (status, headers, body = "") => {
      entry.status = status;
      res.writeHead(status, headers);
      res.end(body);
    };
    if (path === "/robots.txt") {
      return send(200, { "content-type": "text/plain" },
        `User-agent: *\nDisallow: /private/\nSitemap: http://${req.headers.host}/sitemap.xml\n`);
    }
    if (path === "/sitemap.xml") {
      const urls = ["/faq", "/about"].map((p) => `<url><loc>http://${req.headers.host}${p}</loc></url>`).join("");
      return send(200, { "content-type": "application/xml" },
        `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${urls}</urlset>`);
    }
    if (!PAGES[path]) return send(404, { "content-type": "text/plain" }, "not here");
    if (gates.has(path)) await gates.get(path).promise;
    const etag = `"v1${path.replaceAll("/", "-")}"`;
    const validators = { etag, "last-modified": MODIFIED };
    if (req.headers["if-none-match"] === etag) return send(304, validators);
    send(200, { "content-type": "text/html; charset=utf-8", ...validators }, html(path));
  });
  const hold = (path) => {
    let release;
    const promise = new Promise((resolve) => { release = resolve; });
    const open = () => { gates.delete(path); release(); };
    gates.set(path, { promise, open });
    return open;
  };
  const releaseAll = () => { for (const g of [...gates.values()]) g.open(); };
  const fetched = (path) => log.filter((e) => e.path === path && e.method === "GET");
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ server, log, hold, releaseAll, fetched, url: `http://127.0.0.1:${server.address().port}` })),
  );
}

test("a new owner's bot learns a website live, within robots.txt, each page once, and a re-crawl gets 304s", async ({ page }) => {
  const site = await startSite();
  let release = () => {};
  try {
    await registerAndVerify(page, app, { name: "Wen Webber", email: "wen@webber.example", company: "Webber Optics" });
    await page.goto(`${app}/bots/new`);
    await page.getByLabel("Bot name").fill("Harbor Helper");
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByRole("button", { name: "Create bot" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Harbor Helper is live." })).toBeVisible();
    await page.getByRole("button", { name: "Next: install" }).click();
    await page.getByRole("link", { name: "Open the Knowledge page" }).click();
    await expect(page.getByRole("heading", { name: "Knowledge of Harbor Helper" })).toBeVisible();
    const bot = new URL(page.url()).pathname.split("/")[2];

    // The crawl waits on Loop B, so the card is seen crawling before it is seen ready.
    release = site.hold("/b");
    await page.getByText("Add a website").click();
    await page.getByLabel("Address", { exact: true }).fill(`${site.url}/`);
    await page.getByRole("button", { name: "Crawl website" }).click();
    const title = site.url; // the start address, without its trailing slash
    await expect(page.getByRole("status").filter({ hasText: `Added “${title}”.` })).toBeVisible();

    const card = page.getByRole("list", { name: "Sources" }).getByRole("listitem").filter({ hasText: title });
    await expect(card.getByRole("progressbar", { name: `${title}: Crawling` })).toBeAttached();
    await expect.poll(() => site.fetched("/b").length).toBe(1);
    await expect(card).toContainText(/[1-9]\d* pages checked so far/);
    release();

    // Ready without a reload, with the pages it read.
    await expect(card.getByRole("progressbar", { name: `${title}: Ready` })).toHaveAttribute("aria-valuenow", "100", { timeout: 20_000 });
    await expect(card.getByText(/pages checked/)).toContainText(/ · [1-9]\d* passages · crawled /);
    // Six pages were read and the seventh it found was checked against robots.txt (never
    // fetched): seven checked, none failed. Which page is which the pages list says (below).
    await expect(card.getByText(/pages checked/)).toContainText(`${READABLE.length + 1} pages checked · `);
    await expectAccessible(page, "the knowledge page with a crawled website");

    // What the bot knows: the crawled pages, cited by site and page title; not the refused page
    // (asked first, so whatever shows answers this question).
    const search = page.getByLabel("Search this bot's knowledge");
    const results = page.getByRole("list", { name: "Search results" });
    const ask = async (words) => {
      await search.fill(words);
      await page.getByRole("button", { name: "Search", exact: true }).click();
    };
    await ask("zeppelin vault combination");
    const nothing = page.getByRole("status").filter({ hasText: "Nothing in this bot's knowledge matches." });
    await expect(nothing.or(results)).toBeVisible();
    await expect(page.getByText("zeppelin vault combination stays confidential")).toHaveCount(0);
    await expect(results.getByText(/Ledger/)).toHaveCount(0);
    await ask("marmalade warranty");
    await expect(results.getByRole("listitem").first()).toContainText("Every marmalade warranty lasts forty seasons.");
    await expect(results.getByRole("listitem").first()).toContainText(`${title} › Loop A`);
    await ask("eyepieces fortnight");
    await expect(results.getByRole("listitem").first()).toContainText(`${title} › Questions`); // only the sitemap lists it

    // The site's side: each page once despite the loop, the disallowed one never, robots.txt once.
    for (const path of READABLE) expect(site.fetched(path), `${path} fetched once`).toHaveLength(1);
    expect(site.fetched("/private/ledger"), "robots.txt's page is never fetched").toHaveLength(0);
    expect(site.fetched("/robots.txt")).toHaveLength(1);
    expect(site.log.filter((e) => e.status === 404), "no page that does not exist was asked for").toEqual([]);

    // The server's own record of the pages (the session cookie reads the REST API).
    const listed = await (await page.request.get(`${app}/api/v1/knowledge-base/urls?chatbot_id=${bot}`)).json();
    expect(listed.urls).toHaveLength(1);
    const id = listed.urls[0].id;
    const states = async () => {
      const answer = await page.request.get(`${app}/api/v1/knowledge-base/urls/${id}/pages`);
      expect(answer.status()).toBe(200);
      return Object.fromEntries((await answer.json()).pages.map((p) => [new URL(p.url).pathname, p]));
    };
    const first = await states();
    expect(Object.keys(first).sort()).toEqual(Object.keys(PAGES).sort());
    for (const path of READABLE) expect(first[path].state, path).toBe("read");
    expect(first["/private/ledger"].state).toBe("skipped");

    // A re-crawl on demand sends each page's ETag and Last-Modified back; the site answers 304.
    const before = site.log.length;
    release = site.hold("/b");
    await card.getByRole("button", { name: `Re-crawl ${title}` }).click();
    await expect(card.getByRole("progressbar", { name: `${title}: Crawling` })).toBeAttached();
    await expect.poll(() => site.fetched("/b").length).toBe(2);
    release();
    await expect(card.getByRole("progressbar", { name: `${title}: Ready` })).toHaveAttribute("aria-valuenow", "100", { timeout: 20_000 });
    const again = site.log.slice(before).filter((e) => PAGES[e.path]);
    expect(again.map((e) => e.path).sort(), "each page once more, the refused one still never").toEqual([...READABLE].sort());
    for (const e of again) {
      expect(e.ifNoneMatch, `${e.path} If-None-Match`).toBe(`"v1${e.path.replaceAll("/", "-")}"`);
      expect(e.ifModifiedSince, `${e.path} If-Modified-Since`).toBe(MODIFIED);
      expect(e.status, `${e.path} answered`).toBe(304);
    }
    const second = await states();
    for (const path of READABLE) {
      expect(second[path].state, path).toBe("unchanged");
      expect(second[path].http_status, path).toBe(304);
    }
    // Unchanged pages keep what the bot knows.
    await ask("quokka couriers");
    await expect(results.getByRole("listitem").first()).toContainText(`${title} › Loop B`);
  } finally {
    await test.info().attach("site-requests.json", { body: JSON.stringify(site.log, null, 2), contentType: "application/json" });
    release();
    site.releaseAll();
    site.server.closeAllConnections?.();
    await new Promise((resolve) => site.server.close(resolve));
  }
});
