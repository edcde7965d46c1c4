// The phone app measured in headless Chromium at a phone's size, for the benchmark
// (`bash scripts/bench.sh`): first sync of a whole area, the
// offline cold open to the home screen, and the time to save an action; and what the first
// visit transfers (the page, its scripts and the service worker's precache of the WASM),
// compressed as sent and as the files are.
//
//   node bench-app.mjs <http://server> <username> <password>
//
// Prints one JSON object: { firstLoad: { requests, transferred, decoded }, firstSyncMs,
// firstSyncStats: { coreMs, storageMs, framesIn, … }, firstSyncMarks: {mark: ms since 登录 is tapped}, firstSyncProfile: [{ where, ms }], coldOpenMs: [..], coldReadyMs: [..], coldOpenMarks: [{mark: ms}],
// saveCoreMs: [..], saveDurableMs: [..] }. A cold open is timed twice: to the home screen
// (drawn from what it showed last time while the records load) and to every record loaded.
import { chromium } from "playwright-core";

const [http, username, password] = process.argv.slice(2);
const LONG = { timeout: 15 * 60_000 };
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
try {
  const context = await browser.newContext({ serviceWorkers: "allow", viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  // Every response of the first visit, the service worker's precache included.
  const firstLoad = { requests: 0, transferred: 0, decoded: 0 };
  const counting = [];
  const count = async (request) => {
    const response = await request.response();
    if (!response) return;
    const sizes = await request.sizes();
    const body = await response.body().catch(() => Buffer.alloc(0));
    firstLoad.requests += 1;
    firstLoad.transferred += sizes.responseBodySize + sizes.responseHeadersSize;
    firstLoad.decoded += body.length;
  };
  const onFinished = (request) => counting.push(count(request));
  context.on("requestfinished", onFinished);
  const page = await context.newPage();
  await page.goto(http);
  await page.getByLabel("用户名").waitFor(LONG);
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => {}));
  await page.waitForLoadState("networkidle");
  context.off("requestfinished", onFinished);
  await Promise.all(counting);
  const { ms: firstSyncMs, stats: firstSyncStats, marks: firstSyncMarks } = await firstSync(page);
  // The same first sync again in a fresh context, under Chromium's CPU profiler: where
  // the page's main thread spent that time. Apart from the timed run, so the profiler's
  // own cost is not in it.
  const profiled = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  const profiledPage = await profiled.newPage();
  await profiledPage.goto(http);
  const cdp = await profiled.newCDPSession(profiledPage);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 1000 });
  await cdp.send("Profiler.start");
  await firstSync(profiledPage);
  const { profile } = await cdp.send("Profiler.stop");
  await profiled.close();

  await page.evaluate(() => navigator.serviceWorker.ready.then(() => {}));
  if (!(await page.evaluate(() => navigator.serviceWorker.controller !== null))) await page.reload();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, LONG);
  await context.setOffline(true);
  const coldOpenMs = [];
  const coldReadyMs = [];
  /** Where each cold open spent its time: ms since navigation at each of the app's marks. */
  const coldOpenMarks = [];
  for (let i = 0; i < 5; i++) {
    const from = Date.now();
    await page.reload({ waitUntil: "commit" });
    await page.waitForFunction(() => document.querySelector("#vacant-due"), null, LONG);
    coldOpenMs.push(Date.now() - from);
    await page.waitForFunction(() => window.__estate?.ready, null, LONG);
    coldReadyMs.push(Date.now() - from);
    coldOpenMarks.push(
      await page.evaluate(() =>
        Object.fromEntries(performance.getEntriesByType("mark").filter((m) => m.name.startsWith("estate:")).map((m) => [m.name.slice(7), Math.round(m.startTime)])),
      ),
    );
  }

  // Notes on a unit record: every area has units.
  const record = await page.evaluate(() => window.__estate.firstRecord("unit"));
  const { core, durable } = await page.evaluate(([id]) => window.__estate.timeSaves(id, 60), [record]);
  console.log(JSON.stringify({ firstLoad, firstSyncMs, firstSyncStats, firstSyncMarks, firstSyncProfile: selfTimes(profile), coldOpenMs, coldReadyMs, coldOpenMarks, saveCoreMs: core, saveDurableMs: durable }));
} finally {
  await browser.close();
}

/** Signs in on `page` (at the sign-in screen) and waits for the whole area; the ms it took,
 * the sync's own counters (time in the core's sync calls and in IndexedDB), and when the
 * app's marks fell (ms since the tap: the first of each, the last `all-received`). */
async function firstSync(page) {
  await page.getByLabel("用户名").fill(username, LONG);
  await page.getByLabel("密码").fill(password);
  const tapped = await page.evaluate(() => performance.now());
  const started = Date.now();
  await page.getByRole("button", { name: "登录" }).click();
  await page.waitForFunction(
    // Cheapest checks first, ten times a second: the page's own work is what is timed.
    // Drawn from every record: no redraw waiting once the last document is in.
    () =>
      window.__estate?.online &&
      window.__estate.idle() &&
      document.querySelector("#vacant-due") &&
      window.__estate.missingCount() === 0 &&
      window.__estate.redrawn(),
    null,
    { ...LONG, polling: 100 },
  );
  const ms = Date.now() - started;
  const marks = await page.evaluate((tapped) => {
    const at = {};
    for (const m of performance.getEntriesByType("mark"))
      if (m.name.startsWith("estate:") && (!(m.name.slice(7) in at) || m.name === "estate:all-received"))
        at[m.name.slice(7)] = Math.round(m.startTime - tapped);
    return at;
  }, tapped);
  return { ms, stats: await page.evaluate(() => window.__estate.stats()), marks };
}

/**
 * A CPU profile's self time by where it was spent, largest first, as `{ where, ms }`: the
 * WASM core by the app's call into it (the nearest JavaScript caller, e.g. `dueWork`), the
 * page's JavaScript by file, and Chromium's own entries — `(idle)` (waiting: for the
 * network, IndexedDB, a timer), `(program)` (the browser's native work outside JavaScript)
 * and `(garbage collector)`.
 */
function selfTimes(profile) {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const isWasm = (node) => node.callFrame.url.endsWith(".wasm") || node.callFrame.url.startsWith("wasm://");
  /** The JavaScript function that called into the WASM core for `node`. */
  const caller = (node) => {
    let at = node;
    while (at && (isWasm(at) || /^(js-to-wasm|wasm-to-js)/.test(at.callFrame.functionName))) at = byNode.get(parent.get(at.id));
    return at?.callFrame.functionName || "?";
  };
  const totals = new Map();
  profile.samples.forEach((id, i) => {
    const node = byNode.get(id);
    const { url, functionName } = node.callFrame;
    const file = url.split("/").pop().replace(/-[\w-]{8}\.(js|wasm)$/, ".$1");
    const where = isWasm(node) ? `WASM core via ${caller(node)}` : file ? `${file} (JavaScript)` : functionName || "(anonymous)";
    totals.set(where, (totals.get(where) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...totals].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([where, ms]) => ({ where, ms: Math.round(ms) }));
}
