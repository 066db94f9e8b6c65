// Bringing a history in, in a real browser on a phone-sized screen:
// Ghostfolio's own export uploaded as it is, its unknown symbols created
// in one click, the preview read, the import written, and the holdings
// and the value (cash not tracked: the export has no deposits) shown.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { stackAndBrowser, registerAndSignIn, OUT, ROOT } from "./stack.mjs";

const env = stackAndBrowser();

test("import a Ghostfolio export through the page, on a phone", async () => {
  const context = await env.browser.newContext({
    viewport: { width: 360, height: 740 }, ignoreHTTPSErrors: true,
  });
  const page = await context.newPage();
  await registerAndSignIn(page, env.stack.url, `imp${process.pid}@example.com`);

  await page.click("text=New portfolio");
  await page.fill("#name", "From Ghostfolio");
  await page.fill("#currency", "USD");
  await page.click("main button[type=submit]");
  await page.waitForURL(/\/portfolios\/\d+$/);
  const portfolio = page.url();

  // The file holds a euro stock: without internet, no rate has come yet.
  await page.goto(portfolio + "/import");
  await page.setInputFiles("#file", join(ROOT, "tests", "fixtures", "import",
    "ghostfolio_v3.json"));
  await page.click("main button[type=submit]");
  await page.waitForURL(/\/import\/\d+$/);
  const preview = page.url();
  let main = await page.textContent("main");
  assert.match(main, /Ghostfolio export \(JSON\), 13 row\(s\)/);
  assert.match(main, /Symbols nestegg does not know yet/);
  assert.match(main, /Penthouse Apartment/);    // the name from assetProfiles
  await page.screenshot({ path: join(OUT, "import-unknown-phone.png"), fullPage: true });
  // One click creates them all as the file describes them; the same
  // upload is tried again.
  await page.click("text=Create all");
  await page.waitForURL(preview);
  assert.match(await page.textContent("main"), /No rate from EUR to USD is known yet/);
  env.stack.cli("fx", "set", "EUR", "USD", "1.0937");
  await page.goto(preview);
  main = await page.textContent("main");
  main = await page.textContent("main");
  assert.match(main, /What it will write/);
  assert.match(main, /13 transaction\(s\)/);
  assert.match(main, /rounded half-even to 12/);
  assert.match(main, /cash tracking of this portfolio is turned off/);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `preview is ${width}px wide`);
  await page.screenshot({ path: join(OUT, "import-preview-phone.png"), fullPage: true });

  await page.click("main form button[type=submit]:has-text('Import')");
  await page.waitForURL(/\/portfolios\/\d+\?imported=13/);
  main = await page.textContent("main");
  assert.match(main, /Imported 13 transaction\(s\)/);
  assert.match(main, /cash tracking is off/);
  assert.match(main, /VTI/);
  assert.match(main, /Penthouse Apartment/);
  await page.screenshot({ path: join(OUT, "import-done-phone.png"), fullPage: true });

  // Its history, charted on the server: returns, value over time,
  // drawdown and income, without a script.
  await page.goto(portfolio + "/performance?period=MAX");
  main = await page.textContent("main");
  assert.match(main, /Time-weighted/);
  assert.match(main, /From the close of 2022-01-01/);
  assert.equal(await page.locator("figure.chart svg polyline.value").count(), 1);
  assert.ok((await page.getAttribute("figure.chart svg polyline.value", "points"))
    .split(" ").length > 10);
  assert.match(main, /Income per year/);
  const pwidth = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(pwidth <= 360, `performance is ${pwidth}px wide`);
  await page.screenshot({ path: join(OUT, "performance-phone.png"), fullPage: true });

  // Importing the same file again is caught as duplicates.
  await page.goto(portfolio + "/import");
  await page.setInputFiles("#file", join(ROOT, "tests", "fixtures", "import",
    "ghostfolio_v3.json"));
  await page.click("main button[type=submit]");
  await page.waitForURL(/\/import\/\d+$/);
  assert.match(await page.textContent("main"),
    /13 row\(s\) are already in this portfolio/);
});

// Another tool's CSV: its lines before the header and its total left
// out, its own words for each type chosen (one skipped), its dates said
// day first, the first rows previewed as they will be read, and the
// mapping kept: all on a phone-sized screen.
test("a generic CSV's mapping, chosen on a phone", async () => {
  const context = await env.browser.newContext({
    viewport: { width: 360, height: 740 }, ignoreHTTPSErrors: true,
  });
  const page = await context.newPage();
  await registerAndSignIn(page, env.stack.url, `map${process.pid}@example.com`);
  await page.click("text=New portfolio");
  await page.fill("#name", "Mapped");
  await page.fill("#currency", "EUR");
  await page.click("main button[type=submit]");
  await page.waitForURL(/\/portfolios\/\d+$/);
  const portfolio = page.url();
  await page.goto(portfolio + "/import");
  await page.fill("#text", "Rekening;NL01BANK0123;Export;2024\n" +
    "Periode;01-01-2024;31-12-2024;EUR\n" +
    "Datum;Soort;Fonds;Aantal;Koers;Kosten;Bedrag\n" +
    "03/02/2024;Storting;;;;;\"1.000,00\"\n" +
    "04/02/2024;Koop Pro;NLPH;2;\"300,50\";\"-2,00\";\n" +
    "05/02/2024;Rente;;;;;\"1,25\"\n" +
    "Totaal;;;;;;\"1.001,25\"\n");
  await page.click("main button[type=submit]");
  await page.waitForURL(/\/import\/\d+$/);
  const preview = page.url();
  assert.match(await page.textContent("main"), /How to read this file/);
  // Its first line looks like a header; the real one is the third.
  await page.fill("#skip_lines", "2");
  await page.fill("#footer_lines", "1");
  await page.click("button[value=preview]");
  assert.equal(await page.inputValue("#col-date"), "0");   // Datum, guessed
  for (const [field, col] of [["date", "0"], ["type", "1"], ["symbol", "2"],
    ["quantity", "3"], ["price", "4"], ["fee", "5"], ["amount", "6"]])
    await page.selectOption(`#col-${field}`, col);
  await page.selectOption("#style", "comma");
  await page.click("button[value=preview]");
  // Read from its header on: its words listed, the dates asked.
  let main = await page.textContent("main");
  assert.match(main, /none of them says which/);
  for (let i = 0; i < 3; i++) {
    const word = await page.getAttribute(`input[name=word_${i}]`, "value");
    const type = { "Storting": "deposit", "Koop Pro": "buy", "Rente": "skip" }[word];
    assert.ok(type, `an unexpected word ${word}`);
    await page.selectOption(`select[name=type_${i}]`, type);
  }
  await page.selectOption("#dates", "dmy");
  await page.click("button[value=preview]");
  const sample = await page.textContent("table.sample");
  assert.match(sample, /2024-02-04\s*buy\s*NLPH\s*2\s*300\.5\s*2/);
  assert.match(sample, /skipped: The mapping skips rows of type "Rente"/);
  assert.doesNotMatch(sample, /Totaal/);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `the mapping form is ${width}px wide`);
  await page.screenshot({ path: join(OUT, "import-mapping-phone.png"), fullPage: true });
  await page.click("button[value=columns]");
  await page.waitForURL(preview);
  main = await page.textContent("main");
  assert.match(main, /Read with the mapping you saved/);
  assert.match(main, /Symbols nestegg does not know yet/);   // NLPH
});
