import { describe, expect, it } from "vitest";
import { mondayOf, recentWeeks, weekLabel } from "./weeks";

describe("weeks of the callback sample", () => {
  it("run Monday to Sunday", () => {
    expect(mondayOf("2026-12-06")).toBe("2026-11-30");
    expect(mondayOf("2026-11-30")).toBe("2026-11-30");
    expect(weekLabel("2026-11-30")).toBe("11月30日–12月6日");
  });
  it("are counted in Shanghai: Sunday 23:30 there is still that week", () => {
    const sundayNight = Date.parse("2026-12-06T23:30:00+08:00");
    expect(recentWeeks(sundayNight, 2).map((w) => w.value)).toEqual(["2026-11-30", "2026-11-23"]);
    expect(recentWeeks(sundayNight, 2)[1].label).toBe("11月23日–11月29日（上周）");
  });
});
