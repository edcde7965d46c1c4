// The conflict between two phones as a person sees it: the core's reason, each phone's
// action with who and when, and one tap that settles it — a `resolve` naming both events.
import { mount } from "@vue/test-utils";
import { createPinia, setActivePinia } from "pinia";
import { beforeEach, expect, test, vi } from "vitest";
import type { Flag, JournalEvent } from "../records";
import { useField } from "../stores/field";
import ConflictCard from "./ConflictCard.vue";

const event = (id: string, type: string, by: string, at: number): JournalEvent<{ type: string }> =>
  ({ id, device: id.split("-")[0], seq: 1, at, by, role: "housekeeper", type }) as JournalEvent<{ type: string }>;

const flag: Flag = { events: ["aaaa-1", "bbbb-1"], reason: "同一时间在不同手机上做了不同处理", concurrent: true, resolvedBy: null };
const events = [event("aaaa-1", "complete", "hk-zhang", 1_790_000_000_000), event("bbbb-1", "dispatch", "hk-li", 1_790_000_060_000)];

beforeEach(() => setActivePinia(createPinia()));

test("shows both phones' actions in Chinese with who did them, and the reason", () => {
  const field = useField();
  field.directory = { project: "P1", areas: [], housekeepers: [{ id: "hk-zhang", name: "张敏", areaId: "A1" }] };
  const card = mount(ConflictCard, { props: { docId: "doc", kind: "ticket", flag, events } });
  const text = card.text();
  expect(text).toContain("两台手机的处理不一致");
  expect(text).toContain("同一时间在不同手机上做了不同处理");
  expect(text).toContain("完成");
  expect(text).toContain("派工");
  expect(text).toContain("张敏");
  expect(text).toContain("hk-li");
});

test("settling it records a resolve of exactly the flagged events", async () => {
  const field = useField();
  const act = vi.spyOn(field, "act").mockReturnValue("cccc-1");
  const saved = vi.spyOn(field, "saved").mockImplementation(() => {});
  const card = mount(ConflictCard, { props: { docId: "doc", kind: "ticket", flag, events } });
  await card.get("button").trigger("click");
  expect(act).toHaveBeenCalledWith("doc", expect.objectContaining({ type: "resolve", events: ["aaaa-1", "bbbb-1"] }));
  expect(saved).toHaveBeenCalled();
});
