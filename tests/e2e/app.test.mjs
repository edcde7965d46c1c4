// Headless Chromium drives the real phone app against a real sync server: online first
// visit, offline reload, records kept and acted on with no network, then back online — the
// office console and a second phone see them. The harness (lib/harness.mjs) starts the
// server (SYNC_SERVER_CMD) and the browser; each screen is saved as a screenshot at the
// phone's size in tests/e2e/screenshots/ for a person to look at.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { execFileSync } from "node:child_process";
import { serverCommand } from "../js/lib/server.mjs";
import { snap, startHarness } from "./lib/harness.mjs";
import { consoleSignIn, fact, rowOf } from "./lib/office.mjs";
import { controlled, fillLogin, hook, newRecord, offer, offlineHome, openTicketForm, photo, photoInSheet, sent, shanghai, sign, stepper, still, tab, WAIT, whole } from "./lib/steps.mjs";

/** October 2026's statistics, worked out by hand (core/tests/fixtures/README.md). */
const FIXTURE = JSON.parse(readFileSync(
  join(dirname(fileURLToPath(import.meta.url)), "../../core/tests/fixtures/statistics-2026-10.json"), "utf8"));

const { server, pageErrors, phone, desk, withScreenshots, tokenNeverInUrls, signIn, apiToken, officeList } = await startHarness();

