import { describe, expect, it } from "vitest";
import type { Satisfaction } from "../records";
import { callbackSteps } from "./callback";

describe("what a callback leads to", () => {
  const check = (satisfaction: Satisfaction, resolved: boolean, assignee: string | null, expected: string[]) =>
    expect(callbackSteps({ satisfaction, resolved, note: "" }, assignee).map((s) => s.type)).toEqual(expected);

  it("a satisfied customer whose problem is solved: the callback alone", () => {
    for (const s of ["very_satisfied", "satisfied", "fairly_satisfied"] as const) check(s, true, "hk-zhang", ["callback"]);
  });
  it("unsatisfied, or the problem remains: back to the housekeeper who had it", () => {
    check("unsatisfied", true, "hk-zhang", ["callback", "reopen", "dispatch"]);
    check("satisfied", false, "hk-zhang", ["callback", "reopen", "dispatch"]);
  });
  it("with nobody to send it back to, reopened only", () => check("unsatisfied", false, null, ["callback", "reopen"]));
  it("dispatches to the previous assignee and carries the note", () => {
    const steps = callbackSteps({ satisfaction: "unsatisfied", resolved: false, note: " 仍漏水 " }, "hk-li");
    expect(steps[0]).toEqual({ type: "callback", satisfaction: "unsatisfied", resolved: false, note: "仍漏水" });
    expect(steps[2]).toEqual({ type: "dispatch", to: "hk-li" });
  });
});
