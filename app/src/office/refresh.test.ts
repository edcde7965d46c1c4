import { describe, expect, it } from "vitest";
import type { ChangedDocument } from "./api";
import { mergePlans, planRefresh, type ListScope, type RefreshPlan } from "./refresh";

const doc = (id: string, kind = "ticket", areaId: string | null = "A1", status: string | null = null): ChangedDocument =>
  ({ id, kind, areaId, status });

describe("a changed event on a list", () => {
  const check = (documents: ChangedDocument[], scope: Partial<ListScope>, expected: RefreshPlan) =>
    expect(planRefresh(documents, { shown: new Set(), ...scope })).toEqual(expected);

  it("re-reads a row on screen, once however often it is named", () => {
    check([doc("t1"), doc("t1")], { kind: "ticket", shown: new Set(["t1", "t2"]) }, { rows: ["t1"], reload: false });
  });
  it("re-reads the list for a record of its kind not on screen (a new ticket)", () => {
    check([doc("t9")], { kind: "ticket", shown: new Set(["t1"]) }, { rows: [], reload: true });
  });
  it("ignores other kinds and other areas", () => {
    check([doc("u1", "unit"), doc("t5", "ticket", "A2")], { kind: "ticket", area: "A1", shown: new Set(["t1"]) }, { rows: [], reload: false });
  });
  it("a list of every kind and area takes anything", () => {
    check([doc("u1", "unit", "A2"), doc("t1")], { shown: new Set(["t1"]) }, { rows: ["t1"], reload: true });
  });
  it("a document whose kind or area is not said is assumed to concern the list", () => {
    check([doc("t1", "", null), doc("x", "", null)], { kind: "ticket", area: "A1", shown: new Set(["t1"]) }, { rows: ["t1"], reload: true });
  });
  it("a record not on screen in a status the list does not show is none of its business", () => {
    const open = ["registered", "dispatched"];
    check([doc("t9", "ticket", "A1", "closed")], { kind: "ticket", statuses: open }, { rows: [], reload: false });
    check([doc("t9", "ticket", "A1", "registered")], { kind: "ticket", statuses: open }, { rows: [], reload: true });
  });
  it("a row on screen whose status leaves the list is re-read (and so leaves it)", () => {
    check([doc("t1", "ticket", "A1", "closed")], { kind: "ticket", statuses: ["dispatched"], shown: new Set(["t1"]) }, { rows: ["t1"], reload: false });
  });
  it("an event naming nothing changes nothing", () => {
    check([], { kind: "ticket" }, { rows: [], reload: false });
  });
});

describe("plans gathered over a moment", () => {
  it("become one: rows once each, a reload if any asked", () => {
    expect(mergePlans({ rows: ["a", "b"], reload: false }, { rows: ["b", "c"], reload: true })).toEqual({ rows: ["a", "b", "c"], reload: true });
  });
});