test("an inspection recorded offline reaches the office and another phone", async (t) => {
  await withScreenshots(t, async () => {
    const step = stepper(t);
    const { context, page } = await phone("phone-a");
    await signIn(page, "张敏");
    step("phone A online with a full replica of its area");
    await snap(page, "01-today");
    await tab(page, "空置房");
    await page.locator("[data-unit]").first().waitFor(WAIT);
    await snap(page, "02-vacant-list");

    // The service worker must control the page before the network goes away.
    await controlled(page);
    step("service worker controls the page");

    await context.setOffline(true);
    await page.reload();
    await hook(page, () => window.__estate && document.querySelector("[data-unit]"));
    await page.locator("#sync", { hasText: "离线" }).waitFor(WAIT);
    step("offline reload lists the units");

    const unit = page.locator("[data-unit]", { hasText: "未巡查" }).first();
    const code = await unit.locator(".code").innerText();
    await unit.click();
    await page.getByRole("heading", { name: `空置房巡查 ${code}` }).waitFor(WAIT);
    // The points are the core's, in its order and words.
    assert.deepEqual(await page.locator("[data-point]").evaluateAll((cells) => cells.map((c) => c.dataset.point)),
      ["doorsWindows", "leaks", "pipes", "power", "wallsCeilings", "mould", "pests", "smell"]);
    // An abnormal point without findings is refused, in Chinese.
    await page.locator('[data-point="leaks"]').getByText("异常").click();
    await page.getByRole("button", { name: "保存" }).click();
    await page.locator("#error", { hasText: "发现问题" }).waitFor(WAIT);
    await snap(page, "03-inspection-refused");
    // What a special-weather inspection counts for is said where it is ticked (seed 003:
    // the monthly check, plus extra service in long rain or strong wind).
    await page.getByText("不代替本月例行巡查").waitFor(WAIT);
    // The screen keys on the refusal's code and field, not on its words.
    assert.deepEqual(
      await page.locator("#error").evaluate((e) => [e.dataset.code, e.dataset.field]),
      ["invalid", "findings"],
    );
    await page.locator("textarea[name=findings]").fill("厨房窗台渗水，已通知施工单位");
    await page.getByText("已开窗通风").click();
    await page.getByText("已安排保洁").click();
    await page.locator("textarea[name=notes]").fill("离线记录");
    // A photo of the abnormal point, taken with the camera and kept by its hash.
    await page.locator(".photos input[type=file]").setInputFiles(await photo(page));
    await page.locator(".photos .van-uploader__preview").waitFor(WAIT);
    await hook(page, () => !document.querySelector(".photos .van-uploader__mask"));
    await page.getByRole("button", { name: "保存" }).click();
    await page.locator("[data-unit]", { hasText: code }).getByText("本月已巡查").waitFor(WAIT);
    await page.locator("#sync", { hasText: /待上传 [1-9]/ }).waitFor(WAIT);
    assert.equal(await page.evaluate(() => window.__estate.pendingCount()), 1, "one inspection is one record waiting");
    await page.locator("#photos-pending", { hasText: "照片待上传 1" }).waitFor(WAIT);
    // Unsent work on storage the browser may evict is said plainly; on kept storage it is not.
    const persisted = await page.evaluate(() => window.__estate.storagePersisted);
    assert.equal(typeof persisted, "boolean", "the phone asked for persistent storage");
    assert.equal(await page.locator("#storage-warning").count(), persisted ? 0 : 1);
    step(`inspection of ${code} saved offline`);

    // It is in IndexedDB, not only in memory: a reload, still offline, keeps it.
    await page.locator(".notice", { hasText: `${code} 已保存` }).waitFor(WAIT);
    await page.reload();
    await page.locator("[data-unit]", { hasText: code }).getByText("本月已巡查").waitFor(WAIT);
    await page.locator("#sync", { hasText: /待上传 [1-9]/ }).waitFor(WAIT);
    step("it survives an offline reload");

    // The inspection opens again to its state and history, and takes the next step.
    await page.locator("[data-unit]", { hasText: code }).click();
    await page.locator(".summary", { hasText: "渗漏" }).waitFor(WAIT);
    await page.locator("[data-photo]").first().waitFor(WAIT);
    assert.equal(await page.locator('[data-offer="ventilated"]').count(), 0, "already ventilated: not offered again");
    await page.locator('[data-offer="cleaned"]').click();
    await page.getByRole("button", { name: "确定已保洁" }).click();
    await page.locator(".summary", { hasText: "已保洁" }).waitFor(WAIT);
    await snap(page, "04-inspection-record");
    await page.goBack();
    step("the inspection reopens and is marked cleaned, offline");

    await context.setOffline(false);
    await hook(page, () => window.__estate.online && window.__estate.pendingCount() === 0);
    await page.locator("#sync", { hasText: "在线" }).waitFor(WAIT);
    await page.locator("#sync", { hasText: "待上传" }).waitFor({ state: "detached", ...WAIT });
    await hook(page, () => window.__estate.photosPending() === 0);
    step("back online, the server confirmed the edit and holds the photo");
    await snap(page, "05-back-online");
    await tokenNeverInUrls(page, "phone-a");
    // Installable on iOS and Android: PNG icons, a maskable one, an apple-touch-icon.
    const manifest = await (await fetch(`${server.http}/manifest.webmanifest`)).json();
    const icons = manifest.icons.map((i) => `${i.sizes} ${i.type} ${i.purpose ?? "any"}`);
    for (const want of ["192x192 image/png any", "512x512 image/png any", "512x512 image/png maskable"])
      assert.ok(icons.includes(want), `manifest icon ${want}: ${icons.join(", ")}`);
    const touch = await page.locator('link[rel="apple-touch-icon"]').getAttribute("href");
    assert.match(touch, /\.png$/);
    assert.equal((await fetch(new URL(touch, server.http))).headers.get("content-type"), "image/png");
    step("the token never appeared in a URL or the console, offline or online");

    // The office console lists it among every record and opens it with the facts the phone kept.
    const { page: office } = await desk("office");
    await consoleSignIn(office, server.http, "陈客服", "/records?kind=vacant-inspection");
    const row = rowOf(office, code);
    await row.first().waitFor(WAIT);
    assert.match(await row.first().innerText(), /空置房巡查/, "listed as a vacant-unit inspection");
    await row.first().click();
    const drawer = office.locator(".el-drawer");
    await drawer.locator(".el-descriptions").waitFor(WAIT);
    assert.equal(await fact(drawer, "房号"), code);
    assert.match(await fact(drawer, "巡查"), /张敏$/, "the office sees who inspected");
    assert.match(await fact(drawer, "检查结果"), /^异常：.*渗漏/, "the office sees the abnormal point");
    assert.equal(await fact(drawer, "通风"), "已通风", "ventilated shows as done, as the phone recorded it");
    assert.equal(await fact(drawer, "保洁"), "已保洁");
    await drawer.locator("[data-journal]", { hasText: "已保洁" }).waitFor(WAIT);
    step("the office console lists it and opens it: abnormal, ventilated, cleaned, by 张敏");
    await hook(office, still);
    await snap(office, "06-office", { fullPage: false });

    const other = await phone("phone-b");
    await signIn(other.page, "张敏");
    await tab(other.page, "空置房");
    await other.page.locator("[data-unit]", { hasText: code }).getByText("本月已巡查").waitFor(WAIT);
    step("a second phone sees the unit inspected");

    assert.deepEqual(pageErrors, [], "no uncaught errors in the pages");
  });
});

