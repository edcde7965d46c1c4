import { describe, expect, it } from "vitest";
import type { ListedRecord, RecordView } from "./api";
import { EMPTY_FILTER } from "./filters";
import { byUrgency, stillListed, updatedRow } from "./rows";
import type { Deadline } from "../rules";

const NOW = 1_800_000_000_000;
const row = (over: Partial<ListedRecord> = {}): ListedRecord => ({
  id: "t1", kind: "ticket", areaId: "A1", code: "1-1-101", status: "dispatched", unit: null, month: "2026-10",
  date: null, category: "repair", title: "漏水", dueAt: NOW + 1000, overdue: false, createdAt: 1, receivedAt: 1, dueAgreed: false, waitingOn: [], ...over,
});
const clock = (dueAt: number | null, standing: Deadline["standing"]): Deadline =>
  ({ clock: "completion", label: "维修完成", rule: "", dueAt, metAt: null, standing, agreed: false });
const ticketView = (status: string, assignee: string | null, clocks: Deadline[]) =>
  ({ kind: "ticket", state: { status, assignee }, clocks, offers: [], areaId: "A1" }) as unknown as RecordView;

describe("a row brought up to date from its record", () => {
  it("takes the status, who has it and the earliest open deadline", () => {
    const view = ticketView("in_progress", "hk-li", [clock(NOW - 10, "met_late"), clock(NOW - 5, "overdue"), clock(NOW + 50, "pending"), clock(null, "waiting")]);
    expect(updatedRow(row(), view, NOW)).toMatchObject({ status: "in_progress", assignee: "hk-li", dueAt: NOW - 5, overdue: true });
    expect(updatedRow(row(), view, NOW).waitingOn).toEqual(["completion", "completion", "completion"]);
  });
  it("has no deadline once every clock is met", () => {
    expect(updatedRow(row(), ticketView("closed", "hk-li", [clock(NOW, "met_on_time")]), NOW)).toMatchObject({ dueAt: null, overdue: false });
  });
});

describe("whether a list still wants a row", () => {
  it("a board of open statuses lets a closed ticket go", () => {
    const open = ["registered", "dispatched", "completed"];
    expect(stillListed(row({ status: "closed" }), EMPTY_FILTER, open)).toBe(false);
    expect(stillListed(row({ status: "completed" }), EMPTY_FILTER, open)).toBe(true);
  });
  it("a filtered status, or overdue only, keeps only those", () => {
    expect(stillListed(row({ status: "called_back" }), { ...EMPTY_FILTER, status: "completed" }, [])).toBe(false);
    expect(stillListed(row({ overdue: false }), { ...EMPTY_FILTER, overdue: true }, [])).toBe(false);
  });
  it("a list of records owing a clock lets one go once it is met", () => {
    const owing = { ...EMPTY_FILTER, clock: "callback" };
    expect(stillListed(row({ status: "closed", waitingOn: ["callback"] }), owing, ["completed", "closed"])).toBe(true);
    expect(stillListed(row({ status: "closed", waitingOn: [] }), owing, ["completed", "closed"])).toBe(false);
  });
});

describe("urgency", () => {
  it("puts the longest overdue first and rows without a deadline last, newest first", () => {
    const rows = [row({ id: "none-old", dueAt: null, createdAt: 1 }), row({ id: "soon", dueAt: NOW + 5 }), row({ id: "late", dueAt: NOW - 100 }), row({ id: "none-new", dueAt: null, createdAt: 9 })];
    expect(rows.sort(byUrgency).map((r) => r.id)).toEqual(["late", "soon", "none-new", "none-old"]);
  });
});
