// The office console in a desktop browser (1440×900, zh-CN) with the people it serves: the
// service desk registers a call and dispatches it, the housekeeper's phone receives it,
// works it partly without signal and completes it with a photo, while the desk's ticket
// board — open the whole time, never reloaded — follows each step from the server's event
// stream; the desk calls the customer back, the month's statistics count it, and a
// housekeeper of another area sees none of it. Every console screen is saved in
// tests/e2e/screenshots/office-*.png for a person to look at.
import { test } from "node:test";
import assert from "node:assert/strict";
import { snap, startHarness } from "./lib/harness.mjs";
import { callBack, choices, consoleAt, consoleSignIn, fact, rowOf, tableRead } from "./lib/office.mjs";
import { fillLogin, hook, offer, photoInSheet, sent, shanghaiMonth, stepper, still, WAIT } from "./lib/steps.mjs";

const { server, pageErrors, seen, phone, desk, withScreenshots, signIn, apiToken } = await startHarness();

/** Saves a screenshot of the console once nothing on it moves. */
async function shot(page, name, options) {
  await hook(page, still);
  await snap(page, name, options);
}

/** How long a step seen live — a dispatch on the phone, a phone's work on the board — may take. */
const LIVE = { timeout: 10_000 };

/** The console's address of a page. */
const at = (route) => consoleAt(server.http, route);

/** The repair callback rate's numerator and denominator in 月度统计 for area A1 and `month`. */
async function repairCallbacks(page, month) {
  await page.goto(at(`/stats?scope=area:A1&month=${month}`));
  const figures = page.locator("[data-indicators] tr", { has: page.locator('[data-indicator="repair_callback"]') }).locator("[data-figures]");
  await figures.waitFor(WAIT);
  const [numerator, denominator] = (await figures.innerText()).trim().split("/").map(Number);
  return { numerator, denominator };
}