test("the phone computes the sample month's statistics exactly as the fixture computed by hand", async (t) => {
  await withScreenshots(t, async () => {
    const step = stepper(t);
    const { page } = await phone("phone-stats");
    await signIn(page, "张敏");
    const asOf = shanghai(FIXTURE.asOf);
    // The area's statistics from the records this phone synced, computed by its WASM core.
    const area = await page.evaluate(([month, now]) => window.__estate.statisticsSummary(month, now), [FIXTURE.month, asOf]);
    assert.deepEqual(area, FIXTURE.scopes.A1);
    step("area A1 from the synced replica equals the fixture");
    // The other area, on its housekeeper's phone (the project's figure is checked natively,
    // core/tests/statistics.rs; the phone ships without the demo generator).
    const other = await phone("phone-stats-a2");
    await signIn(other.page, "李强");
    const a2 = await other.page.evaluate(([month, now]) => window.__estate.statisticsSummary(month, now), [FIXTURE.month, asOf]);
    // The project's reception day and greetings are filed in 一区: a phone of 二区 does not
    // hold them, so those three rows are the server's and 一区's to show.
    const areaOwn = (summary) => ({
      ...summary,
      indicators: Object.fromEntries(Object.entries(summary.indicators).filter(([k]) => !/接待日|送迎/.test(k))),
    });
    assert.deepEqual(areaOwn(a2), areaOwn(FIXTURE.scopes.A2));
    step("area A2 from its own synced phone equals the fixture (its own records)");

    // The statistics screen shows the same figures.
    await tab(page, "统计");
    await page.locator("#stats-month").fill(FIXTURE.month);
    await page.locator("#stats-month").dispatchEvent("change");
    const row = page.locator('[data-indicator="投诉类·响应及时率"]');
    await row.waitFor(WAIT);
    assert.match(await row.innerText(), /目标 95%/);
    assert.equal((await row.locator("[data-figures]").innerText()).trim(), "8/9 · 88.9%");
    assert.equal((await row.locator("[data-result]").innerText()).trim(), "未达标");
    await page.locator("#vacant-stats", { hasText: "空置房 50 套：巡查 45，通风 43，保洁 41" }).waitFor(WAIT);
    await page.getByText(/本月登记事项中超时（\d+）/).waitFor(WAIT);
    step("the statistics screen shows them");
    await snap(page, "07-statistics");
    // Every control a thumb taps is at least 44 px high.
    for (const control of [page.locator(".van-tabbar-item", { hasText: "统计" }), page.locator("#stats-month")]) {
      const box = await control.boundingBox();
      assert.ok(box.height >= 44, `${await control.evaluate((e) => e.outerHTML.slice(0, 60))} is ${box.height} px high`);
    }

    await tab(page, "待办");
    await page.locator("#vacant-due").waitFor(WAIT);
    const due = await page.evaluate(() => window.__estate.dueWork(Date.now()));
    assert.equal(due.vacant.total, 50, "50 vacant units in area A1");
    // The two overdue lists say what each counts: every overdue clock now, and those of
    // the month's tickets (one definition of overdue, from the core, two questions).
    await page.getByText(/已超时 · 全部（\d+）/).waitFor(WAIT);
    step("the due-work screen opens");
    await snap(page, "08-due-work");
    // Each line opens its record; an overdue one says by how long, on the clock that ran out.
    const late = page.locator(".late[data-ticket]").first();
    const overdueFor = await late.locator(".van-cell__value").innerText();
    assert.match(overdueFor, /已超时 \d+ (天|小时|分钟)/);
    await late.click();
    await page.locator(".summary").waitFor(WAIT);
    await page.locator("[data-clock].late", { hasText: "已超时" }).first().waitFor(WAIT);
    await snap(page, "08b-overdue-ticket");
    step(`an overdue line opens its ticket (${overdueFor})`);
    assert.deepEqual(pageErrors, [], "no uncaught errors in the pages");
  });
});

test("a revoked phone is refused and wipes what it holds", async (t) => {
  await withScreenshots(t, async () => {
    const step = stepper(t);
    const { context, page } = await phone("phone-revoked");
    await signIn(page, "李强");
    const device = await page.evaluate(() => JSON.parse(localStorage.getItem("estate.session")).device);
    step("phone signed in with a full replica");

    // The admin revokes it with the command line, on the server's own database.
    const [binary] = serverCommand.split(" ");
    execFileSync(binary, ["device", "revoke", device, "--data", server.data]);
    step("device revoked");

    // Its next connection is refused; the app asks why, says so, wipes itself, and the
    // sign-in form says it again.
    await context.setOffline(true);
    await context.setOffline(false);
    const told = page.locator(".van-dialog", { hasText: "此设备已被管理员停用" });
    await told.getByText("本机的片区资料将被清除").waitFor(WAIT);
    await snap(page, "22-revoked");
    await told.getByRole("button", { name: "知道了" }).click();
    await page.getByText("此设备已被管理员停用，本机数据已清除").waitFor(WAIT);
    const left = await page.evaluate(async () => ({
      databases: (await indexedDB.databases()).length,
      settings: localStorage.length,
    }));
    assert.deepEqual(left, { databases: 0, settings: 0 }, "nothing of the area is left on the phone");
    step("refused, wiped, and told");
  });
});

