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
  // Down is told by an arrow, which a second fetch in the same seconds
  // (the price, then the valuation run) keeps.
  const fell = await page.evaluate(() => ({
    value: document.querySelector('section[data-pf] [data-live="value"]').textContent,
    price: document.querySelector('tr[data-holding] [data-live="price"]').textContent,
  }));
  assert.match(fell.price, /90\.00/);
  assert.match(fell.value, /\u25bc/);
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

// Every figure of a page's live regions, as text without the change
// arrows: what a reload must show too.
async function figures(page) {
  return page.evaluate(() => Array.from(document.querySelectorAll("[data-region]")).map((r) => {
    const c = r.cloneNode(true);
    c.querySelectorAll(".tick").forEach((t) => t.remove());
    return Array.from(c.querySelectorAll("td, th, dt, dd, .figure, li, caption, p"))
      .map((e) => e.textContent.replace(/\s+/g, " ").trim());
  }));
}

// The page as a fresh load in another tab shows it.
async function reloaded(context, url) {
  const fresh = await context.newPage();
  await fresh.goto(url);
  const f = await figures(fresh);
  await fresh.close();
  return f;
}

// Waits until the first tab's text of selector matches re, then until
// its figures equal a fresh load's (a second event may still be on its
// way: its fetch must end the same).
async function settles(page, context, url, selector, re) {
  await page.waitForFunction(([s, r]) => {
    const el = document.querySelector(s);
    return el && new RegExp(r).test(el.textContent);
  }, [selector, re.source], { timeout: 10000 });
  let last;
  for (let i = 0; i < 20; i++) {
    const [now, fresh] = [await figures(page), await reloaded(context, url)];
    last = [now, fresh];
    if (JSON.stringify(now) === JSON.stringify(fresh)) return now;
    await page.waitForTimeout(250);
  }
  assert.deepEqual(last[0], last[1], "the live page differs from a reload");
}

test("after a price change, a buy in another tab and a deletion, the page equals a reload", async () => {
  const context = await env.browser.newContext({
    viewport: { width: 1280, height: 900 }, ignoreHTTPSErrors: true,
  });
  const page = await context.newPage();
  await registerAndSignIn(page, env.stack.url, `whole${process.pid}@example.com`);
  const [a, b] = ["WHA" + process.pid, "WHB" + process.pid];
  const pid = await page.evaluate(async ([a, b]) => {
    const csrf = document.querySelector('meta[name="csrf"]').content;
    const post = (path, body, type) => fetch(path, {
      method: "POST", headers: { "Content-Type": type, "X-CSRF-Token": csrf },
      body: type === "text/csv" ? body : JSON.stringify(body),
    }).then((r) => r.json());
    for (const s of [a, b])
      await post("/api/v1/instruments", { symbol: s, name: s + " plc", kind: "stock",
        currency: "USD", source: "manual" }, "application/json");
    const p = await post("/api/v1/portfolios", { name: "Whole", currency: "USD" },
      "application/json");
    await post("/api/v1/portfolios/" + p.id + "/import",
      "date,type,symbol,quantity,price,fee,amount\n2024-01-01,deposit,,,,,10000\n" +
      "2024-01-02,buy," + a + ",10,100,1,\n2024-01-02,buy," + b + ",5,50,,\n" +
      "2024-01-03,dividend," + a + ",,,,12\n", "text/csv");
    return p.id;
  }, [a, b]);
  env.stack.cli("price", "set", a, "100");
  env.stack.cli("price", "set", b, "50");
  env.stack.cli("revalue");
  const url = `${env.stack.url}/portfolios/${pid}`;
  await page.goto(url);
  await page.waitForSelector('.live-line[data-state="live"]');
  const ids = Object.fromEntries(await page.$$eval("tr[data-holding]", (trs) =>
    trs.map((t) => [t.querySelector("th a").textContent, t.dataset.holding])));
  const row = (sym) => `tr[data-holding="${ids[sym]}"]`;
  const before = await figures(page);

  // 1. A price: value, gain, gain %, return, totals, allocation.
  env.stack.cli("price", "set", a, "125");
  env.stack.cli("revalue");
  const after = await settles(page, context, url, `${row(a)} [data-live="value"]`, /1,250\.00/);
  assert.notDeepEqual(after, before);
  const cells = await page.$$eval(`${row(a)} td`, (tds) => tds.map((t) => t.textContent.trim()));
  // 249 gained on a cost of 1,001, and 12 of income: 24.88% and 26.07%.
  assert.ok(cells.includes("+24.88%") && cells.includes("+26.07%"), `gain %, return: ${cells}`);

  // 2. A buy in a second tab: quantity, cost, cash, recent transactions.
  const other = await context.newPage();
  await other.goto(url + "/transactions/new");
  await other.fill("#date", "2024-01-04");
  await other.selectOption("#type", "buy");
  await other.fill("#symbol", a);
  await other.fill("#quantity", "4");
  await other.fill("#price", "125");
  await other.click("main form.grid button[type=submit]");
  await other.waitForURL(url);
  await settles(page, context, url, row(a), /\b14\b/);
  assert.match(await page.textContent('[data-region="details"]'), /2024-01-04/);

  // 3. A deletion in the second tab: B's buy goes, and its row with it.
  await other.goto(url + "/transactions");
  const del = await other.evaluate((sym) => {
    const tr = Array.from(document.querySelectorAll("table.txs tbody tr"))
      .find((r) => r.textContent.includes(sym) && r.textContent.includes("buy"));
    return tr.querySelector('a[href$="/edit"]').getAttribute("href").replace(/edit$/, "delete");
  }, b);
  await other.goto(env.stack.url + del);
  await other.click("main button.danger");
  await other.waitForURL(/\/portfolios\/\d+/);
  await page.waitForFunction((sym) => !Array.from(document.querySelectorAll("tr[data-holding] a"))
    .some((x) => x.textContent === sym), b, { timeout: 10000 });
  await settles(page, context, url, '[data-region="totals"] [data-live="value"]', /\d/);
  await page.screenshot({ path: join(OUT, "live-whole.png"), fullPage: true });

  // 4. The dashboard too: 14 at 130 and 8,511 of cash.
  await page.goto(env.stack.url + "/");
  await page.waitForSelector('.live-line[data-state="live"]');
  env.stack.cli("price", "set", a, "130");
  env.stack.cli("revalue");
  await settles(page, context, env.stack.url + "/",
    `tr[data-pf="${pid}"] [data-live="value"]`, /10,331\.00/);
  assert.match(await page.textContent("[data-total] [data-live=value]"), /10,331\.00/);
  await context.close();
});
