// The office list of synced inspections, read from the server's SQL projection.
import { loadDirectory, shanghaiTime } from "./directory";

interface Row {
  docId: string; unitCode: string; areaId: string; month: string; occasion: string;
  ventilated: boolean; cleaningArranged: boolean; abnormal: boolean; findings: string;
  inspector: string; inspectedAt: number; receivedAt: number;
}

const select = document.getElementById("area") as HTMLSelectElement;
const rows = document.getElementById("rows")!;
const count = document.getElementById("count")!;
const directory = await loadDirectory();
const names = new Map<string, string>();
for (const a of directory?.areas ?? []) {
  names.set(a.id, a.name);
  select.append(new Option(a.name, a.id));
}
const people = new Map((directory?.housekeepers ?? []).map((p) => [p.id, p.name]));
const yes = (b: boolean) => (b ? "是" : "否");

async function refresh(): Promise<void> {
  const query = select.value ? `?area=${encodeURIComponent(select.value)}` : "";
  const response = await fetch(`/api/inspections${query}`, { cache: "no-store" });
  if (!response.ok) {
    count.textContent = `读取失败（${response.status}）`;
    return;
  }
  const list = (await response.json()) as Row[];
  count.textContent = `共 ${list.length} 条`;
  if (list.length === 0) {
    const empty = document.createElement("td");
    empty.colSpan = 10;
    empty.className = "hint";
    empty.textContent = "暂无已同步的巡查记录";
    const tr = document.createElement("tr");
    tr.append(empty);
    rows.replaceChildren(tr);
    return;
  }
  rows.replaceChildren(...list.map((r) => {
    const tr = document.createElement("tr");
    for (const text of [r.unitCode, names.get(r.areaId) ?? r.areaId, r.month, yes(r.ventilated), yes(r.cleaningArranged),
      r.abnormal ? "异常" : "正常", r.findings, people.get(r.inspector) ?? r.inspector, shanghaiTime(r.inspectedAt), shanghaiTime(r.receivedAt)]) {
      const td = document.createElement("td");
      td.textContent = text;
      tr.append(td);
    }
    if (r.abnormal) tr.className = "abnormal";
    return tr;
  }));
}

select.onchange = () => void refresh();
document.getElementById("refresh")!.onclick = () => void refresh();
await refresh();
setInterval(() => void refresh(), 3000);
