// Prices moving in a real browser on a phone-sized screen: the demo
// account's portfolio valued from the simulated market, and the admin
// page of the price pipeline.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { stackAndBrowser, registerAndSignIn, OUT } from "./stack.mjs";

const env = stackAndBrowser();

async function phone() {
  const context = await env.browser.newContext({
    viewport: { width: 360, height: 740 }, ignoreHTTPSErrors: true,
  });
  return context.newPage();
}

async function fitsWidth(page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `page is ${width}px wide`);
}

test("the demo portfolio is valued, and moves with the next fetch", async () => {
  // The first account registered administers the site.
  const admin = await phone();
  await registerAndSignIn(admin, env.stack.url, `admin${process.pid}@example.com`);

  const [, email, password] = env.stack.cli("demo").match(/demo account: (\S+)  password: (\S+)/);
  env.stack.cli("fetch", "--force", "--quiet");
  const page = await phone();
  await page.goto(env.stack.url + "/login");
  await page.fill("#email", email);
  await page.fill("#password", password);
  await page.click("main button[type=submit]");
  await page.waitForURL(env.stack.url + "/");
  await page.click("text=Demo portfolio");
  await page.waitForURL(/\/portfolios\/\d+$/);
  const before = await page.textContent("[data-live=value]");
  assert.match(before, /^[\d,]+\.\d\d$/);
  const main = await page.textContent("main");
  for (const sym of ["ACME", "GLOBEX", "WIDX", "SIMCOIN"]) assert.match(main, new RegExp(sym));
  assert.match(main, /Latest price: \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
  await fitsWidth(page);
  await page.screenshot({ path: join(OUT, "demo-portfolio-phone.png"), fullPage: true });

  // A minute later the simulated market has moved: so has the value.
  env.stack.cli("fetch", "--force", "--quiet");
  const later = Date.now() + 61000;
  let after = before;
  while (after === before && Date.now() < later + 15000) {
    await new Promise((r) => setTimeout(r, 5000));
    env.stack.cli("fetch", "--force", "--quiet");
    await page.reload();
    after = await page.textContent("[data-live=value]");
  }
  assert.notEqual(after, before);

  await admin.goto(env.stack.url + "/admin");
  const text = await admin.textContent("main");
  assert.match(text, /Sources/);
  assert.match(text, /sim/);
  assert.match(text, /Fetch runs/);
  assert.match(text, /Valuation runs/);
  await fitsWidth(admin);
  await admin.screenshot({ path: join(OUT, "admin-phone.png"), fullPage: true });
});
