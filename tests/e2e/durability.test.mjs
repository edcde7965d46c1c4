// A phone that dies in the middle of saving. A housekeeper's phone, offline, keeps adding
// notes to a record, each saved as a screen saves it; at a random moment the whole browser
// crashes (DevTools' `Browser.crash`: no unload, no flush), several times over, each time
// reopened from the same profile, offline. Every note the app had confirmed durable
// (what the screen shows as 已保存) is still there after each crash, the notes that are
// there are an unbroken run (nothing half-written: no later note without the ones before
// it), and the app opens clean on the record. Then the phone goes online and the server
// receives all of it.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { signIn, startServer } from "../js/lib/server.mjs";
import { snap } from "./lib/harness.mjs";
import { controlled, fillLogin, hook, sent, whole } from "./lib/steps.mjs";

const CRASHES = Number(process.env.CRASHES ?? 4);
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"];

const server = await startServer();
const profile = mkdtempSync(join(tmpdir(), "estate-phone-"));
/** The browser open now, closed however the test ends. */
let open = null;
/** What the pages warned of, across every crash: read out when the test fails. */
const warnings = [];
after(async () => {
  await open?.close().catch(() => {});
  server.stop();
});

/** The phone's browser over its one profile directory, as a phone keeps its storage. */
async function phone() {
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ARGS,
    serviceWorkers: "allow",
    viewport: { width: 390, height: 844 },
    hasTouch: true,
    isMobile: true,
    locale: "zh-CN",
  });
  open = context;
  const errors = [];
  const page = context.pages()[0] ?? (await context.newPage());
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    const offline = m.text().includes("ERR_INTERNET_DISCONNECTED");
    if (["warning", "error"].includes(m.type()) && !offline) warnings.push(m.text());
  });
  return { context, page, errors };
}

/** What the phone's IndexedDB holds of `record`, and what Chromium's own log of that
 * database says about its last opening: for a failure to explain itself. */
async function storageReport(page, record) {
  const held = await page
    .evaluate(async (id) => {
      const name = (await indexedDB.databases()).map((d) => d.name).find((n) => n?.startsWith("estate-automerge:"));
      if (!name) return "no area database";
      const db = await new Promise((ok, fail) => {
        const request = indexedDB.open(name);
        request.onsuccess = () => ok(request.result);
        request.onerror = () => fail(request.error);
      });
      const all = (store) =>
        new Promise((ok) => {
          const request = db.transaction(store).objectStore(store).getAll();
          request.onsuccess = () => ok(request.result);
        });
      const chunks = await all("chunks");
      const log = await all("log");
      const mine = chunks.filter((c) => c.key[0] === id).map((c) => c.key.slice(1).join("/"));
      const logged = log.map((r) => r.ops.filter((o) => o.key[0] === id).map((o) => `${o.op} ${o.key.slice(1).join("/")}`));
      db.close();
      return JSON.stringify({ chunks: chunks.length, logRecords: log.length, recordChunks: mine, recordInLog: logged });
    }, record)
    .catch((e) => `unreadable: ${e.message}`);
  const dir = join(profile, "Default", "IndexedDB");
  const leveldb = readdirSync(dir)
    .filter((d) => d.endsWith(".leveldb"))
    .map((d) => readFileSync(join(dir, d, "LOG"), "utf8"));
  return `IndexedDB: ${held}; page warnings: ${warnings.join(" / ")}; LevelDB: ${leveldb.join(" / ")}`;
}

/** The notes on `record` as the app holds them, in journal order. */
const notesOn = (page, record, prefix) =>
  page.evaluate(
    ([id, p]) => window.__estate.record(id).events.map((e) => e.note).filter((n) => n?.startsWith(p)),
    [record, prefix],
  );

test("a phone that crashes mid-save keeps every note it said was saved, and nothing half-written", async () => {
  let { context, page, errors } = await phone();
  await page.goto(server.http);
  await fillLogin(page, "张敏");
  await hook(page, whole);
  await controlled(page);
  const record = await page.evaluate(() => window.__estate.firstRecord("unit"));
  assert.ok(record, "the area has a unit");
  await context.setOffline(true);

  const prefix = "断电测试";
  let confirmed = [];
  for (let crash = 1; crash <= CRASHES; crash++) {
    await page.evaluate(([id, p]) => window.__estate.keepNoting(id, p), [record, `${prefix}${crash}`]);
    // Crash once a few more notes are durable; which write is in flight is up to timing.
    const more = 2 + ((crash * 7) % 9);
    await hook(page, (n) => window.__estate.durableNotes.length >= n, more).catch(async (e) => {
      await snap(page, `durability-failed-saving-${crash}`);
      throw new Error(`${e.message}; page errors: ${errors.join(" / ")}`);
    });
    const durable = await page.evaluate(() => [...window.__estate.durableNotes]);
    const cdp = await context.newCDPSession(page);
    await cdp.send("Browser.crash").catch(() => {});
    await context.close().catch(() => {});

    ({ context, page, errors } = await phone());
    await context.setOffline(true);
    await page.goto(`${server.http}/#/record/${record}`);
    await hook(page, () => window.__estate?.record && document.querySelector(".van-nav-bar")).catch(async (e) => {
      await snap(page, `durability-failed-after-crash-${crash}`);
      throw new Error(`${e.message}; page errors: ${errors.join(" / ")}`);
    });
    await hook(page, (id) => { try { return !!window.__estate.record(id); } catch { return false; } }, record).catch(async (e) => {
      await snap(page, `durability-failed-reading-${crash}`);
      const said = await page.evaluate((id) => { try { window.__estate.record(id); return "ok"; } catch (x) { return String(x); } }, record);
      throw new Error(`${e.message}; record(): ${said}; page errors: ${errors.join(" / ")}; ${await storageReport(page, record)}`);
    });
    const held = await notesOn(page, record, `${prefix}${crash}-`);
    for (const note of durable) assert.ok(held.includes(note), `${note} was confirmed saved before crash ${crash} and is still there`);
    const expected = held.map((_, i) => `${prefix}${crash}-${i + 1}`);
    assert.deepEqual(held, expected, `after crash ${crash} the notes are an unbroken run`);
    assert.deepEqual(errors, [], "the app opens without an error");
    confirmed = [...confirmed, ...held];
    await snap(page, `durability-after-crash-${crash}`);
  }

  await context.setOffline(false);
  await hook(page, sent);
  await context.close();
  const check = await startCheck(record);
  assert.deepEqual(check.filter((n) => n.startsWith(prefix)), confirmed, "the server holds every note the phone kept, in order");
});

/** The record's notes as the server holds them, through its API as the office reads it. */
async function startCheck(record) {
  const { token } = await signIn(server, "office-chen");
  const response = await fetch(`${server.http}/api/records/${record}`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(response.status, 200, "the office opens the record");
  const body = await response.json();
  return body.events.map((e) => e.note ?? "");
}
