// The office list of synced inspections, read from the server's SQL projection: only
// the areas the signed-in user may see.
import { fetchDirectory, loadDirectory, shanghaiTime } from "./directory";
import { el } from "./dom";
import { loginForm } from "./loginForm";
import { authHeaders, currentSession } from "./session";

interface Row {
  docId: string;
  unitCode: string;
  areaId: string;
  month: string;
  occasion: "monthly" | "special_weather";
  ventilated: boolean;
  cleaningArranged: boolean;
  abnormal: boolean;
  findings: string;
  notes: string;
  inspector: string;
  inspectedAt: number;
  receivedAt: number;
}

const COLUMNS = 11;
const REFRESH_MS = 3000;

if (!currentSession()) {
  // Sign in first, then load the page again as the signed-in user.
  document.querySelector("main")!.replaceChildren(loginForm(() => void fetchDirectory().then(() => location.reload())));
  await new Promise(() => {});
}

const select = document.getElementById("area") as HTMLSelectElement;
const rows = document.getElementById("rows")!;
const count = document.getElementById("count")!;
const directory = await loadDirectory();
const areas = new Map((directory?.areas ?? []).map((a) => [a.id, a.name]));
const people = new Map((directory?.housekeepers ?? []).map((p) => [p.id, p.name]));
for (const [id, name] of areas) select.append(new Option(name, id));
const yes = (b: boolean) => (b ? "是" : "否");

function message(text: string): HTMLTableRowElement {
  return el("tr", {}, Object.assign(el("td", { class: "hint" }, text), { colSpan: COLUMNS }));
}

let busy = false;
/** A refresh asked for while one was under way (e.g. the area changed): run once more after it. */
let again = false;

async function refresh(): Promise<void> {
  if (busy) {
    again = true;
    return;
  }
  busy = true;
  try {
    const query = select.value ? `?area=${encodeURIComponent(select.value)}` : "";
    const response = await fetch(`/api/inspections${query}`, {
      headers: authHeaders(),
      cache: "no-store",
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) {
      count.textContent = `读取失败（${response.status}）`;
      return;
    }
    const list = (await response.json()) as Row[];
    count.textContent = `共 ${list.length} 条 · 更新于 ${shanghaiTime(Date.now())}`;
    if (list.length === 0) {
      rows.replaceChildren(message("暂无已同步的巡查记录"));
      return;
    }
    rows.replaceChildren(
      ...list.map((r) => {
        const cells = [
          r.unitCode,
          areas.get(r.areaId) ?? r.areaId,
          r.occasion === "special_weather" ? `${r.month} 加查` : r.month,
          yes(r.ventilated),
          yes(r.cleaningArranged),
          r.abnormal ? "异常" : "正常",
          r.findings,
          r.notes,
          people.get(r.inspector) ?? r.inspector,
          shanghaiTime(r.inspectedAt),
          shanghaiTime(r.receivedAt),
        ];
        return el("tr", { class: r.abnormal ? "abnormal" : "", "data-doc": r.docId }, ...cells.map((c) => el("td", {}, c)));
      }),
    );
  } catch {
    count.textContent = "无法连接服务器，稍后自动重试";
  } finally {
    busy = false;
    if (again) {
      again = false;
      void refresh();
    }
  }
}

select.onchange = () => void refresh();
document.getElementById("refresh")!.onclick = () => void refresh();
await refresh();
setInterval(() => void refresh(), REFRESH_MS);
