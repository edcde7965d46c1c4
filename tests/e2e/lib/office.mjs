// What a person does in the office console (Element Plus on a desktop): sign in, find a
// row, read a record's facts, see what a select offers. Shared by the office's test and
// the phone tests that check their work reached the office.
import { fillLogin, hook, WAIT } from "./steps.mjs";

/** The console's address of a page, on the server at `origin`. */
export const consoleAt = (origin, route) => `${origin}/office.html#${route}`;

/** Signs the demo user `name` in to the console at `route` (the sign-in page comes first,
 * and returns to it). */
export async function consoleSignIn(page, origin, name, route = "/board") {
  await page.goto(consoleAt(origin, route));
  await page.getByRole("button", { name: "登录" }).waitFor(WAIT);
  await fillLogin(page, name);
  await page.locator("#who", { hasText: /\S/ }).waitFor(WAIT);
}

/** Records a callback in the console's 回访 dialog opened from `row` — `satisfaction` as the
 * dialog names it, what the customer said — and closes it once done. `checkDialog` may
 * look at the dialog before it is submitted; `afterDone` once it says 回访完成. */
export async function callBack(page, row, satisfaction, said, { checkDialog, afterDone } = {}) {
  await row.locator('[data-action="callback"]').click();
  const dialog = page.locator(".el-dialog", { hasText: "回访：" });
  await dialog.locator(".el-radio-button", { hasText: new RegExp(`^${satisfaction}$`) }).click();
  if (checkDialog) await checkDialog(dialog);
  await dialog.locator("textarea").fill(said);
  await dialog.getByRole("button", { name: "提交回访" }).click();
  await dialog.locator("[data-outcome]", { hasText: "回访完成" }).waitFor(WAIT);
  if (afterDone) await afterDone(dialog);
  await dialog.getByRole("button", { name: "完成" }).click();
}

/** A table's row holding `text`. */
export const rowOf = (page, text) => page.locator(".el-table__row", { hasText: text });

/** Waits until a console table has been read: rows, or its empty text, and nothing loading. */
export const tableRead = (page) =>
  hook(page, () => document.querySelector(".el-table__row, .el-table__empty-text .el-empty") && !document.querySelector(".el-loading-mask"));

/** What an opened record's facts (in `within`, e.g. the drawer) say at `label`. */
export async function fact(within, label) {
  const cell = within.locator("td.el-descriptions__label", { hasText: new RegExp(`^${label}$`) });
  return (await cell.locator("xpath=following-sibling::td[1]").innerText()).trim();
}

/** The texts of the options (and group titles) an Element Plus select labelled `label` offers. */
export async function choices(page, label) {
  await page.locator(".el-select", { has: page.getByLabel(label) }).click();
  const dropdown = page.locator(".el-select-dropdown:visible");
  await dropdown.waitFor(WAIT);
  const texts = await dropdown.locator(".el-select-group__title, .el-select-dropdown__item").allInnerTexts();
  await page.keyboard.press("Escape");
  return texts.map((t) => t.trim());
}
