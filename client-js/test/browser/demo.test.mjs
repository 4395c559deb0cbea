// The demo page in headless Chromium (Debian's, driven by playwright-core): two pages edit one document at once
// and converge; one goes offline, keeps typing, comes back, and nothing is lost; each shows the other's presence.
// Screenshots of the demo, desktop and phone sized, go to client-js/test-artifacts/.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";
import { chromiumArgs, chromiumPath, ensureChromium } from "../support/chromium.mjs";
import { startServer } from "../support/server.mjs";

const artifacts = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../test-artifacts");
const timeout = 15_000;

let server;
let browser;
before(async () => {
  assert.ok(ensureChromium(), `${chromiumPath} is missing and could not be installed (Debian packages chromium, chromium-driver)`);
  server = await startServer();
  browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, timeout: 30_000 });
  mkdirSync(artifacts, { recursive: true });
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function openDemo(viewport = { width: 1280, height: 800 }, extra = {}) {
  const context = await browser.newContext({ viewport, ...extra });
  context.setDefaultTimeout(timeout);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error));
  await page.goto(`${server.url}/`);
  await page.locator("#state[data-state=connected]").waitFor();
  await page.locator("#text:enabled").waitFor();
  return { context, page, errors, text: page.locator("#text") };
}

const valueOf = (page) => page.locator("#text").inputValue();

async function converged(a, b, parts) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const [va, vb] = await Promise.all([valueOf(a.page), valueOf(b.page)]);
    if (va === vb && parts.every((part) => va.includes(part))) return va;
    if (Date.now() > deadline) assert.fail(`pages did not converge on ${JSON.stringify(parts)}:\nA: ${JSON.stringify(va)}\nB: ${JSON.stringify(vb)}`);
    await new Promise((resolve) => setTimeout(resolve, 50)); // a poll interval, bounded by the deadline
  }
}

test("two pages edit the demo document at once, one of them offline for a while, and converge", async () => {
  const a = await openDemo();
  const b = await openDemo();
  const initial = await valueOf(a.page);
  assert.match(initial, /Welcome to LiveSync/);
  assert.equal(await valueOf(b.page), initial);

  // Each sees the other in the people list.
  await a.page.locator("#people li").nth(1).waitFor();
  await b.page.locator("#people li").nth(1).waitFor();

  // Both type at once: A at the end, B at the start.
  await a.text.click();
  await a.page.keyboard.press("Control+End");
  await b.text.click();
  await b.page.keyboard.press("Control+Home");
  await Promise.all([a.text.pressSequentially("A was here. 😀", { delay: 5 }), b.text.pressSequentially("B says hi. ", { delay: 5 })]);
  await converged(a, b, ["A was here. 😀", "B says hi. ", "Welcome to LiveSync"]);
  assert.ok((await valueOf(a.page)).startsWith("B says hi. "));

  // A sees B's caret where B types.
  await a.page.locator("#carets .caret").first().waitFor({ state: "attached" });

  // B goes offline and keeps typing; A types meanwhile; B comes back and nothing is lost.
  await b.context.setOffline(true);
  await b.page.locator("#state:not([data-state=connected])").waitFor();
  await b.text.pressSequentially("[typed offline] ", { delay: 5 });
  await a.text.pressSequentially(" [typed online]", { delay: 5 });
  await b.context.setOffline(false);
  await b.page.locator("#state[data-state=connected]").waitFor();
  const final = await converged(a, b, ["[typed offline] ", " [typed online]", "A was here. 😀", "B says hi. "]);
  assert.ok(final.startsWith("B says hi. [typed offline] "), final);

  await a.page.locator("#people li").nth(1).waitFor();
  await a.page.screenshot({ path: path.join(artifacts, "demo-desktop.png") });
  assert.deepEqual([...a.errors, ...b.errors], []);

  // The demo on a phone-sized screen, with the two others present.
  const phone = await openDemo({ width: 390, height: 844 }, { isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  await phone.page.locator("#people li").nth(2).waitFor();
  await phone.page.screenshot({ path: path.join(artifacts, "demo-phone.png") });
  assert.equal(await valueOf(phone.page), final);
  for (const { context } of [a, b, phone]) await context.close();
});