test("a phone handed to another housekeeper keeps nothing of the first, and never drops unsent work unasked", async (t) => {
  await withScreenshots(t, async () => {
    const step = stepper(t);
    const { context, page } = await phone("handed-over");
    await signIn(page, "张敏");
    await context.setOffline(true);
    await tab(page, "空置房");
    const unit = page.locator("[data-unit]", { hasText: "未巡查" }).first();
    const code = (await unit.locator(".code").innerText()).trim();
    await unit.click();
    await page.getByRole("button", { name: "保存" }).click();
    await page.locator("[data-unit]", { hasText: code }).getByText("本月已巡查").waitFor(WAIT);
    step(`an inspection of ${code} waits offline`);

    // Signing out with it unsent asks first, saying how much would be lost; declining keeps everything.
    await tab(page, "我的");
    await page.getByRole("button", { name: "退出登录" }).click();
    const dialog = page.locator(".van-dialog");
    await dialog.getByText(/1 条记录没有上传/).waitFor(WAIT);
    await snap(page, "09-sign-out-asks");
    await dialog.getByRole("button", { name: "先不退出" }).click();
    await dialog.waitFor({ state: "hidden", ...WAIT });
    assert.equal(await page.evaluate(() => window.__estate.pendingCount()), 1, "still there");
    step("signing out with unsent work asks, and declining keeps it");

    // Once it is sent, signing out asks nothing and leaves nothing behind.
    await context.setOffline(false);
    await hook(page, () => window.__estate.online && window.__estate.pendingCount() === 0);
    await page.getByRole("button", { name: "退出登录" }).click();
    await page.getByLabel("用户名").waitFor(WAIT);
    assert.deepEqual(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("estate."))), [],
      "no setting of the first user is left");
    step("signed out with everything sent: nothing asked, nothing left");

    // The next housekeeper signs in while the directory cannot be fetched: the phone
    // says so rather than opening the first user's area.
    await page.route("**/api/directory", (route) => route.abort());
    await fillLogin(page, "李强");
    await page.getByText("无法连接服务器").waitFor(WAIT);
    assert.ok(!(await page.locator("#title").innerText()).includes("一区"), "no trace of area A1");
    await page.unroute("**/api/directory");
    await page.getByRole("button", { name: "重试" }).click();
    await hook(page, whole);
    assert.match(await page.locator("#title").innerText(), /二区 · 李强/);
    assert.equal(await page.evaluate(() => window.__estate.pendingCount()), 0);
    await snap(page, "10-next-housekeeper");
    step("the next housekeeper gets their own area, and nothing of the first");
  });
});

