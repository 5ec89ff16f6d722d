// Starts the server under test (fresh data dir, free port, demo data) and the third-party
// page (another origin), and hands their URLs to the tests through the environment.
import { spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const DEMO_BOT_KEY = "demo-acme-helper";

function startChatSupport(dataDir) {
  const bin = process.env.CHATSUPPORT_BIN || join(here, "..", "target", "debug", "chatsupport");
  const child = spawn(bin, ["serve", "--bind", "127.0.0.1:0", "--data-dir", dataDir, "--demo"], {
    env: {
      ...process.env,
      CHATSUPPORT_BOT_REPLY_DELAY_MS: "300",
      CHATSUPPORT_CRAWL_ALLOW_PRIVATE: "true",
      CHATSUPPORT_PLATFORM_ADMINS: "ops@chatsupport.test",
      RUST_LOG: process.env.RUST_LOG || "warn",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`chatsupport did not start:\n${out}`)), 30_000);
    child.on("exit", (code) => reject(new Error(`chatsupport exited with ${code}:\n${out}`)));
    child.stdout.on("data", (chunk) => {
      out += chunk;
      // CHATSUPPORT_E2E_SERVER_LOG=/tmp/server.log (with RUST_LOG=debug): what the server said.
      if (process.env.CHATSUPPORT_E2E_SERVER_LOG) appendFileSync(process.env.CHATSUPPORT_E2E_SERVER_LOG, chunk);
      const match = out.match(/serving on (http:\/\/[\d.:]+)/);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1] });
      }
    });
  });
}

// The page embeds the snippet of the server under test; `?server=…&bot=…` points it at another
// server (a test that restarts its own) or bot.
function startThirdPartySite(chatsupportUrl) {
  const template = readFileSync(join(here, "third-party", "index.html"), "utf8");
  const server = createServer((req, res) => {
    const query = new URL(req.url, "http://localhost").searchParams;
    const page = template
      .replaceAll("{{CHATSUPPORT}}", query.get("server") || chatsupportUrl)
      .replaceAll("{{BOT}}", query.get("bot") || DEMO_BOT_KEY);
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(page);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve({ server, url: `http://127.0.0.1:${server.address().port}/` })),
  );
}

export default async function globalSetup() {
  const dataDir = mkdtempSync(join(tmpdir(), "chatsupport-e2e-"));
  const app = await startChatSupport(dataDir);
  const site = await startThirdPartySite(app.url);
  process.env.CHATSUPPORT_URL = app.url;
  process.env.CHATSUPPORT_DATA_DIR = dataDir;
  process.env.THIRD_PARTY_URL = site.url;
  return async () => {
    site.server.close();
    // The server finishes its shutdown (listeners drain, the index commits) before its data
    // dir goes; removing it under a server still writing fails the teardown.
    const exited = app.child.exitCode !== null
      ? Promise.resolve()
      : new Promise((resolve) => app.child.once("exit", resolve));
    app.child.kill("SIGTERM");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 30_000))]);
    rmSync(dataDir, { recursive: true, force: true });
  };
}
