// The housekeeper's phone app: sign in, see the area's vacant units, record inspections
// with or without signal.
import { registerSW } from "virtual:pwa-register";
import { CHECKLIST, openReplica, sampleMonthSummary, type AreaInfo, type InspectionForm, type Replica, type VacantUnit } from "./core";
import { cachedDirectory, fetchDirectory, type Directory, type Housekeeper } from "./directory";
import { el } from "./dom";
import { renderDue } from "./due";
import type { DueWork, StatisticsSummary } from "./rules";
import { renderStatistics } from "./stats";
import { problemOf, problemText } from "./problems";
import { checkSession, currentSession, expireSession, loginForm, signOut, syncUrl, unsentWarning, wipeDevice } from "./session";
import { ChunkStore } from "./storage";
import { Sync } from "./sync";

const view = document.getElementById("view")!;
const badge = document.getElementById("sync")!;
const title = document.getElementById("title")!;
const PEER = "estate.peer";

interface Session { replica: Replica; sync: Sync; me: Housekeeper; indexId: string }
type Screen =
  | { kind: "list" }
  | { kind: "form"; unit: VacantUnit }
  | { kind: "due" }
  | { kind: "stats"; month: string };

const MONTH = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit" });
/** This month in the estates' zone, `YYYY-MM`. */
function thisMonth(): string {
  return MONTH.format(new Date()).slice(0, 7);
}

let session: Session | null = null;
/** The area index's summary, read again whenever the index changes (reading it walks the whole index). */
let area: AreaInfo | null = null;
let screen: Screen = { kind: "list" };
let onlyTodo = false;
let notice = "";
/** A new version of the app took over: reload, but never under a half-filled form. */
let reloadWanted = false;

declare global {
  interface Window {
    __estate: {
      pendingCount(): number;
      missingCount(): number;
      readonly online: boolean;
      /** Sync counters (batches, frames, time in the core and in IndexedDB), for tests and benchmarks. */
      stats(): Record<string, number>;
      /** The area's statistics summary for `month` as of `nowMs` (tests compare it with the fixture). */
      statisticsSummary(month: string, nowMs: number): StatisticsSummary;
      /** The demo's sample month generated and computed in this page's WASM. */
      sampleSummary(scope: string, nowMs: number): Promise<StatisticsSummary>;
      dueWork(nowMs: number): DueWork;
      /** Whether the browser promised to keep this phone's storage (null until asked). */
      readonly storagePersisted: boolean | null;
    };
  }
}

registerSW({
  immediate: true,
  onNeedReload() {
    reloadWanted = true;
    if (screen.kind === "list") location.reload();
  },
});
void navigator.storage?.persist?.().catch(() => false);

/** This device's peer ID: random, kept for good. */
function peerId(): string {
  let id = localStorage.getItem(PEER);
  if (!id) {
    id = `phone-${crypto.randomUUID()}`;
    localStorage.setItem(PEER, id);
  }
  return id;
}

// ---- rendering ---------------------------------------------------------------------------

let renderTimer: ReturnType<typeof setTimeout> | null = null;
let indexStale = false;

/** After a sync batch: the list depends on the area index alone, so only its changes redraw it. */
function onSync(changed: Set<string>): void {
  scheduleRender(!session || area === null || changed.has(session.indexId));
}

/** Coalesces the redraws asked for by a burst of incoming frames (many per second while syncing). */
function scheduleRender(indexChanged: boolean): void {
  indexStale ||= indexChanged;
  if (renderTimer !== null) return;
  renderTimer = setTimeout(() => {
    renderTimer = null;
    if (indexStale && session) {
      area = session.replica.areaInfo();
      // The form is never redrawn from under the housekeeper's fingers.
      if (screen.kind !== "form") render();
    }
    indexStale = false;
    renderBadge();
  }, 100);
}

/** Whether the browser promised not to evict this phone's records (null until asked). */
let storagePersisted: boolean | null = null;

/** Asks the browser to keep the records even when the phone runs short of space. */
async function keepStorage(): Promise<void> {
  storagePersisted = (await navigator.storage?.persist?.().catch(() => false)) ?? false;
}

