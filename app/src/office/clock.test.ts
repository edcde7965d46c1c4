import { describe, expect, it } from "vitest";
import type { Deadline } from "../rules";
import { countdown, duration, readDue, soonestClock } from "./clock";

const MIN = 60_000;
const NOW = Date.UTC(2026, 9, 15, 2, 0); // 10:00 in Shanghai

describe("a deadline read at now", () => {
  const check = (dueAt: number | null, expected: { text: string; overdue: boolean }) =>
    expect(readDue(dueAt, NOW)).toEqual(expected);

  it("says how long it has been overdue, in hours and minutes", () => {
    check(NOW - (2 * 60 + 5) * MIN, { text: "已超时 2 小时 5 分", overdue: true });
    check(NOW - 5 * MIN, { text: "已超时 5 分", overdue: true });
    check(NOW - 60 * MIN, { text: "已超时 1 小时 0 分", overdue: true });
  });
  it("counts days once a day has passed", () => {
    check(NOW - (26 * 60 + 30) * MIN, { text: "已超时 1 天 2 小时 30 分", overdue: true });
  });
  it("a deadline reached this very moment is overdue, never 'less than a minute left'", () => {
    check(NOW, { text: "已超时 1 分", overdue: true });
  });
  it("says what is left before it", () => {
    check(NOW + 90 * MIN, { text: "剩余 1 小时 30 分", overdue: false });
  });
  it("a record without a deadline shows a dash", () => {
    check(null, { text: "—", overdue: false });
  });
});

describe("the dispatch countdown", () => {
  it("reads minutes and seconds while time is left", () => {
    expect(countdown(NOW + 9 * MIN + 42_000, NOW)).toEqual({ text: "剩余 09:42", overdue: false });
    expect(countdown(NOW + 500, NOW)).toEqual({ text: "剩余 00:01", overdue: false });
  });
  it("reads as any overdue clock once past", () => {
    expect(countdown(NOW - 3 * MIN, NOW)).toEqual({ text: "已超时 3 分", overdue: true });
  });
});

describe("the clock a record works against", () => {
  const clock = (name: Deadline["clock"], standing: Deadline["standing"], dueAt: number | null = NOW): Deadline =>
    ({ clock: name, label: name, rule: "", dueAt, metAt: null, standing, agreed: false });
  it("is the open clock due first, overdue or not", () => {
    expect(soonestClock([clock("dispatch", "met_on_time", NOW - 9), clock("completion", "pending", NOW + 8 * 60 * MIN), clock("first_response", "pending", NOW + 59 * MIN)])?.clock).toBe("first_response");
    expect(soonestClock([clock("first_response", "pending", NOW + MIN), clock("same_day", "overdue", NOW - MIN)])?.clock).toBe("same_day");
  });
  it("is none when every clock is met or waiting", () => {
    expect(soonestClock([clock("dispatch", "met_on_time"), clock("callback", "waiting", null)])).toBeNull();
  });
});

describe("durations", () => {
  it("are whole minutes, at least one", () => {
    expect(duration(59_000)).toBe("1 分");
    expect(duration(2 * 24 * 60 * MIN)).toBe("2 天 0 小时 0 分");
  });
});