test("a repair registered at the door is dispatched, done, signed for and called back with no signal", async (t) => {
  await withScreenshots(t, async () => {
    const step = stepper(t);
    const { context, page } = await phone("ticket-phone");
    await signIn(page, "张敏");
    await offlineHome(context, page);
    step("offline on the home screen");

    await openTicketForm(page);
    await page.locator("#category").waitFor(WAIT);
    const labels = await page.locator("#category .van-radio").allInnerTexts();
    assert.equal(labels.length, 14, `the 14 categories of seed 004: ${labels.join("、")}`);
    const code = await page.locator("#unit-codes option").first().getAttribute("value");
    await page.locator("input[name=unit]").fill(code);
    // Nothing described: refused by the core, at the field, by code.
    await page.getByRole("button", { name: "登记" }).click();
    await page.locator("#error[data-field=description]").waitFor(WAIT);
    await page.locator("textarea[name=description]").fill("卫生间地漏反水");
    await page.locator("input[name=reporter]").fill("王先生");
    await page.locator(".photos input[type=file]").setInputFiles(await photo(page));
    await hook(page, () => document.querySelector(".photos .van-uploader__preview") && !document.querySelector(".photos .van-uploader__mask"));
    await snap(page, "11-ticket-form");
    await page.getByRole("button", { name: "登记" }).click();
    await page.locator("#status", { hasText: "已登记" }).waitFor(WAIT);
    const id = await page.evaluate(() => location.hash.split("/").pop());
    await page.locator('[data-clock="dispatch"]').waitFor(WAIT);
    step(`ticket ${id} registered offline with its clocks`);

    const act = (type, label, fill) => offer(page, type, label, fill);
    await act("dispatch", "派工");
    await page.locator("#status", { hasText: "已派工" }).waitFor(WAIT);
    await act("start", "开始处理");
    await page.locator("#status", { hasText: "处理中" }).waitFor(WAIT);
    // A household repair is completed with the owner's signature: without one the core refuses.
    await page.locator('[data-offer="complete"]').click();
    await page.getByRole("button", { name: "确定完成" }).click();
    await page.locator(".action-panel #error[data-code=refused]").waitFor(WAIT);
    await page.locator(".signature-field").click();
    await sign(page);
    await snap(page, "12-signature");
    await page.getByRole("button", { name: "确认签字" }).click();
    await page.locator("[data-signed]").waitFor(WAIT);
    await page.locator(".action-panel textarea[name=note]").fill("更换地漏，试水正常");
    await page.getByRole("button", { name: "确定完成" }).click();
    await page.locator("#status", { hasText: "已完成" }).waitFor(WAIT);
    await act("callback", "回访", async () => {
      await page.locator(".action-panel .van-radio", { hasText: /^满意$/ }).click();
    });
    await page.locator("#status", { hasText: "已回访" }).waitFor(WAIT);
    await snap(page, "13-ticket-record");
    step("dispatched, started, completed with a signature and called back, offline");

    await page.reload();
    await page.locator("#status", { hasText: "已回访" }).waitFor(WAIT);
    const held = await page.evaluate((doc) => window.__estate.record(doc), id);
    assert.deepEqual(held.events.map((e) => e.type), ["dispatch", "start", "complete", "callback"]);
    const signature = held.state.signature;
    const [picture] = held.header.photos;
    assert.match(signature, /^[0-9a-f]{64}$/);
    assert.match(picture, /^[0-9a-f]{64}$/);
    step("an offline reload keeps all of it");

    await context.setOffline(false);
    await hook(page, sent);
    assert.deepEqual(await page.evaluate(() => window.__estate.refusedPhotos()), [], "no photo refused");
    step("online: the record and its photo and signature are on the server");

    // Checked through the server's API, as the office would read it.
    const token = await apiToken("陈客服");
    const auth = { authorization: `Bearer ${token}` };
    const listed = await officeList(auth, `kind=ticket&area=A1&status=called_back`);
    const row = listed.records.find((r) => r.id === id);
    assert.ok(row, `the office lists the ticket ${id}: ${JSON.stringify(listed).slice(0, 400)}`);
    assert.equal(row.status, "called_back");
    assert.equal(row.code, code);
    for (const hash of [picture, signature]) {
      const head = await fetch(`${server.http}/api/attachments/${hash}`, { method: "HEAD", headers: auth });
      assert.equal(head.status, 200, `attachment ${hash} is stored`);
    }
    const history = await (await fetch(`${server.http}/api/records/${id}/history`, { headers: auth })).json();
    const summary = history.map((h) => h.summary).join(" ");
    for (const what of ["created", "dispatch", "start", "complete", "callback"])
      assert.ok(summary.includes(what), `the server's history names ${what}: ${summary}`);
    assert.ok(history.every((h) => h.user === "hk-zhang"), "all of it by 张敏");
    step("the server lists it as called back and holds both attachments");

    // Another phone of the area sees it, photo included (downloaded once, then offline).
    const other = await phone("ticket-second");
    await signIn(other.page, "张敏");
    await other.page.goto(`${server.http}/#/record/${id}`);
    await other.page.locator("#status", { hasText: "已回访" }).waitFor(WAIT);
    await other.page.locator(`img[data-photo="${picture}"], [data-photo="${picture}"] img`).first().waitFor(WAIT);
    await snap(other.page, "14-ticket-second-phone");
    step("a second phone shows the ticket and its photo");
    assert.deepEqual(pageErrors, [], "no uncaught errors in the pages");
  });
});

