// A portfolio from nothing, in a real browser on a phone-sized screen:
// create it, add a manual instrument and price it, record transactions,
// and read the holdings, totals and allocation chart.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { stackAndBrowser, registerAndSignIn, OUT } from "./stack.mjs";

const env = stackAndBrowser();

test("create a portfolio, record and value it on a phone", async () => {
  const context = await env.browser.newContext({
    viewport: { width: 360, height: 740 }, ignoreHTTPSErrors: true,
  });
  const page = await context.newPage();
  await registerAndSignIn(page, env.stack.url, `pf${process.pid}@example.com`);

  await page.click("text=New portfolio");
  await page.fill("#name", "Home & savings");
  await page.fill("#currency", "EUR");
  await page.click("main button[type=submit]");
  await page.waitForURL(/\/portfolios\/\d+$/);
  const portfolio = page.url();
  assert.match(await page.textContent("main"), /No holdings yet/);

  await page.goto(env.stack.url + "/instruments/new");
  await page.fill("#symbol", "flat1");
  await page.fill("#name", "The flat");
  await page.selectOption("#kind", "other");
  await page.fill("#currency", "EUR");
  await page.selectOption("#source", "manual");
  await page.click("main button[type=submit]");
  await page.waitForURL(/\/instruments\/\d+$/);
  await page.fill("#price", "250000");
  await page.click("main button[type=submit]");
  assert.match(await page.textContent("dl.facts"), /250,000 EUR/);

  for (const tx of [
    { type: "deposit", amount: "10000" },
    { type: "buy", symbol: "FLAT1", quantity: "1", price: "200000", fee: "1500" },
  ]) {
    await page.goto(portfolio + "/transactions/new");
    await page.fill("#date", "2024-03-01");
    await page.selectOption("#type", tx.type);
    for (const [k, v] of Object.entries(tx)) if (k !== "type") await page.fill("#" + k, v);
    await page.click("main form.grid button[type=submit]");
    await page.waitForURL(portfolio);
  }
  const main = await page.textContent("main");
  assert.match(main, /250,000\.00/);            // the holding's value
  assert.match(main, /\+48,500\.00/);           // gain: 250,000 - 201,500
  assert.match(main, /-191,500\.00 EUR/);       // cash after the purchase
  assert.equal(await page.locator("figure.donut svg circle").count() >= 2, true);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `page is ${width}px wide`);
  await page.screenshot({ path: join(OUT, "portfolio-phone.png"), fullPage: true });

  // A sell of more than is held is refused with the reason, in place.
  await page.goto(portfolio + "/transactions/new");
  await page.fill("#date", "2024-04-01");
  await page.selectOption("#type", "sell");
  await page.fill("#symbol", "FLAT1");
  await page.fill("#quantity", "2");
  await page.fill("#price", "1");
  await page.click("main form.grid button[type=submit]");
  assert.match(await page.textContent("p.error[role=alert]"), /only 1 was held/);
  await page.screenshot({ path: join(OUT, "transaction-error-phone.png"), fullPage: true });
});
