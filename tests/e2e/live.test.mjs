// The live panel in a real browser: a price changes and a valuation run
// commits, and the dashboard's and the portfolio page's numbers change
// on screen without a reload, on a desktop and a phone-sized screen.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { stackAndBrowser, registerAndSignIn, OUT } from "./stack.mjs";

const env = stackAndBrowser();

async function signedIn(width, height, email) {
  const context = await env.browser.newContext({
    viewport: { width, height }, ignoreHTTPSErrors: true,
  });
  const page = await context.newPage();
  await registerAndSignIn(page, env.stack.url, email);
  return page;
}

// Records a holding through the JSON API, as the signed-in page.
async function hold(page, symbol) {
  return page.evaluate(async (sym) => {
    const csrf = document.querySelector('meta[name="csrf"]').content;
    const post = (path, body, type) => fetch(path, {
      method: "POST", headers: { "Content-Type": type, "X-CSRF-Token": csrf },
      body: type === "text/csv" ? body : JSON.stringify(body),
    }).then((r) => r.json());
    await post("/api/v1/instruments", { symbol: sym, name: sym + " plc", kind: "stock",
      currency: "USD", source: "manual" }, "application/json");
    const p = await post("/api/v1/portfolios", { name: "Live <script>alert(1)</script>",
      currency: "USD" }, "application/json");
    await post("/api/v1/portfolios/" + p.id + "/import",
      "date,type,symbol,quantity,price,amount\n2024-01-01,deposit,,,,1000\n" +
      "2024-01-02,buy," + sym + ",10,100,\n", "text/csv");
    return p.id;
  }, symbol);
}

async function liveCase(width, height, tag) {
  const sym = "LIVE" + tag;
  const page = await signedIn(width, height, `live${tag}${process.pid}@example.com`);
  const pid = await hold(page, sym);
  env.stack.cli("price", "set", sym, "120");
  env.stack.cli("revalue");
  await page.goto(env.stack.url + "/");
  const row = page.locator(`tr[data-pf="${pid}"] [data-live="value"]`);
  assert.equal((await row.textContent()).trim(), "1,200.00");
  await page.waitForSelector('.live-line[data-state="live"]');
  // The name holds </script>: it is text, nothing runs.
  assert.match(await page.textContent(`tr[data-pf="${pid}"] th a`), /<script>/);

  env.stack.cli("price", "set", sym, "135.5");
  env.stack.cli("revalue");
  await page.waitForFunction(
    (id) => document.querySelector(`tr[data-pf="${id}"] [data-live="value"]`).textContent.includes("1,355.00"),
    pid, { timeout: 10000 });
  assert.match(await page.textContent("[data-total] [data-live=value]"), /1,355\.00/);
  assert.match(await page.textContent("#live-status"), /^Live, updated /);
  assert.match(await page.textContent("#live-announce"), /up to 1,355\.00 USD/);
  // Up is told by an arrow, not colour alone.
  assert.match(await row.textContent(), /\u25b2/);
  await page.screenshot({ path: join(OUT, `live-dashboard-${tag}.png`), fullPage: true });

  // The portfolio page: its totals and the holding's row.
  await page.goto(`${env.stack.url}/portfolios/${pid}`);
  await page.waitForSelector('.live-line[data-state="live"]');
  env.stack.cli("price", "set", sym, "90");
  env.stack.cli("revalue");
  await page.waitForFunction(
    () => document.querySelector('section[data-pf] [data-live="value"]').textContent.includes("900.00"),
    null, { timeout: 10000 });
  assert.match(await page.textContent(`tr[data-holding] [data-live="price"]`), /90\.00/);
  assert.match(await page.textContent('section[data-pf] [data-live="value"]'), /\u25bc/);
  const width0 = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width0 <= width, `page is ${width0}px wide`);
  await page.screenshot({ path: join(OUT, `live-portfolio-${tag}.png`), fullPage: true });
  await page.context().close();
}

test("numbers change live on a desktop", async () => {
  await liveCase(1280, 800, "desk");
});

test("numbers change live at 360 px", async () => {
  await liveCase(360, 740, "phone");
});