function renderBadge(): void {
  if (!session) return;
  const s = session.sync.status();
  const parts: HTMLElement[] = [el("span", { class: s.online ? "pill on" : "pill off" }, s.online ? "在线" : "离线")];
  if (s.pending > 0) parts.push(el("span", { class: "pill pending" }, `待上传 ${s.pending}`));
  if (s.refused.length > 0) {
    const reasons = s.refused.map((r) => r.reason).join("\n");
    parts.push(el("span", { class: "pill failed", title: reasons }, `被拒绝 ${s.refused.length}`));
  }
  if (s.missing > 0) {
    const progress = area ? `已下载 ${Math.max(0, area.entries - s.missing)} / ${area.entries}` : "正在下载片区目录";
    parts.push(el("span", { class: "pill syncing" }, `同步中 ${progress}`));
  }
  if (s.failure) parts.push(el("span", { class: "pill failed", title: s.failure }, "本机存储出错"));
  if (storagePersisted === false && s.pending > 0)
    parts.push(el("span", { class: "pill pending", id: "storage-warning", title: "浏览器在空间不足时可能清理本机资料，未上传的记录会随之丢失。请尽快联网上传。" }, "存储未受保护"));
  badge.replaceChildren(...parts);
}

function render(): void {
  renderBadge();
  if (screen.kind === "list") renderList();
  else if (screen.kind === "form") renderForm(screen.unit);
  else renderTab(screen);
}

/** The tabs above every screen but the form. */
function tabs(): HTMLElement {
  const tab = (label: string, next: Screen) => {
    const button = el("button", { type: "button", class: "tab", role: "tab" }, label);
    button.setAttribute("aria-selected", String(screen.kind === next.kind));
    button.onclick = () => go(next);
    return button;
  };
  return el("nav", { class: "tabs", role: "tablist" },
    tab("空置房", { kind: "list" }), tab("待办", { kind: "due" }), tab("统计", { kind: "stats", month: thisMonth() }));
}

/** The due-work and statistics screens, computed by the core from every record held. */
function renderTab(current: Extract<Screen, { kind: "due" | "stats" }>): void {
  if (!session) return;
  const { replica } = session;
  if (!replica.areaInfo()) return renderList();
  const body = current.kind === "due"
    ? renderDue(replica, Date.now())
    : renderStatistics(replica, current.month, Date.now(), (month) => go({ kind: "stats", month }));
  view.replaceChildren(tabs(), body);
}

function go(next: Screen): void {
  screen = next;
  if (next.kind === "list" && reloadWanted) {
    location.reload();
    return;
  }
  render();
  scrollTo(0, 0);
}

function renderList(): void {
  if (!session) return;
  const { replica, me } = session;
  area = replica.areaInfo();
  title.textContent = area ? `${area.name} · ${me.name}` : me.name;
  const change = el("button", { type: "button", class: "secondary" }, "退出登录");
  change.onclick = async () => {
    const warning = unsentWarning(session?.replica.pendingCount() ?? 0);
    if (warning && !confirm(warning)) return;
    await signOut();
    location.reload();
  };
  if (!area) {
    const hint = session.sync.online ? "正在下载片区资料…" : "本机还没有片区资料，请在有网络的地方打开一次。";
    view.replaceChildren(el("p", { class: "hint" }, hint), change);
    return;
  }
  const units = replica.vacantUnits(Date.now());
  const done = units.filter((u) => u.inspected).length;

  const filter = el("input", { type: "checkbox", id: "todo" });
  filter.checked = onlyTodo;
  filter.onchange = () => {
    onlyTodo = filter.checked;
    renderList();
  };
  const shown = units.filter((u) => !onlyTodo || !u.inspected);
  const list = el("ul", { class: "units" });
  for (const u of shown) {
    const item = el("button", { type: "button", class: "unit", "data-unit": u.id },
      el("span", { class: "code" }, u.code),
      el("span", { class: "status" }, u.statusLabel),
      el("span", { class: u.inspected ? "tag done" : "tag todo" }, u.inspected ? "本月已巡查" : "未巡查"));
    item.onclick = () => {
      notice = "";
      go({ kind: "form", unit: u });
    };
    list.append(el("li", {}, item));
  }
  const children: HTMLElement[] = [
    tabs(),
    el("section", { class: "summary" },
      el("div", {}, el("strong", { id: "done" }, `本月已巡查 ${done} / ${units.length}`), el("span", { class: "hint" }, " 套空置房")),
      el("label", { class: "toggle" }, filter, "只看未巡查")),
  ];
  if (notice) children.push(el("p", { class: "notice", role: "status" }, notice));
  if (shown.length === 0)
    children.push(el("p", { class: "hint" }, units.length === 0 ? "本片区没有空置房。" : "本月的空置房都已巡查。"));
  children.push(list, el("div", { class: "footer" }, change));
  view.replaceChildren(...children);
}