test("a call registered at the desk is worked on the phone, followed live on the board, called back and counted; another area sees none of it", async (t) => {
  await withScreenshots(t, async () => {
    const step = stepper(t);
    const month = shanghaiMonth();
    const description = `大堂感应灯不亮（${Date.now() % 100000}）`;

    // 陈客服 signs in to the console.
    const office = await desk("office");
    const { page: deskPage } = office;
    await deskPage.goto(at("/intake"));
    await deskPage.getByRole("button", { name: "登录" }).waitFor(WAIT);
    await shot(deskPage, "office-01-login");
    await fillLogin(deskPage, "陈客服");
    await deskPage.locator("#who", { hasText: "陈客服" }).waitFor(WAIT);
    await deskPage.locator("[data-intake]").waitFor(WAIT);
    assert.match(new URL(deskPage.url()).hash, /^#\/intake/, "signing in returns to the page asked for");
    step("陈客服 signed in to the console, on 受理");

    // The ticket board, open in a tab of its own from now on, never reloaded.
    const board = await office.tab("office-board");
    await board.goto(at("/board"));
    await tableRead(board);
    await board.locator("#live[data-state=live]").waitFor(WAIT);
    await board.evaluate(() => (window.__boardNeverReloaded = true));
    assert.ok(seen.get("office-board").some((url) => url.includes("/api/events?")), "the board listens to the server's event stream");
    // The desk works in the first tab; the board's tab stays open behind it.
    await deskPage.bringToFront();
    step("the board is open and live, in a tab behind");

    // The month's repair callbacks before.
    const before = await repairCallbacks(deskPage, month);
    step(`repair callbacks this month before: ${before.numerator}/${before.denominator}`);

    // 张敏's phone, signed in and online, on its list of tickets.
    const { context, page: hand } = await phone("zhang-phone");
    await signIn(hand, "张敏");
    await hand.goto(`${server.http}/#/records?kind=ticket`);
    await hand.locator("[data-record]").first().waitFor(WAIT);
    step("张敏's phone holds area A1, online");

    // 受理: a public repair in 一区, dispatched to 张敏 as it is registered.
    await deskPage.goto(at("/intake"));
    const form = deskPage.locator("[data-intake]");
    await form.locator(".el-radio-button", { hasText: /^报修$/ }).click();
    await deskPage.getByLabel("来电人姓名").fill("刘女士");
    await deskPage.getByLabel("联系电话").fill("13800001234");
    assert.match(await form.locator(".el-form-item", { hasText: "位置" }).innerText(), /一区/, "the first area is chosen");
    await form.locator(".el-radio-button", { hasText: "公共部位" }).click();
    await deskPage.getByRole("textbox", { name: "公共部位" }).fill("1栋大堂");
    await form.locator(".el-form-item", { hasText: "问题描述" }).locator("textarea").fill(description);
    await form.locator(".el-radio-button.is-active", { hasText: "公共区域报修" }).waitFor(WAIT);
    assert.match(await form.locator(".el-form-item", { hasText: "派给" }).innerText(), /张敏/, "the area's housekeeper by default");
    step("the call filled in");
    const filed = deskPage.waitForResponse((r) => r.url().endsWith("/api/tickets") && r.request().method() === "POST");
    await deskPage.getByRole("button", { name: "登记并派单" }).click();
    const response = await filed;
    assert.equal(response.status(), 201);
    const { id } = await response.json();
    const created = deskPage.locator("[data-created]");
    await created.locator('[data-status="dispatched"]', { hasText: "已派工" }).waitFor(WAIT);
    const dispatchedAt = Date.now();
    // Watched from now on, while the desk goes on (a failure is kept, and thrown below).
    const received = hand.locator(`[data-record="${id}"]`).waitFor(LIVE).then(() => Date.now() - dispatchedAt, (e) => e);
    step(`ticket ${id} registered and dispatched to 张敏`);
    await shot(deskPage, "office-02-intake");

    // The phone receives it within seconds, and the board shows it dispatched.
    const took = await received;
    if (took instanceof Error) throw took;
    step(`the phone received it ${took} ms after the dispatch`);
    const row = rowOf(board, description);
    await row.locator('[data-status="dispatched"]').waitFor(LIVE);
    assert.match(await row.innerText(), /张敏/, "the board says who has it");

    // The phone responds while online; then the signal goes.
    await hand.locator(`[data-record="${id}"]`).click();
    await hand.locator("#status", { hasText: "已派工" }).waitFor(WAIT);
    await offer(hand, "respond", "首次响应");
    await hook(hand, sent);
    await context.setOffline(true);
    await offer(hand, "start", "开始处理");
    await hand.locator("#status", { hasText: "处理中" }).waitFor(WAIT);
    step("responded online; started with no signal");
    // Work that has not reached the server is not on the board.
    assert.equal(await row.locator("[data-status]").getAttribute("data-status"), "dispatched");

    // A moment of signal: the start reaches the server, and the board shows it. (Steps a
    // phone took offline reach the server together, in one commit: had the completion been
    // taken in the same stretch, the board would go from 已派工 straight to 已完成.)
    await context.setOffline(false);
    await hook(hand, sent);
    await row.locator('[data-status="in_progress"]').waitFor(LIVE);
    step("the start synced; the board shows 处理中");

    // No signal again: completed with a photo (a public repair needs no owner's signature).
    await context.setOffline(true);
    await offer(hand, "complete", "完成", () => photoInSheet(hand));
    await hand.locator("#status", { hasText: "已完成" }).waitFor(WAIT);
    assert.equal(await row.locator("[data-status]").getAttribute("data-status"), "in_progress");
    await context.setOffline(false);
    await hook(hand, sent);
    await row.locator('[data-status="completed"]', { hasText: "已完成" }).waitFor(LIVE);
    await board.bringToFront();
    await shot(board, "office-03-board");
    await deskPage.bringToFront();
    assert.equal(await board.evaluate(() => window.__boardNeverReloaded), true, "the board was never reloaded");
    assert.equal(await board.locator("#live").getAttribute("data-state"), "live");
    step("completed offline with a photo, synced; the board shows 已完成, never reloaded");

    // 回访: satisfied, resolved; the ticket leaves the list of callbacks due.
    await deskPage.goto(at("/callbacks"));
    const due = rowOf(deskPage, description);
    await due.waitFor(WAIT);
    await shot(deskPage, "office-04-callbacks");
    await callBack(deskPage, due, "满意", "业主表示灯已修好", {
      checkDialog: async (dialog) =>
        assert.equal(await dialog.locator(".el-switch.is-checked").count(), 1, "resolved, unless the customer says otherwise"),
      afterDone: () => shot(deskPage, "office-04b-callback", { fullPage: false }),
    });
    await due.waitFor({ state: "detached", ...WAIT });
    await row.locator('[data-status="called_back"]').waitFor(LIVE);
    step("called back, satisfied; off the callbacks list, 已回访 on the board");

    // 全部记录: the ticket opens with what the desk, the phone and the callback recorded.
    await deskPage.goto(at("/records"));
    await rowOf(deskPage, description).click();
    const drawer = deskPage.locator(".el-drawer");
    await drawer.locator(".el-descriptions").waitFor(WAIT);
    assert.equal(await fact(drawer, "位置"), "1栋大堂");
    assert.equal(await fact(drawer, "处理人"), "张敏");
    assert.equal(await fact(drawer, "回访"), "满意");
    assert.match(await fact(drawer, "维修"), /^公共区域报修/);
    const journal = drawer.locator("[data-journal]");
    for (const action of ["派工", "首次响应", "开始处理", "完成", "回访"]) await journal.getByText(action, { exact: true }).first().waitFor(WAIT);
    await journal.locator("img.el-image__inner").first().waitFor(WAIT);
    await shot(deskPage, "office-05-records", { fullPage: false });
    await journal.scrollIntoViewIfNeeded();
    await shot(deskPage, "office-05b-record-journal", { fullPage: false });
    await drawer.locator(".el-drawer__close-btn").click();
    step("全部记录 opens it: the place, 张敏, the journal with the photo, 满意");

    // 月度统计 counts the callback.
    const after = await repairCallbacks(deskPage, month);
    assert.equal(after.numerator, before.numerator + 1, `repair callbacks ${before.numerator}/${before.denominator} → ${after.numerator}/${after.denominator}`);
    assert.equal(after.denominator, before.denominator + 1, "one more repair this month");
    await deskPage.locator("[data-trends] canvas").first().waitFor(WAIT);
    await deskPage.locator("[data-categories] canvas").waitFor(WAIT);
    await shot(deskPage, "office-06-stats");
    step(`月度统计: repair callbacks ${after.numerator}/${after.denominator}`);

    // 导出: the statistics workbook downloads; the checkpoints' QR codes are ready to print.
    await deskPage.goto(at("/exports"));
    await deskPage.locator("[data-checkpoints] img").first().waitFor(WAIT);
    const download = deskPage.waitForEvent("download");
    await deskPage.getByRole("button", { name: "下载统计表" }).click();
    assert.match((await download).suggestedFilename(), /\.xlsx$/);
    // 004 §4.3.6 c: the quarter's table, its three months added up.
    const quarterly = deskPage.waitForEvent("download");
    await deskPage.getByRole("button", { name: "下载季度统计表" }).click();
    assert.match((await quarterly).suggestedFilename(), /季度.*\.xlsx$/);
    await shot(deskPage, "office-07-exports");
    step("导出: the statistics workbook downloaded, the QR sheet shown");

    // 账号管理, as the administrator.
    const { page: admin } = await desk("admin-desk");
    await consoleSignIn(admin, server.http, "管理员", "/admin");
    await rowOf(admin, "hk-li").waitFor(WAIT);
    await shot(admin, "office-08-admin");
    await admin.getByRole("tab", { name: "设备" }).click();
    await rowOf(admin, "办公室电脑").first().waitFor(WAIT);
    await shot(admin, "office-08b-devices");
    await admin.getByRole("tab", { name: "导入房屋和业主" }).click();
    await admin.locator(".el-tab-pane:visible").waitFor(WAIT);
    await shot(admin, "office-08c-import");
    step("账号管理 lists the accounts");

    // 李强, housekeeper of 二区, signs in to the console: nothing of 一区 anywhere.
    const { page: other } = await desk("li-desk");
    await consoleSignIn(other, server.http, "李强");
    const noAreaA1 = async (where) => {
      const text = await other.locator("body").innerText();
      assert.ok(!text.includes("一区"), `${where} shows nothing of 一区`);
      assert.ok(!text.includes(description), `${where} does not show the ticket`);
    };
    await tableRead(other);
    await noAreaA1("the board");
    assert.deepEqual(await choices(other, "片区"), ["二区"], "the board's area filter offers only 二区");
    await shot(other, "office-09-other-area");
    await other.goto(at("/records"));
    await tableRead(other);
    await noAreaA1("全部记录");
    await other.goto(at("/callbacks"));
    await tableRead(other);
    await noAreaA1("回访");
    await other.goto(at("/stats"));
    await other.locator("[data-indicators]").waitFor(WAIT);
    await noAreaA1("月度统计");
    await shot(other, "office-09b-other-area-stats");
    assert.ok(!(await choices(other, "统计范围")).includes("一区"), "the statistics' scopes leave out 一区");
    await other.goto(at("/intake"));
    await tableRead(other);
    await noAreaA1("受理");
    assert.deepEqual(await choices(other, "派给"), ["李强"], "calls are dispatched only to 二区's housekeeper");
    await other.goto(at("/exports"));
    await other.locator("[data-checkpoints] img").first().waitFor(WAIT);
    await noAreaA1("导出");
    const li = { authorization: `Bearer ${await apiToken("李强")}` };
    const directory = await (await fetch(`${server.http}/api/directory`, { headers: li })).json();
    assert.deepEqual(directory.areas.map((a) => a.id), ["A2"], "the directory names only 二区");
    assert.ok(directory.housekeepers.every((h) => h.areaId === "A2"), "and only its housekeepers");
    const record = await fetch(`${server.http}/api/records/${id}`, { headers: li });
    assert.equal(record.status, 404, "the ticket of 一区 is missing for 李强");
    step("李强 sees nothing of 一区: board, records, callbacks, statistics, intake, exports, directory; the ticket answers 404");

    assert.deepEqual(pageErrors, [], "no uncaught errors in the pages");
  });
});
