import { describe, expect, it } from "vitest";
import { queryString } from "./api";
import { EMPTY_FILTER, filterFromRoute, filterQuery, filterToRoute, type RecordFilter } from "./filters";

const filter = (f: Partial<RecordFilter>): RecordFilter => ({ ...EMPTY_FILTER, ...f });

describe("filters to the server's query string", () => {
  const check = (f: Partial<RecordFilter>, expected: string) => expect(queryString({ ...filterQuery(filter(f)) })).toBe(expected);

  it("leaves empty choices out", () => check({}, ""));
  it("asks for overdue records only when the box is ticked", () => {
    check({ overdue: false, kind: "ticket" }, "?kind=ticket");
    check({ overdue: true }, "?overdue=true");
  });
  it("passes every chosen filter", () =>
    check({ kind: "ticket", area: "A1", category: "repair", status: "completed", month: "2026-10" },
      "?kind=ticket&area=A1&category=repair&status=completed&month=2026-10"));
  it("the clock a record still waits on", () => check({ kind: "ticket", clock: "callback" }, "?kind=ticket&clock=callback"));
  it("a category only for tickets (other kinds have none)", () => check({ kind: "unit", category: "repair" }, "?kind=unit"));
  it("a month only when it is one", () => check({ month: "2026-13" }, ""));
  it("escapes what it passes", () => check({ area: "一区 A&B" }, "?area=%E4%B8%80%E5%8C%BA+A%26B"));
});

describe("filters in the page's address", () => {
  it("round-trip, keeping only what differs from the defaults", () => {
    const defaults = { kind: "ticket" };
    const f = filter({ kind: "ticket", area: "A2", month: "2026-10", overdue: true, clock: "contact_record" });
    const route = filterToRoute(f, defaults);
    expect(route).toEqual({ area: "A2", month: "2026-10", overdue: "1", clock: "contact_record" });
    expect(filterFromRoute(route, defaults)).toEqual(f);
  });
  it("read a malformed month as none, and the first of repeated values", () => {
    expect(filterFromRoute({ month: "soon", area: ["A1", "A2"] })).toEqual(filter({ area: "A1" }));
  });
  it("let the address clear a default", () => {
    const defaults = { month: "2026-10" };
    expect(filterFromRoute(filterToRoute(filter({}), defaults), defaults)).toEqual(filter({}));
  });
});
