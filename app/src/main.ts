// The housekeeper's phone app: pick who you are, see the area's vacant units, record
// inspections with or without signal.
import { CHECKLIST, openReplica, type InspectionForm, type Replica } from "./core";
import { loadDirectory, type Directory } from "./directory";
import { ChunkStore } from "./storage";
import { Sync } from "./sync";
import { registerSW } from "virtual:pwa-register";

registerSW({ immediate: true });
void navigator.storage?.persist?.();

const view = document.getElementById("view")!;
const badge = document.getElementById("sync")!;
const title = document.getElementById("title")!;
const ME = "estate.me";

function peerId(): string {
  let id = localStorage.getItem("estate.peer");
  if (!id) {
    id = `phone-${crypto.randomUUID()}`;
    localStorage.setItem("estate.peer", id);
  }
  return id;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

interface Session { replica: Replica; sync: Sync; me: Directory["housekeepers"][number] }
let session: Session | null = null;
let onlyTodo = false;
let screen: "list" | { unitId: string; code: string } = "list";

declare global {
  interface Window { __estate: { pendingCount(): number; missingCount(): number; online: boolean } }
}

function renderBadge(): void {
  if (!session) return;
  const s = session.sync.status();
  const parts = [s.online ? "在线" : "离线"];
  if (s.pending > 0) parts.push(`待上传 ${s.pending}`);
  if (s.missing > 0) parts.push(`同步中 · 待下载 ${s.missing}`);
  badge.textContent = parts.join(" · ");
  badge.className = `badge ${s.online ? "on" : "off"}`;
}

function render(): void {
  renderBadge();
  if (!session) return;
  if (screen === "list") renderList(session);
  else renderForm(session, screen.unitId, screen.code);
}

function renderList({ replica, me }: Session): void {
  const info = replica.areaInfo();
  title.textContent = info ? `${info.name} · ${me.name}` : me.name;
  if (!info) {
    view.replaceChildren(el("p", { class: "hint" }, "正在下载片区资料…（首次使用需联网）"));
    return;
  }
  const units = replica.vacantUnits(Date.now());
  const done = units.filter((u) => u.inspected).length;
  const toggle = el("label", { class: "toggle" }, el("input", { type: "checkbox", id: "todo" }), " 只看未巡查");
  const box = toggle.querySelector("input")!;
  box.checked = onlyTodo;
  box.onchange = () => { onlyTodo = box.checked; render(); };
  const list = el("ul", { class: "units" });
  for (const u of units.filter((u) => !onlyTodo || !u.inspected)) {
    const item = el("li", { "data-unit": u.id },
      el("span", { class: "code" }, u.code),
      el("span", { class: "status" }, u.statusLabel),
      el("span", { class: u.inspected ? "tag done" : "tag todo" }, u.inspected ? "本月已巡查" : "未巡查"));
    item.onclick = () => { screen = { unitId: u.id, code: u.code }; render(); };
    list.append(item);
  }
  const change = el("button", { class: "link" }, "切换身份");
  change.onclick = () => { localStorage.removeItem(ME); location.reload(); };
  view.replaceChildren(
    el("section", { class: "summary" }, el("strong", {}, `本月已巡查 ${done} / ${units.length}`), " 套空置房", toggle),
    list,
    change,
  );
}

function renderForm({ replica, sync, me }: Session, unitId: string, code: string): void {
  const rows = CHECKLIST.map(([key, label]) =>
    el("div", { class: "point" }, el("span", {}, label),
      el("label", {}, el("input", { type: "radio", name: key, value: "normal", checked: "" }), "正常"),
      el("label", {}, el("input", { type: "radio", name: key, value: "abnormal" }), "异常")));
  const form = el("form", { class: "inspection" },
    el("h2", {}, `空置房巡查 · ${code}`),
    ...rows,
    el("label", { class: "check" }, el("input", { type: "checkbox", name: "ventilated", checked: "" }), "已开窗通风"),
    el("label", { class: "check" }, el("input", { type: "checkbox", name: "cleaningArranged" }), "已安排保洁"),
    el("label", { class: "check" }, el("input", { type: "checkbox", name: "special" }), "特殊天气加查（连续降雨、大风）"),
    el("label", {}, "发现问题", el("textarea", { name: "findings", rows: "3" })),
    el("label", {}, "备注", el("textarea", { name: "notes", rows: "2" })),
    el("p", { class: "error", id: "error" }),
    el("div", { class: "actions" }, el("button", { type: "button", id: "cancel" }, "返回"), el("button", { type: "submit" }, "保存")));
  form.querySelector<HTMLButtonElement>("#cancel")!.onclick = () => { screen = "list"; render(); };
  form.onsubmit = (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const checklist = Object.fromEntries(CHECKLIST.map(([key]) => [key, data.get(key) === "abnormal" ? "abnormal" : "normal"]));
    const input: InspectionForm = {
      occasion: data.get("special") ? "special_weather" : "monthly",
      checklist: checklist as InspectionForm["checklist"],
      ventilated: data.get("ventilated") !== null,
      cleaningArranged: data.get("cleaningArranged") !== null,
      findings: String(data.get("findings") ?? ""),
      notes: String(data.get("notes") ?? ""),
    };
    try {
      replica.recordInspection(unitId, input, me.id, Date.now());
    } catch (e) {
      const message = String((e as Error).message ?? e);
      form.querySelector("#error")!.textContent = message.includes("findings") ? "有异常项时请填写发现问题" : `保存失败：${message}`;
      return;
    }
    screen = "list";
    void sync.run();
  };
  view.replaceChildren(form);
}

function pickHousekeeper(directory: Directory): void {
  title.textContent = `${directory.project} · 选择身份`;
  badge.textContent = navigator.onLine ? "在线" : "离线";
  const list = el("ul", { class: "people" });
  for (const person of directory.housekeepers) {
    const area = directory.areas.find((a) => a.id === person.areaId);
    const item = el("li", {}, el("strong", {}, person.name), el("span", {}, area?.name ?? person.areaId));
    item.onclick = () => { localStorage.setItem(ME, person.id); void start(directory); };
    list.append(item);
  }
  view.replaceChildren(el("h2", {}, "我是"), list);
}

async function start(directory: Directory): Promise<void> {
  const me = directory.housekeepers.find((p) => p.id === localStorage.getItem(ME));
  const area = me && directory.areas.find((a) => a.id === me.areaId);
  if (!me || !area) return pickHousekeeper(directory);
  const replica = await openReplica(peerId(), area.indexUrl);
  const store = await ChunkStore.open(area.indexUrl);
  for (const [docId, chunks] of await store.all()) replica.loadChunks(docId, chunks);
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const sync = new Sync(replica, store, `${scheme}://${location.host}/sync`, render);
  session = { replica, sync, me };
  window.__estate = {
    pendingCount: () => replica.pendingCount(),
    missingCount: () => replica.missingCount(),
    get online() { return sync.online; },
  };
  await sync.run();
  sync.connect();
}

const directory = await loadDirectory();
if (directory) await start(directory);
else view.replaceChildren(el("p", { class: "hint" }, "无法连接服务器，且本机没有资料。请联网后重试。"));
