import { describe, expect, it } from "vitest";
import { axisMonthLabels, halfYearLabel, monthLabel, monthsEnding, quarterLabel, quartersEnding, rateText } from "./months";

describe("months", () => {
  it("the six months ending with one, across a year's turn", () => {
    expect(monthsEnding("2027-02", 6)).toEqual(["2026-09", "2026-10", "2026-11", "2026-12", "2027-01", "2027-02"]);
    expect(monthsEnding("2026-10", 1)).toEqual(["2026-10"]);
  });
  it("read in Chinese", () => expect(monthLabel("2026-03")).toBe("2026年3月"));
  it("a visit round's half year", () => {
    expect(halfYearLabel("2026-H1")).toBe("2026年上半年");
    expect(halfYearLabel("2026-H2")).toBe("2026年下半年");
    expect(halfYearLabel("其他")).toBe("其他");
  });
  it("along an axis, the year where it starts", () => {
    expect(axisMonthLabels(["2026-11", "2026-12", "2027-01", "2027-02"])).toEqual(["2026年11月", "12月", "2027年1月", "2月"]);
  });
  it("rates from tenths of a percent", () => {
    expect(rateText(889)).toBe("88.9%");
    expect(rateText(1000)).toBe("100.0%");
    expect(rateText(null)).toBe("—");
  });
});

describe("quarters", () => {
  it("counts back across the years, latest first", () => {
    expect(quartersEnding("2026-12", 3)).toEqual(["2026-Q4", "2026-Q3", "2026-Q2"]);
    expect(quartersEnding("2027-02", 2)).toEqual(["2027-Q1", "2026-Q4"]);
    expect(quarterLabel("2026-Q4")).toBe("2026年第4季度");
  });
});
