// Registration, sign-in, sign-out in a real browser, on a phone-sized
// and a desktop-sized screen; a registration of a taken address answers
// the same, and its owner is told once.  Screenshots go to
// tests/e2e/out/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { stackAndBrowser, OUT } from "./stack.mjs";

const env = stackAndBrowser();

async function newPage(viewport) {
  const context = await env.browser.newContext({ viewport, ignoreHTTPSErrors: true });
  return context.newPage();
}

const email = `e2e${process.pid}@example.com`;
const password = "correct horse battery";

const thanks = /Thank you\. Sign in with your email address and password\./;

test("register, sign in, sign out and sign in again on a phone", async () => {
  const page = await newPage({ width: 360, height: 740 });
  await page.goto(env.stack.url + "/");
  assert.match(page.url(), /\/login$/);
  await page.click("text=Create an account");
  await page.fill("#email", email);
  await page.fill("#password", password);
  await page.click("button[type=submit]");
  // Registering signs nobody in: the sign-in page thanks, then asks.
  await page.waitForURL(env.stack.url + "/login?registered=1");
  assert.match(await page.textContent("p.notice"), thanks);
  await page.screenshot({ path: join(OUT, "registered-phone.png"), fullPage: true });
  await page.fill("#email", email);
  await page.fill("#password", password);
  await page.click("button[type=submit]");
  await page.waitForURL(env.stack.url + "/");
  assert.match(await page.textContent("main"), /No portfolios yet/);
  assert.equal(await page.textContent(".who"), email);
  // Nothing wider than the phone's screen.
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `page is ${width}px wide`);
  await page.screenshot({ path: join(OUT, "dashboard-phone.png"), fullPage: true });

  await page.click("text=Sign out");
  await page.waitForURL(env.stack.url + "/login");
  await page.goto(env.stack.url + "/");
  assert.match(page.url(), /\/login$/);

  await page.fill("#email", email);
  await page.fill("#password", "not the password");
  await page.click("button[type=submit]");
  assert.match(await page.textContent("p.error"), /do not match an account/);
  await page.screenshot({ path: join(OUT, "login-error-phone.png"), fullPage: true });

  await page.fill("#password", password);
  await page.click("button[type=submit]");
  await page.waitForURL(env.stack.url + "/");
  assert.match(await page.textContent("main"), /No portfolios yet/);
});

test("a taken address is answered the same; its owner is told once", async () => {
  const page = await newPage({ width: 1280, height: 800 });
  await page.goto(env.stack.url + "/register");
  await page.fill("#email", email.toUpperCase());
  await page.fill("#password", "someone else's password");
  await page.click("main button[type=submit]");
  await page.waitForURL(env.stack.url + "/login?registered=1");
  assert.match(await page.textContent("p.notice"), thanks);
  assert.doesNotMatch(await page.textContent("main"), /already/);

  // Their password does not open the account; the owner's does.
  await page.fill("#email", email);
  await page.fill("#password", "someone else's password");
  await page.click("main button[type=submit]");
  assert.match(await page.textContent("p.error"), /do not match an account/);
  await page.fill("#password", password);
  await page.click("main button[type=submit]");
  await page.waitForURL(env.stack.url + "/");
  assert.match(await page.textContent("p.notice"),
    /^Someone tried to create an account with your email address on \d{4}-\d\d-\d\d \d\d:\d\d UTC from [0-9a-f.:]+\. If it was you, nothing needs doing; if not, your account is unchanged\.$/);
  await page.screenshot({ path: join(OUT, "register-notice-desktop.png") });
  await page.reload();
  assert.equal(await page.locator("p.notice").count(), 0);
});

test("field errors on the registration form, desktop", async () => {
  const page = await newPage({ width: 1280, height: 800 });
  await page.goto(env.stack.url + "/register");
  await page.fill("#email", "nonsense");
  await page.fill("#password", "short");
  await page.click("button[type=submit]");
  assert.match(await page.textContent("#email-error"), /email address like/);
  assert.match(await page.textContent("#password-error"), /at least 10/);
  assert.equal(await page.inputValue("#email"), "nonsense");
  await page.screenshot({ path: join(OUT, "register-errors-desktop.png") });
});