test("the daily patrol: checkpoints scanned from their printed QR codes and a finding made a ticket, offline", async (t) => {
  await withScreenshots(t, async () => {
    const step = stepper(t);
    const { context, page } = await phone("patrol-phone");
    await signIn(page, "张敏");
    await controlled(page);
    // The printable sheet of the area's checkpoints, one QR code each.
    await page.goto(`${server.http}/#/checkpoints`);
    const card = page.locator("[data-checkpoint]").first();
    await card.locator("img").waitFor(WAIT);
    const checkpoint = await card.getAttribute("data-checkpoint");
    const place = (await card.locator("strong").innerText()).split(" · ").pop();
    const qr = await card.locator("img").getAttribute("src");
    await snap(page, "15-checkpoint-sheet");
    step(`the sheet prints ${await page.locator("[data-checkpoint]").count()} checkpoints`);

    await context.setOffline(true);
    await page.goto(`${server.http}/#/records?kind=public-patrol`);
    await page.reload();
    await page.getByRole("button", { name: "今日巡视" }).click();
    await page.locator('[data-offer="checkpoint"]').click();
    // The camera is not available here: the checkpoint's QR code is read from a photo of it.
    const photoOfCode = { name: "qr.png", mimeType: "image/png", buffer: Buffer.from(qr.split(",")[1], "base64") };
    await page.locator(".qr-photo input[type=file]").setInputFiles(photoOfCode);
    await page.locator(`.checkpoints [data-checkpoint="${checkpoint}"]`, { hasText: "已打卡" }).waitFor(WAIT);
    await snap(page, "16-patrol-scan");
    step(`${place} scanned offline`);

    await page.goBack();
    await page.locator(".summary", { hasText: place }).waitFor(WAIT);
    await page.locator('[data-offer="finding"]').click();
    await page.locator(".action-panel .van-radio", { hasText: "电梯" }).click();
    await page.locator(".action-panel input[name=place]").fill("2栋电梯");
    await page.locator(".action-panel input[name=description]").fill("轿厢照明灯不亮");
    await page.getByRole("button", { name: "确定发现问题" }).click();
    await page.getByRole("button", { name: "转工单：2栋电梯" }).click();
    await page.locator("textarea[name=description]").waitFor(WAIT);
    assert.equal(await page.locator("textarea[name=description]").inputValue(), "轿厢照明灯不亮");
    assert.equal(await page.locator("input[name=place]").inputValue(), "2栋电梯");
    await page.locator("#category .van-radio", { hasText: "设备设施" }).click();
    await page.getByRole("button", { name: "登记" }).click();
    await page.locator("#status", { hasText: "已登记" }).waitFor(WAIT);
    const ticket = await page.evaluate(() => location.hash.split("/").pop());
    // The form gave way to the ticket: back is the patrol.
    await page.goBack();
    await page.locator(".summary", { hasText: "已转工单" }).waitFor(WAIT);
    const patrol = await page.evaluate(() => location.hash.split("/").pop());
    await page.locator('[data-offer="finish"]').click();
    await page.getByRole("button", { name: "确定巡视完成" }).click();
    await page.locator(".summary", { hasText: "完成" }).waitFor(WAIT);
    await snap(page, "17-patrol-record");
    step("a finding became a ticket in one tap, and the round is finished, offline");

    await context.setOffline(false);
    await hook(page, () => window.__estate.online && window.__estate.pendingCount() === 0);
    const auth = { authorization: `Bearer ${await apiToken("陈客服")}` };
    const patrols = await officeList(auth, `kind=public-patrol&area=A1`);
    assert.equal(patrols.records.find((r) => r.id === patrol)?.status, "finished", "the office sees the round finished");
    const tickets = await officeList(auth, `kind=ticket&area=A1&status=registered`);
    assert.ok(tickets.records.some((r) => r.id === ticket), "the office sees the ticket the finding became");
    const held = await page.evaluate((doc) => window.__estate.record(doc), patrol);
    assert.deepEqual(held.state.visited.map((v) => v.checkpoint), [checkpoint]);
    assert.equal(held.state.findings[0].ticket, ticket);
    step("online: the server has the round and the ticket");
    assert.deepEqual(pageErrors, [], "no uncaught errors in the pages");
  });
});

test("a renovation file from application to deposit refund, patrolled with a violation photographed, offline", async (t) => {
  await withScreenshots(t, async () => {
    const step = stepper(t);
    const { context, page } = await phone("renovation-phone");
    await signIn(page, "张敏");
    await offlineHome(context, page);
    const code = await page.evaluate(() => window.__estate.unitCodes()[3]);
    const id = await newRecord(page, "renovation", "装修备案", async () => {
      await page.locator("input[name=unit]").fill(code);
      await page.locator("input[name=applicant]").fill("赵女士");
      await page.locator("input[name=contractor]").fill("美家装饰");
      await page.locator("textarea[name=plan]").fill("厨卫翻新，更换地砖");
      await page.locator("input[name=depositYuan]").fill("3000");
    });
    await page.locator(".summary", { hasText: "已申请" }).or(page.locator(".summary", { hasText: "申请" })).first().waitFor(WAIT);
    await page.locator('[data-clock="renovation_review"]').waitFor(WAIT);
    step(`renovation of ${code} filed offline, with its review clock`);

    await offer(page, "review", "审核");
    // 003 G3 "关注：装修前质量确认单，装修协议，费用收取，其他部门审核等": checked, and the
    // contractor briefed, before the permit.
    await offer(page, "pre_works", "开工前检查与交底", async (panel) => {
      for (const item of ["装修前质量确认单", "装修协议已签", "费用已收取", "其他部门已审核", "已向施工方交底"]) {
        await panel.locator(".van-cell", { hasText: item }).locator(".van-switch").click();
      }
    });
    await offer(page, "permit", "发放装修许可证", (panel) => panel.locator("input[name=number]").fill("ZX-2026-118"));
    await page.locator('[data-clock="renovation_pre_works"]', { hasText: "按时完成" }).waitFor(WAIT);
    await offer(page, "patrol", "装修巡查", async (panel) => {
      await panel.locator(".van-checkbox", { hasText: "垃圾堆放" }).click();
      await panel.locator(".van-checkbox", { hasText: "安装情况" }).click();
      await panel.locator("textarea[name=note]").fill("装修垃圾堆在楼道，已要求当天清运");
      await panel.locator(".van-cell", { hasText: "已当场制止" }).locator(".van-switch").click();
      await photoInSheet(page);
    });
    await page.locator(".history", { hasText: "装修巡查" }).waitFor(WAIT);
    await offer(page, "book_acceptance", "预约验收");
    await offer(page, "accept", "验收");
    await offer(page, "refund_deposit", "退押金");
    const held = await page.evaluate((doc) => window.__estate.record(doc), id);
    assert.equal(held.state.status, "refunded");
    assert.deepEqual(held.state.patrols[0].violations, ["垃圾堆放", "安装情况"]);
    assert.equal(held.state.preWorks.briefed, true);
    await snap(page, "18-renovation");
    step("reviewed, permitted, patrolled (a violation photographed), accepted and refunded, offline");

    await context.setOffline(false);
    await hook(page, sent);
    const auth = { authorization: `Bearer ${await apiToken("陈客服")}` };
    const listed = await officeList(auth, `kind=renovation&area=A1`);
    assert.equal(listed.records.find((r) => r.id === id)?.status, "refunded");
    step("online: the office lists it refunded");
    assert.deepEqual(pageErrors, [], "no uncaught errors in the pages");
  });
});

