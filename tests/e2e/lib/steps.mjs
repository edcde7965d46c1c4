// What a person does on a page, shared by the phone's and the office's browser tests: sign
// in, take a photo, sign, take an offered action, file a record, cut the network. Each
// waits on a condition with a deadline, never a sleep.
import assert from "node:assert/strict";
import { DEMO_PASSWORD } from "../../js/lib/server.mjs";

/** How long any one step may take. */
export const WAIT = { timeout: 30_000 };

/** The demo's accounts by name (password DEMO_PASSWORD). */
export const USERS = { 张敏: "hk-zhang", 李强: "hk-li", 王主管: "sup-wang", 陈客服: "office-chen", 管理员: "admin" };

/** `YYYY-MM-DD HH:MM` in Shanghai as milliseconds. */
export const shanghai = (text) => Date.parse(`${text.replace(" ", "T")}:00+08:00`);

/** This month in Shanghai, `YYYY-MM`. */
export const shanghaiMonth = (ms = Date.now()) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 7);

/** Logs each step with the time it took, so a slow step shows in the output. */
export function stepper(t) {
  let last = Date.now();
  return (what) => {
    const now = Date.now();
    t.diagnostic(`${what} (${now - last} ms)`);
    last = now;
  };
}

/** Waits until `condition(arg)` holds in the page. It must return a value, not a promise:
 * a promise is truthy, so an async condition would pass at once. */
export const hook = (page, condition, arg = null, wait = WAIT) => {
  assert.notEqual(condition.constructor.name, "AsyncFunction", "hook conditions must be synchronous");
  return page.waitForFunction(condition, arg, wait);
};

/** Nothing on the page is moving: every finite CSS transition and animation (a drawer
 * sliding in, a tab's underline) has finished, so a screenshot shows where things rest. */
export const still = () =>
  document.getAnimations().every((a) => a.playState !== "running" || a.effect?.getComputedTiming().iterations === Infinity);

/** Everything this phone made has reached the server: records and photos. */
export const sent = () =>
  window.__estate.online && window.__estate.pendingCount() === 0 && window.__estate.photosPending() === 0;

/** The phone holds the whole area, durably (nothing received is still on its way to
 * IndexedDB), and shows its home screen. */
export const whole = () =>
  window.__estate?.online && window.__estate.missingCount() === 0 && window.__estate.idle() && document.querySelector("#vacant-due");

/** Fills the sign-in form on `page` (the phone's or the office's) as the demo user called `name`. */
export async function fillLogin(page, name) {
  await page.getByLabel("用户名").fill(USERS[name], WAIT);
  await page.getByLabel("密码").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "登录" }).click();
}

/** A photo as the camera would hand it over: what the page shows now, as a PNG. */
export async function photo(page) {
  const buffer = await page.screenshot({ clip: { x: 0, y: 0, width: 390, height: 300 } });
  return { name: "photo.png", mimeType: "image/png", buffer };
}

/** Draws a signature on the pad with a finger: the touch events a phone sends, on the pad. */
export async function sign(page) {
  const pad = page.locator(".van-signature canvas");
  await pad.waitFor(WAIT);
  // The pad sizes its canvas to the sheet once mounted: strokes before that are lost.
  await hook(page, () => {
    const canvas = document.querySelector(".van-signature canvas");
    return canvas?.width > 0 && canvas.height > 0 && canvas.getBoundingClientRect().width > 0;
  });
  // A stroke drawn while the pad settles may not stay: drawn again, a frame later, until
  // what the pad would submit is not blank (compared with an empty canvas, as it does).
  for (let tries = 1; ; tries++) {
    const drawn = await pad.evaluate(async (canvas) => {
      const box = canvas.getBoundingClientRect();
      const touch = (fx, fy) =>
        new Touch({ identifier: 1, target: canvas, clientX: box.left + box.width * fx, clientY: box.top + box.height * fy });
      const send = (type, points) =>
        canvas.dispatchEvent(new TouchEvent(type, { touches: points, changedTouches: points, bubbles: true, cancelable: true }));
      send("touchstart", [touch(0.2, 0.5)]);
      for (let i = 1; i <= 12; i++) send("touchmove", [touch(0.2 + i * 0.05, 0.5 + Math.sin(i) * 0.2)]);
      send("touchend", []);
      await new Promise(requestAnimationFrame);
      const blank = document.createElement("canvas");
      blank.width = canvas.width;
      blank.height = canvas.height;
      return canvas.toDataURL() !== blank.toDataURL();
    });
    if (drawn) return;
    assert.ok(tries < 5, "the signature pad stays blank after five signatures");
  }
}

/** Takes the action the record on the phone's `page` offers as `type` (button `确定{label}`),
 * filling in what `fill` fills; waits until it is saved and the sheet is gone. */
export async function offer(page, type, label, fill = async () => {}) {
  await page.locator(`[data-offer="${type}"]`).first().click();
  await page.locator(`.action-panel[data-action="${type}"]`).waitFor(WAIT);
  await fill(page.locator(".action-panel"));
  await page.getByRole("button", { name: `确定${label}` }).click();
  await page.locator(".action-panel").waitFor({ state: "detached", ...WAIT });
}

/** Adds a photo to the phone's open action sheet and waits until it is kept. */
export async function photoInSheet(page) {
  await page.locator(".action-panel .photos input[type=file]").setInputFiles(await photo(page));
  await hook(page, () => document.querySelector(".action-panel .van-uploader__preview") && !document.querySelector(".action-panel .van-uploader__mask"));
}

/** Files a new record of `kind` from the phone's 记录 tab, filling in what `fill` fills;
 * resolves to its ID once its page shows. */
export async function newRecord(page, kind, title, fill) {
  await page.goto(`${page.url().split("#")[0]}#/records?kind=${kind}`);
  await page.getByRole("button", { name: `新建${title}` }).click();
  await page.getByRole("heading", { name: title }).waitFor(WAIT);
  await fill();
  await page.getByRole("button", { name: "保存" }).click();
  await page.locator(".summary").waitFor(WAIT);
  return page.evaluate(() => location.hash.split("/").pop());
}

/** Taps a tab of the phone's tab bar. */
export const tab = (page, name) => page.locator(".van-tabbar-item", { hasText: name }).click();

/** Opens the phone's 登记客户信息 form from the 记录 tab. */
export async function openTicketForm(page) {
  await tab(page, "记录");
  await page.getByRole("link", { name: "登记客户信息" }).or(page.getByRole("button", { name: "登记客户信息" })).click();
}

/** Waits until the service worker controls the page, so the app reloads with no network. */
export async function controlled(page) {
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => {}));
  if (!(await page.evaluate(() => navigator.serviceWorker.controller !== null))) await page.reload();
  await hook(page, () => navigator.serviceWorker.controller !== null);
}

/** Cuts the network of a signed-in phone and reopens the app from what it holds, on the
 * home screen (the service worker first takes control, so the shell loads offline), once
 * every record is loaded (before that, the home screen shows what it showed last time). */
export async function offlineHome(context, page) {
  await controlled(page);
  await context.setOffline(true);
  await page.reload();
  await hook(page, () => window.__estate?.ready && document.querySelector("#vacant-due"));
}
