// A private nestegg stack for browser tests: scripts/stack.sh in a
// temporary directory on free ports, like the integration harness.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { before, after } from "node:test";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

export function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

export async function startStack() {
  const dir = mkdtempSync(join(tmpdir(), "nestegg-e2e-"));
  const env = {
    ...process.env,
    NESTEGG_VAR: dir,
    NESTEGG_HTTPS_PORT: String(await freePort()),
    NESTEGG_HTTP_PORT: String(await freePort()),
    NESTEGG_WORKERS: "1",
    NESTEGG_THREADS: "4",
  };
  const run = (cmd) =>
    execFileSync(join(ROOT, "scripts", "stack.sh"), [cmd], { env, stdio: "pipe" });
  run("start");
  return {
    url: `https://127.0.0.1:${env.NESTEGG_HTTPS_PORT}`,
    // Runs build/nestegg against this stack; returns its output.
    cli(...args) {
      const build = process.env.NESTEGG_BUILD || join(ROOT, "build");
      return execFileSync(join(build, "nestegg"), args, { env, encoding: "utf8" });
    },
    stop() {
      try { run("stop"); } finally { rmSync(dir, { recursive: true, force: true }); }
    },
  };
}

// Debian's Chromium, headless, with a fresh empty profile (Playwright
// makes one per launch) and no traffic of its own.
export async function launchBrowser() {
  const { chromium } = await import("playwright-core");
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: chromiumArgs,
  });
}

export const chromiumArgs = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
  "--disable-background-networking", "--disable-component-update",
  "--no-first-run", "--disable-sync",
];

// Registers email through the form as a visitor does, then signs in on
// the page registration sends the browser to: a registration never signs
// in (it answers the same whether or not the address has an account).
// Leaves page on the dashboard.
export async function registerAndSignIn(page, url, email,
  password = "correct horse battery") {
  await page.goto(url + "/register");
  await page.fill("#email", email);
  await page.fill("#password", password);
  await page.click("main button[type=submit]");
  await page.waitForURL(url + "/login?registered=1");
  await page.fill("#email", email);
  await page.fill("#password", password);
  await page.click("main button[type=submit]");
  await page.waitForURL(url + "/");
}

// Where tests put their screenshots.
export const OUT = join(ROOT, "tests", "e2e", "out");

// Gives a test file one stack and one browser: started before its tests,
// stopped after them.  The returned object's stack and browser are set
// once the tests run.
export function stackAndBrowser() {
  const env = { stack: null, browser: null };
  before(async () => {
    mkdirSync(OUT, { recursive: true });
    env.stack = await startStack();
    env.browser = await launchBrowser();
  });
  after(async () => {
    if (env.browser) await env.browser.close();
    if (env.stack) env.stack.stop();
  });
  return env;
}