test("visits, the visit plan, keys, fees and rectifications, offline", async (t) => {
  await withScreenshots(t, async () => {
    const step = stepper(t);
    const { context, page } = await phone("desk-phone");
    await signIn(page, "张敏");
    await offlineHome(context, page);
    const [first, second] = await page.evaluate(() => window.__estate.unitCodes().slice(10, 12));

    // This month's visit plan (the form's default month): households added, none twice.
    const plan = await newRecord(page, "visit-plan", "拜访计划", async () => {
      assert.match(await page.locator("input[name=month]").inputValue(), /^\d{4}-\d{2}$/);
      // 003 G6: "走访计划…走访内容".
      await page.locator("textarea[name=content]").fill("告知冬季供暖检修安排；征询对地库照明的意见");
    });
    await offer(page, "add", "加入计划", async (panel) => {
      // Key customers come first; households visited this round cannot be planned again.
      const open = panel.locator(".van-checkbox:not(.van-checkbox--disabled)");
      await open.nth(0).click();
      await open.nth(1).click();
      assert.ok((await panel.locator(".van-checkbox--disabled", { hasText: "本轮已拜访" }).count()) > 0, "the round's visits are marked");
    });
    await page.locator(".summary", { hasText: "2 户" }).waitFor(WAIT);
    await page.locator(".summary", { hasText: "告知冬季供暖检修安排" }).waitFor(WAIT);
    step("a visit plan with its content and two households");

    // A visit at the door, with an issue raised that becomes a ticket.
    const visit = await newRecord(page, "visit", "客户拜访", async () => {
      await page.locator("input[name=unit]").fill(first);
      await page.locator(".van-radio", { hasText: "上门" }).first().click();
      await page.locator("input[name=person]").fill("业主刘先生");
      await page.locator("textarea[name=notes]").fill("反映楼道灯不亮");
    });
    await page.locator('[data-offer="ticket"]').click();
    await page.locator("textarea[name=description]").fill("楼道灯不亮");
    await page.locator("#category .van-radio", { hasText: "设备设施" }).click();
    await page.getByRole("button", { name: "登记" }).click();
    await page.locator("#status", { hasText: "已登记" }).waitFor(WAIT);
    await page.goBack();
    await page.locator(".history", { hasText: "转工单" }).waitFor(WAIT);
    step("a visit recorded, its issue a ticket");

    // Keys: the area's ledger; a key received with the owner's signature, lent, returned, counted.
    await page.goto(`${server.http}/#/records?kind=key-ledger`);
    await page.locator("[data-record]").first().click();
    await page.locator(".summary").waitFor(WAIT);
    await offer(page, "receive", "托管钥匙", async (panel) => {
      await panel.locator("input[name=label]").fill("K-TEST-1");
      await panel.locator("input[name=unitCode]").fill(second);
      await panel.locator(".signature-field").click();
      await sign(page);
      await page.getByRole("button", { name: "确认签字" }).click();
      await panel.locator("[data-signed]").waitFor(WAIT);
    });
    await page.locator(".summary", { hasText: "K-TEST-1" }).waitFor(WAIT);
    await page.locator('[data-offer="borrow"]', { hasText: "K-TEST-1" }).click();
    await page.locator(".action-panel input[name=borrower]").fill("维修工王师傅");
    await page.locator(".action-panel .signature-field").click();
    await sign(page);
    await page.getByRole("button", { name: "确认签字" }).click();
    await page.locator(".action-panel [data-signed]").waitFor(WAIT);
    await page.getByRole("button", { name: "确定借出 K-TEST-1" }).click();
    await page.locator(".summary", { hasText: "借给 维修工王师傅" }).waitFor(WAIT);
    await page.locator('[data-offer="return"]', { hasText: "K-TEST-1" }).click();
    await page.getByRole("button", { name: "确定归还 K-TEST-1" }).click();
    await offer(page, "count", "每日核对", (panel) => panel.locator(".van-checkbox", { hasText: "K-TEST-1" }).click());
    await snap(page, "19-keys");
    step("a key received, lent and returned with signatures, and counted");

    // A fee follow-up: arrears, a call that reached the owner, a payment.
    const fee = await newRecord(page, "fee-account", "收费跟进", async () => {
      await page.locator("input[name=unit]").fill(second);
      await page.locator("input[name=arrearsFen]").fill("1280.50");
    });
    await offer(page, "contact", "催缴联系");
    await offer(page, "payment", "缴费", async (panel) => {
      await panel.locator("input[name=amountFen]").fill("1280.50");
      await panel.locator("input[name=receipt]").fill("No.300021");
    });
    await page.locator(".summary", { hasText: "0.00 元" }).waitFor(WAIT);
    step("arrears followed up and paid");

    // An owner-meeting rectification item: progress, then done.
    const item = await newRecord(page, "rectification", "整改事项", async () => {
      await page.locator("input[name=meeting]").fill("十二月业主沟通会");
      await page.locator("textarea[name=problem]").fill("儿童游乐区地垫破损");
      await page.locator("textarea[name=measure]").fill("更换地垫");
      await page.locator("input[name=responsible]").fill("张敏");
    });
    await offer(page, "progress", "进展", (panel) => panel.locator("textarea[name=note]").fill("地垫已订货"));
    await offer(page, "done", "完成");
    await page.locator(".summary", { hasText: "完成" }).waitFor(WAIT);
    await snap(page, "20-rectification");
    step("a rectification item progressed and done");

    await context.setOffline(false);
    await hook(page, sent);
    const auth = { authorization: `Bearer ${await apiToken("陈客服")}` };
    assert.deepEqual(await page.evaluate(() => window.__estate.refused()), [], "nothing refused by the server");
    for (const [kind, doc] of [["visit-plan", plan], ["visit", visit], ["fee-account", fee], ["rectification", item]]) {
      const listed = await officeList(auth, `kind=${kind}&area=A1`);
      assert.ok(listed.records.some((r) => r.id === doc), `the office lists the ${kind} ${doc}`);
    }
    step("online: the office lists every one");
    assert.deepEqual(pageErrors, [], "no uncaught errors in the pages");
  });
});

