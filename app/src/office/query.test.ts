import { describe, expect, it } from "vitest";
import { askedMonth, askedWeek, queryText } from "./query";

describe("what the address asks for", () => {
  it("takes a well-formed month, adding an older one to the choices", () => {
    const months = ["2026-12", "2026-11"];
    expect(askedMonth(months, "2026-03", "2026-12")).toBe("2026-03");
    expect(months).toEqual(["2026-12", "2026-11", "2026-03"]);
    expect(askedMonth(months, "3月", "2026-12")).toBe("2026-12");
  });
  it("takes a week only by its Monday", () => {
    const weeks = [{ value: "2026-11-30", label: "" }];
    expect(askedWeek(weeks, "2026-12-02", "2026-11-30")).toBe("2026-11-30");
    expect(askedWeek(weeks, "2026-10-05", "2026-11-30")).toBe("2026-10-05");
    expect(weeks.map((w) => w.value)).toEqual(["2026-11-30", "2026-10-05"]);
  });
  it("reads a parameter given twice as none", () => {
    expect(queryText(["a", "b"])).toBe("");
    expect(queryText("P1")).toBe("P1");
  });
});