function renderForm(unit: VacantUnit): void {
  if (!session) return;
  const { replica, sync, me } = session;
  const points = CHECKLIST.map(([key, label]) =>
    el("fieldset", { class: "point" },
      el("legend", {}, label),
      el("label", { class: "choice" }, el("input", { type: "radio", name: key, value: "normal", checked: "" }), "正常"),
      el("label", { class: "choice bad" }, el("input", { type: "radio", name: key, value: "abnormal" }), "异常")));
  const error = el("p", { class: "error", id: "error", role: "alert" });
  const back = el("button", { type: "button", class: "secondary", id: "cancel" }, "返回");
  const save = el("button", { type: "submit", id: "save" }, "保存");
  const findings = el("textarea", { name: "findings", rows: "3", placeholder: "位置、情况、已联系的单位" });
  const findingsLabel = el("span", {}, "发现问题");
  // The core is the judge of what is valid; its refusal is shown in words, not a browser tooltip.
  const form = el("form", { class: "inspection", novalidate: "" },
    el("h2", {}, "空置房巡查 ", el("span", { class: "code" }, unit.code)),
    el("p", { class: "hint" }, `${unit.statusLabel} · ${unit.inspected ? "本月已巡查过，可再次记录" : "本月未巡查"}`),
    el("div", { class: "points" }, ...points),
    el("label", { class: "check" }, el("input", { type: "checkbox", name: "ventilated" }), "已开窗通风"),
    el("label", { class: "check" }, el("input", { type: "checkbox", name: "cleaningArranged" }), "已安排保洁"),
    el("label", { class: "check" }, el("input", { type: "checkbox", name: "special" }),
      el("span", {}, "特殊天气加查", el("small", {}, "连续降雨、大风等；另计一次加查，不代替本月例行巡查"))),
    el("label", { class: "field findings" }, findingsLabel, findings),
    el("label", { class: "field" }, el("span", {}, "备注"), el("textarea", { name: "notes", rows: "2" })),
    error,
    el("div", { class: "actions" }, back, save));

  const abnormal = () => CHECKLIST.some(([key]) => new FormData(form).get(key) === "abnormal");
  form.onchange = () => {
    const needed = abnormal();
    findingsLabel.textContent = needed ? "发现问题（有异常，必填）" : "发现问题";
    findings.setAttribute("aria-required", String(needed));
    form.classList.toggle("has-abnormal", needed);
  };
  back.onclick = () => go({ kind: "list" });
  form.onsubmit = (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const checklist = Object.fromEntries(
      CHECKLIST.map(([key]) => [key, data.get(key) === "abnormal" ? "abnormal" : "normal"]),
    ) as InspectionForm["checklist"];
    const input: InspectionForm = {
      occasion: data.get("special") !== null ? "special_weather" : "monthly",
      checklist,
      ventilated: data.get("ventilated") !== null,
      cleaningArranged: data.get("cleaningArranged") !== null,
      findings: String(data.get("findings") ?? "").trim(),
      notes: String(data.get("notes") ?? "").trim(),
    };
    try {
      replica.recordInspection(unit.id, input, me.id, Date.now());
    } catch (e) {
      const problem = problemOf(e);
      error.textContent = problemText(problem);
      error.dataset.code = problem.code;
      error.dataset.field = problem.field ?? "";
      if (problem.field === "findings") findings.focus();
      error.scrollIntoView({ block: "center" });
      return;
    }
    notice = `${unit.code} 正在保存…`;
    go({ kind: "list" });
    // Writes the new documents to IndexedDB, then offers them to the server; "已保存" is
    // said only once the write is durable.
    void sync.run().then((ok) => {
      if (!notice.startsWith(unit.code)) return;
      notice = ok
        ? `${unit.code} 已保存${sync.online ? "" : "，联网后自动上传"}`
        : `${unit.code} 未能写入本机存储，请勿关闭页面并联系管理员`;
      scheduleRender(true);
    });
  };
  view.replaceChildren(form);
}

