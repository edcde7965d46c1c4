import { describe, expect, it } from "vitest";
import { monthLabel, monthsEnding, rateText } from "./months";

describe("months", () => {
  it("the six months ending with one, across a year's turn", () => {
    expect(monthsEnding("2027-02", 6)).toEqual(["2026-09", "2026-10", "2026-11", "2026-12", "2027-01", "2027-02"]);
    expect(monthsEnding("2026-10", 1)).toEqual(["2026-10"]);
  });
  it("read in Chinese", () => expect(monthLabel("2026-03")).toBe("2026年3月"));
  it("rates from tenths of a percent", () => {
    expect(rateText(889)).toBe("88.9%");
    expect(rateText(1000)).toBe("100.0%");
    expect(rateText(null)).toBe("—");
  });
});
