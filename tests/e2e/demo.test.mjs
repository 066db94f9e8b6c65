// What `make run` promises: with no internet, the demo portfolio's
// values change live in the browser every minute.  The stack is started
// the way `make run` starts it (scripts/stack.sh run: the scheduler
// fetching the simulated market, a valuation run after each fetch that
// changed a price), and the dashboard is watched without a reload.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, OUT, freePort, launchBrowser } from "./stack.mjs";

let dir, url, stack, browser;

before(async () => {
  mkdirSync(OUT, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), "nestegg-e2e-demo-"));
  const https = await freePort();
  url = `https://127.0.0.1:${https}`;
  stack = spawn(join(ROOT, "scripts", "stack.sh"), ["run"], {
    env: {
      ...process.env, NESTEGG_VAR: dir, NESTEGG_HTTPS_PORT: String(https),
      NESTEGG_HTTP_PORT: String(await freePort()), NESTEGG_WORKERS: "1",
      NESTEGG_THREADS: "4", NESTEGG_FETCH_INTERVAL: "10",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let said = "";
  await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error("stack.sh run: " + said)), 120000);
    stack.stdout.on("data", (d) => {
      said += d;
      if (said.includes("press Ctrl-C")) { clearTimeout(timer); ok(); }
    });
    stack.stderr.on("data", (d) => { said += d; });
    stack.on("exit", (code) => { clearTimeout(timer); fail(new Error("exit " + code + ": " + said)); });
  });
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (stack && stack.exitCode === null) {
    const done = new Promise((ok) => stack.on("exit", ok));
    stack.kill("SIGINT");			// Ctrl-C: stack.sh stops what it started
    await done;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("the demo portfolio's value moves on screen without a reload", { timeout: 240000 }, async () => {
  const [email, password] = readFileSync(join(dir, "etc", "demo"), "utf8").trim().split(/\s+/);
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 }, ignoreHTTPSErrors: true,
  });
  const page = await context.newPage();
  await page.goto(url + "/login");
  await page.fill("#email", email);
  await page.fill("#password", password);
  await page.click("main button[type=submit]");
  await page.waitForURL(url + "/");
  await page.waitForFunction(() =>
    /^Live/.test(document.getElementById("live-status").textContent));
  const value = '[data-pf] [data-live="value"]';
  const first = await page.textContent(value);
  let navigations = 0;
  page.on("framenavigated", () => navigations++);
  // The simulated market moves a step a minute; a fetch every 10 s
  // catches it, and the run after it reaches the page.
  await page.waitForFunction(([sel, was]) =>
    document.querySelector(sel).textContent !== was, [value, first],
  { timeout: 150000, polling: 500 });
  const second = await page.textContent(value);
  assert.notEqual(second, first);
  assert.match(second, /[0-9]/);
  assert.equal(navigations, 0, "the page was not reloaded");
  assert.match(await page.textContent("#live-status"), /^Live/);
  await page.screenshot({ path: join(OUT, "demo-live.png"), fullPage: true });
  // Its performance since the first transaction: returns beside the
  // gain on the dashboard, and the charts on its own page.
  assert.match(await page.textContent("main table"), /Return/);
  const pf = await page.getAttribute("[data-pf] th a", "href");
  await page.goto(url + pf + "/performance?period=MAX");
  const main = await page.textContent("main");
  assert.match(main, /Time-weighted/);
  assert.match(main, /Money-weighted/);
  assert.equal(await page.locator("figure.chart svg polyline.value").count(), 1);
  await page.screenshot({ path: join(OUT, "demo-performance.png"), fullPage: true });
  await context.close();
});
