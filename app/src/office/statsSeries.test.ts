import { describe, expect, it } from "vitest";
import type { MonthlyStatistics } from "../rules";
import { categoryCounts, indicatorRates, scopeOf } from "./statsSeries";

const month = (rate: number | null, repairs: number, complaints: number): MonthlyStatistics =>
  ({
    indicators: [
      { key: "complaint_response", label: "投诉类·响应及时率", group: "投诉类", measure: "响应及时率", formula: "", target: "95%", targetPercent: 95,
        numerator: 0, denominator: 0, permille: rate === null ? null : Math.round(rate * 1000), rate, met: null },
    ],
    categories: [
      { category: "complaint", label: "投诉", received: complaints, closed: 0 },
      { category: "repair", label: "报修", received: repairs, closed: 0 },
      { category: "praise", label: "表扬", received: 0, closed: 0 },
    ],
  }) as unknown as MonthlyStatistics;

describe("month-over-month figures", () => {
  it("an indicator's rate in percent, with gaps where there was nothing to count or no month", () => {
    expect(indicatorRates([month(0.5, 0, 0), month(null, 0, 0), null, month(1, 0, 0)], "complaint_response")).toEqual([50, null, null, 100]);
  });
  it("an indicator is found by its key, not by its words", () => {
    expect(indicatorRates([month(0.5, 0, 0)], "repair_response")).toEqual([null]);
  });
  it("categories received in any month, counted in each", () => {
    expect(categoryCounts([month(null, 3, 0), null, month(null, 1, 2)])).toEqual({
      categories: [{ category: "complaint", label: "投诉" }, { category: "repair", label: "报修" }],
      received: [[0, 3], [null, null], [2, 1]],
    });
  });
});

describe("the statistics' scope", () => {
  it("an area, a project, or the company", () => {
    expect(scopeOf("area:A1")).toEqual({ area: "A1" });
    expect(scopeOf("project:P1")).toEqual({ project: "P1" });
    expect(scopeOf("company")).toEqual({});
    expect(scopeOf("area:")).toEqual({});
  });
});