// ---- who am I ----------------------------------------------------------------------------

function showLogin(): void {
  title.textContent = "片区管家 · 登录";
  badge.replaceChildren(el("span", { class: navigator.onLine ? "pill on" : "pill off" }, navigator.onLine ? "在线" : "离线"));
  // The directory is the signed-in user's view: fetch it before opening an area.
  view.replaceChildren(loginForm(() => void fetchDirectory().then(launch)));
}

/** The server refused the sync connection: a revoked device wipes itself, an expired
 * sign-in asks to sign in again (keeping the records, which may hold unsent work). */
async function refused(): Promise<void> {
  const state = await checkSession();
  if (state === "revoked") {
    await wipeDevice();
    location.reload();
  } else if (state === "signed-out") {
    // Expired: the records stay for their user to sign in again and send.
    expireSession();
    location.reload();
  }
}

let starting = false;

async function start(directory: Directory): Promise<void> {
  if (starting) return;
  const signed = currentSession();
  if (!signed) return showLogin();
  const place = directory.areas.find((a) => signed.areas.includes(a.id)) ?? directory.areas[0];
  if (!place) {
    view.replaceChildren(el("p", { class: "hint" }, "您的账号还没有可查看的片区，请联系管理员。"));
    return;
  }
  const me: Housekeeper = { id: signed.user, name: signed.name, areaId: place.id };
  starting = true;
  view.replaceChildren(el("p", { class: "hint" }, "正在打开本机资料…"));

  const [replica, store] = await Promise.all([openReplica(peerId(), place.indexUrl, signed.device), ChunkStore.open(place.indexUrl)]);
  for (const [docId, chunks] of await store.all()) replica.loadChunks(docId, chunks);
  const sync = new Sync(replica, store, syncUrl, onSync, () => void refused());
  session = { replica, sync, me, indexId: place.indexUrl.replace(/^automerge:/, "").split("#")[0] };
  window.__estate = {
    pendingCount: () => replica.pendingCount(),
    missingCount: () => replica.missingCount(),
    get online() {
      return sync.online;
    },
    stats: () => ({ ...sync.stats }),
    statisticsSummary: (month, nowMs) => replica.statistics(month, nowMs).summary,
    sampleSummary: (scope, nowMs) => sampleMonthSummary(scope, nowMs),
    dueWork: (nowMs) => replica.dueWork(nowMs),
    get storagePersisted() {
      return storagePersisted;
    },
  };
  void keepStorage().then(renderBadge);
  await sync.run();
  render();
  sync.connect();
}

/** Starts the app, saying so on screen if it cannot. */
function launch(): void {
  boot().catch((e: unknown) => {
    console.error(e);
    view.replaceChildren(el("p", { class: "error" }, `启动失败：${e instanceof Error ? e.message : String(e)}`));
  });
}

function unreachable(): void {
  const retry = el("button", { type: "button" }, "重试");
  retry.onclick = launch;
  badge.replaceChildren(el("span", { class: "pill off" }, "离线"));
  view.replaceChildren(el("p", { class: "hint" }, "无法连接服务器，本机也还没有资料。请联网后重试。"), retry);
  addEventListener("online", launch, { once: true });
}

async function boot(): Promise<void> {
  if (starting) return;
  if (!currentSession()) return showLogin();
  // Offline-first: a phone that has been here before starts from what it remembers and
  // refreshes the directory in the background.
  const cached = cachedDirectory();
  if (cached) {
    await start(cached);
    void fetchDirectory();
    return;
  }
  const directory = (await fetchDirectory()) ?? cached;
  if (directory) await start(directory);
  else unreachable();
}

launch();
