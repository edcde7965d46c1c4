// Headless Chromium drives the real app: online first visit, offline reload, an
// inspection recorded with no network, then back online — the office page and a second
// phone see it.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { startServer } from "../js/lib/server.mjs";

const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const WAIT = { timeout: 30_000 };

const server = await startServer();
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ARGS });
const shots = mkdtempSync(join(tmpdir(), "estate-e2e-"));
after(async () => {
  await browser.close();
  server.stop();
});

async function phone() {
  const context = await browser.newContext({ serviceWorkers: "allow" });
  const page = await context.newPage();
  page.on("pageerror", (e) => console.error("page error:", e.message));
  return { context, page };
}

async function signIn(page, name) {
  await page.goto(server.http);
  await page.getByText(name, { exact: true }).click(WAIT);
  await page.waitForFunction(() => window.__estate && window.__estate.missingCount() === 0 && document.querySelectorAll("[data-unit]").length > 0, null, WAIT);
}

test("an inspection recorded offline reaches the office and another phone", async (t) => {
  const { context, page } = await phone();
  t.after(() => page.screenshot({ path: join(shots, "phone-a.png") }).catch(() => {}));
  await signIn(page, "张敏");
  // The service worker must control the page before the network goes away.
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, WAIT);

  await context.setOffline(true);
  await page.reload();
  await page.waitForFunction(() => document.querySelectorAll("[data-unit]").length > 0, null, WAIT);
  assert.match(await page.locator("#sync").innerText(), /离线/);

  const unit = page.locator("[data-unit]", { hasText: "未巡查" }).first();
  const code = await unit.locator(".code").innerText();
  await unit.click();
  await page.getByText("已安排保洁").click();
  await page.locator("textarea[name=notes]").fill("离线记录");
  await page.getByRole("button", { name: "保存" }).click();
  const row = page.locator("[data-unit]", { hasText: code });
  await row.getByText("本月已巡查").waitFor(WAIT);
  assert.ok(await page.evaluate(() => window.__estate.pendingCount()) >= 1, "the edit waits to be sent");

  await context.setOffline(false);
  await page.waitForFunction(() => window.__estate.online && window.__estate.pendingCount() === 0, null, WAIT);

  const office = await (await browser.newContext()).newPage();
  await office.goto(`${server.http}/office.html`);
  await office.locator("#rows td", { hasText: code }).first().waitFor(WAIT);

  const other = await phone();
  await signIn(other.page, "张敏");
  await other.page.locator("[data-unit]", { hasText: code }).getByText("本月已巡查").waitFor(WAIT);
});
