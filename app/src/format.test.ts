import { describe, expect, it } from "vitest";
import { clockText, shanghaiMillis } from "./format";
import type { Deadline } from "./rules";

const HOUR = 3_600_000;
const due = Date.parse("2026-11-04T10:00:00+08:00");
const completion = (standing: Deadline["standing"], agreed: boolean): Deadline =>
  ({ clock: "completion", label: "维修完成", rule: "", dueAt: due, metAt: null, standing, agreed });

describe("a time typed in the estates' zone", () => {
  it("reads as Shanghai time whatever the device's zone", () => {
    expect(shanghaiMillis("2026-11-04T10:00")).toBe(due);
  });
  it("is nothing when it is not a date and time", () => {
    expect(shanghaiMillis("")).toBeNull();
    expect(shanghaiMillis("2026-11-04")).toBeNull();
    expect(shanghaiMillis("2026-13-40T99:00")).toBeNull();
  });
});

describe("a clock agreed with the owner", () => {
  it("says so, apart from one simply forgotten", () => {
    expect(clockText(completion("pending", true), due - 2 * HOUR)).toMatch(/^与业主约定 .* 前（还剩 2 小时）$/);
    expect(clockText(completion("overdue", true), due + 3 * HOUR)).toBe("超过与业主约定的时间 3 小时");
    expect(clockText(completion("overdue", false), due + 3 * HOUR)).toBe("已超时 3 小时");
  });
});