test("two phones act on one ticket without signal: the conflict is shown on both and settled by a person", async (t) => {
  await withScreenshots(t, async () => {
    const step = stepper(t);
    const a = await phone("conflict-a");
    const b = await phone("conflict-b");
    await signIn(a.page, "张敏");
    // A repair registered and dispatched on phone A, seen by phone B.
    await a.page.goto(`${server.http}/#/new/ticket`);
    const code = await a.page.evaluate(() => window.__estate.unitCodes()[5]);
    await a.page.locator("input[name=unit]").fill(code);
    await a.page.locator(".van-radio", { hasText: "公共区域报修" }).click();
    await a.page.locator("textarea[name=description]").fill("单元门禁失灵");
    await a.page.getByRole("button", { name: "登记" }).click();
    await a.page.locator("#status", { hasText: "已登记" }).waitFor(WAIT);
    const id = await a.page.evaluate(() => location.hash.split("/").pop());
    await offer(a.page, "dispatch", "派工");
    await hook(a.page, () => window.__estate.pendingCount() === 0);
    await signIn(b.page, "张敏");
    await b.page.goto(`${server.http}/#/record/${id}`);
    await b.page.locator("#status", { hasText: "已派工" }).waitFor(WAIT);
    step("one ticket on two phones");

    // Both lose signal; A completes it, B reassigns it to 李强.
    await a.context.setOffline(true);
    await b.context.setOffline(true);
    await offer(a.page, "complete", "完成");
    await offer(b.page, "dispatch", "派工", (panel) => panel.locator("input[name=to-other]").fill("工程部维修班"));
    step("completed on one phone, reassigned on the other, both offline");

    await a.context.setOffline(false);
    await b.context.setOffline(false);
    for (const { page } of [a, b]) {
      await hook(page, () => window.__estate.online && window.__estate.pendingCount() === 0);
      await page.locator(".conflict", { hasText: "两台手机的处理不一致" }).waitFor(WAIT);
    }
    await snap(b.page, "21-conflict");
    step("both phones show the conflict");

    await b.page.getByRole("button", { name: "已核实，标记为已处理" }).click();
    await b.page.locator(".conflict").waitFor({ state: "detached", ...WAIT });
    await hook(a.page, () => !document.querySelector(".conflict"));
    const settled = await a.page.evaluate((doc) => window.__estate.record(doc), id);
    assert.ok(settled.flags.every((f) => f.resolvedBy !== null), "settled on the other phone too");
    step("settled on one phone, gone from both");
    assert.deepEqual(pageErrors, [], "no uncaught errors in the pages");
  });
});
