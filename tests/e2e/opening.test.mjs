// A phone opening offline on a large area. Its timers are held (Playwright's clock, paused)
// so the opening stops after the first slice of stored records, as a large area's opening
// takes seconds on a real phone: the home screen it showed last time is there at once,
// saying that the records are loading and how far; a due line tapped meanwhile waits,
// saying so, and opens its inspection once the records are in; and the home screen the core
// then draws says what the kept one said.
import { test } from "node:test";
import assert from "node:assert/strict";
import { snap, startHarness } from "./lib/harness.mjs";
import { controlled, hook, WAIT } from "./lib/steps.mjs";

const { phone, withScreenshots, signIn } = await startHarness();

test("a phone opens offline on its last home screen while its records load, and a line tapped meanwhile opens", async (t) => {
  await withScreenshots(t, async () => {
    const { context, page } = await phone("opening-phone");
    await signIn(page, "张敏");
    // The home screen shows the whole area (redraws are paced, so the last may still be
    // waiting), and what it shows is written down for the next start.
    await hook(page, () => window.__estate.redrawn() && window.__estate.homeSettled());
    const shown = await page.locator("#vacant-due").innerText();
    await controlled(page);

    await context.setOffline(true);
    await page.clock.install();
    await page.clock.pauseAt(Date.now() + 1000);
    await page.reload();
    const opening = page.locator("#opening");
    await opening.filter({ hasText: /（\d+ \/ \d+）/ }).waitFor(WAIT);
    t.diagnostic(`while loading: ${await opening.innerText()}`);
    assert.match(await opening.innerText(), /^正在载入本机资料（300 \/ \d+），以下为 .+ 的待办$/);
    assert.equal(await page.locator("#vacant-due").innerText(), shown, "the kept home screen says what the last one said");
    assert.equal(await page.evaluate(() => window.__estate.ready), false, "the records are still loading");
    await snap(page, "opening-home-kept", { fullPage: false });

    const due = page.locator("[data-unit-due]").first();
    const unit = await due.getAttribute("data-unit-due");
    await due.click();
    await page.getByText(/正在打开本机资料…（300 \/ \d+）/).waitFor(WAIT);
    await snap(page, "opening-record-waits", { fullPage: false });

    await page.clock.resume();
    await page.getByRole("heading", { name: /^空置房巡查 / }).waitFor(WAIT);
    assert.equal(await page.evaluate(() => window.__estate.ready), true);
    assert.ok(page.url().endsWith(`/inspect/${unit}`), `the tapped unit's inspection opened (${page.url()})`);
    await page.goBack();
    await page.locator("#vacant-due").waitFor(WAIT);
    assert.equal(await opening.count(), 0, "once loaded, the home screen is the core's own");
    assert.equal(await page.locator("#vacant-due").innerText(), shown);
    await context.close();
  });
});
