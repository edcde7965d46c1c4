import { describe, expect, it } from "vitest";
import type { HistoryEntry } from "./api";
import { creation, receivedBy, type EventRef } from "./journal";

const entry = (receivedAt: number, device: string, summary: string): HistoryEntry =>
  ({ receivedAt, user: "u", userName: null, device, deviceName: null, summary, changes: [] });
const event = (id: string, type: string, device: string): EventRef => ({ id, type, device });

describe("events matched to the server's receive times", () => {
  it("follows each device's batches in journal order", () => {
    const events = [event("a-1", "dispatch", "aaaa"), event("b-1", "start", "bbbb"), event("b-2", "complete", "bbbb"), event("a-2", "callback", "aaaa")];
    const history = [entry(1, "aaaa", "created, dispatch"), entry(2, "bbbb", "start, complete"), entry(3, "aaaa", "callback")];
    const times = receivedBy(events, history);
    expect(Object.fromEntries([...times].map(([id, h]) => [id, h.receivedAt]))).toEqual({ "a-1": 1, "b-1": 2, "b-2": 2, "a-2": 3 });
  });
  it("matches an event's actor to the device that begins it", () => {
    const times = receivedBy([event("x", "note", "0123456789abcdefdeadbeef")], [entry(7, "0123456789abcdef", "note")]);
    expect(times.get("x")?.receivedAt).toBe(7);
  });
  it("leaves an event the server never saw unmatched", () => {
    const times = receivedBy([event("a-1", "note", "aaaa"), event("a-2", "note", "aaaa")], [entry(1, "aaaa", "note")]);
    expect([...times.keys()]).toEqual(["a-1"]);
  });
  it("finds the batch that created the record", () => {
    expect(creation([entry(1, "aaaa", "dispatch"), entry(2, "bbbb", "created")])?.receivedAt).toBe(2);
  });
});
