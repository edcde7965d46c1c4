// One browser test file's world: a real sync server with the demo estate, headless
// Chromium, phones (390×844, touch) and office desks (1440×900) opened in it, and what
// every page said — uncaught errors fail a test, console errors and a screenshot of each
// open page are shown when a step fails.
//
// SYNC_SERVER_CMD is the server command (e.g. `target/debug/sync-server serve`); the
// server gets a loopback port, a fresh data directory and --demo. Screenshots a test
// keeps for a person to look at go to tests/e2e/screenshots/ (not committed).
import { after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { DEMO_PASSWORD, startServer } from "../../js/lib/server.mjs";
import { fillLogin, hook, USERS, whole } from "./steps.mjs";

const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];
export const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), "../screenshots");
mkdirSync(SCREENSHOTS, { recursive: true });

/** Saves what `page` shows now as `screenshots/<name>.png`: the whole page, or (`fullPage`
 * false) the window as it is, for what floats over the page (a drawer, a dialog). */
export const snap = (page, name, { fullPage = true } = {}) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage });

/** Starts the server and the browser for this file (both stopped when it ends). */
export async function startHarness() {
  const server = await startServer();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ARGS });
  after(async () => {
    await browser.close().catch(() => {});
    server.stop();
  });

  /** Every page opened, for the screenshots on failure. */
  const pages = new Map();
  /** Uncaught exceptions in pages: a test fails on any. */
  const pageErrors = [];
  /** Console errors (offline fetches and sockets log some): shown when a test fails. */
  const consoleErrors = [];
  /** Every URL a page asked for (WebSockets and event streams included) and every console line, per page. */
  const seen = new Map();

  function watch(name, page) {
    pages.set(name, page);
    page.on("pageerror", (e) => pageErrors.push(`${name}: ${e.message}`));
    page.on("console", (m) => m.type() === "error" && consoleErrors.push(`${name}: ${m.text()}`));
    const lines = [];
    seen.set(name, lines);
    page.on("request", (r) => lines.push(r.url()));
    page.on("websocket", (ws) => lines.push(ws.url()));
    page.on("console", (m) => lines.push(m.text()));
    return page;
  }

  /** A fresh phone: its own storage, service workers on. */
  async function phone(name) {
    const context = await browser.newContext({
      serviceWorkers: "allow",
      viewport: { width: 390, height: 844 },
      hasTouch: true,
      isMobile: true,
      deviceScaleFactor: 2,
      locale: "zh-CN",
    });
    return { context, page: watch(name, await context.newPage()) };
  }

  /** A fresh office desk: a desktop browser of its own; `page(name)` opens another tab in it. */
  async function desk(name) {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: "zh-CN", timezoneId: "Asia/Shanghai" });
    return { context, page: watch(name, await context.newPage()), tab: async (tabName) => watch(tabName, await context.newPage()) };
  }

  /** Runs a test body; on failure saves a screenshot of each page and says where. */
  async function withScreenshots(t, body) {
    try {
      await body();
    } catch (error) {
      const dir = mkdtempSync(join(tmpdir(), "estate-e2e-"));
      for (const [name, page] of pages) await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true }).catch(() => {});
      t.diagnostic(`screenshots in ${dir}`);
      for (const [what, list] of [["page error", pageErrors], ["console error", consoleErrors]])
        for (const line of list) t.diagnostic(`${what} ${line}`);
      throw error;
    }
  }

  /** The device's long-lived token never travels in a URL nor shows in the console. */
  async function tokenNeverInUrls(page, name) {
    const token = await page.evaluate(() =>
      Object.values(localStorage)
        .map((v) => {
          try {
            return JSON.parse(v).token;
          } catch {
            return undefined;
          }
        })
        .find(Boolean),
    );
    assert.ok(token, "the phone holds a token");
    const lines = seen.get(name);
    assert.ok(lines.some((l) => l.includes("/sync?ticket=")), "the sync socket opened with a ticket");
    const leaks = lines.filter((l) => l.includes(token));
    assert.deepEqual(leaks, [], "the token appears in a URL or the console");
  }

  /** Opens the phone app, signs the housekeeper in and waits for a complete replica of the
   * area and the home screen (待办). */
  async function signIn(page, name) {
    await page.goto(server.http);
    await fillLogin(page, name);
    await hook(page, whole);
  }

  /** Signs a demo user in through the API (a script, not the app): their bearer token. */
  async function apiToken(name) {
    const response = await fetch(`${server.http}/api/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: USERS[name], password: DEMO_PASSWORD, device_name: "核对脚本" }),
    });
    return (await response.json()).token;
  }

  /** The office's list of records matching `query`, as `auth` sees it (one page of 500). */
  async function officeList(auth, query) {
    return (await fetch(`${server.http}/api/records?${query}&limit=500`, { headers: auth })).json();
  }

  return { server, browser, pageErrors, seen, phone, desk, withScreenshots, tokenNeverInUrls, signIn, apiToken, officeList };
}
