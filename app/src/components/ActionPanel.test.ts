// An action's form: it starts from what the core tried the action with, asks for what the
// action cannot do without before the core is asked, and hands the core the values in the
// shape it reads.
import { mount } from "@vue/test-utils";
import { createPinia, setActivePinia } from "pinia";
import { beforeEach, expect, test, vi } from "vitest";
import { useField } from "../stores/field";
import ActionPanel from "./ActionPanel.vue";

beforeEach(() => setActivePinia(createPinia()));

/** The panel's confirm button (the last button). */
const confirm = (panel: ReturnType<typeof mount>) => panel.findAll("button").at(-1)!.trigger("click");

test("a callback starts at the core's tried values and is handed over as the core reads it", async () => {
  const field = useField();
  const act = vi.spyOn(field, "act").mockReturnValue("e-1");
  vi.spyOn(field, "saved").mockImplementation(() => {});
  const panel = mount(ActionPanel, {
    props: { docId: "doc", kind: "ticket", offer: { type: "callback", satisfaction: "satisfied", resolved: true } },
  });
  expect(panel.text()).toContain("满意度");
  expect(panel.text()).toContain("很满意");
  await confirm(panel);
  expect(act).toHaveBeenCalledWith("doc", expect.objectContaining({ type: "callback", satisfaction: "satisfied", resolved: true }));
  expect(panel.emitted("done")).toEqual([["e-1"]]);
});

test("an input the action cannot do without is asked for, and the core is not asked", async () => {
  const field = useField();
  const act = vi.spyOn(field, "act");
  const panel = mount(ActionPanel, { props: { docId: "doc", kind: "renovation", offer: { type: "permit", number: "…" } } });
  await confirm(panel);
  expect(act).not.toHaveBeenCalled();
  const error = panel.get("#error");
  expect(error.attributes("data-field")).toBe("number");
  expect(error.text()).toBe("请填写许可证编号");
  // Filling it in clears the refusal.
  await panel.get("input[name=number]").setValue("ZX-1");
  expect(panel.get("#error").text()).toBe("");
});

test("a refusal from the core is shown with its code, and nothing is said to be saved", async () => {
  const field = useField();
  vi.spyOn(field, "act").mockImplementation(() => {
    throw Object.assign(new Error("家政报修完成须由业主签字"), { code: "refused" });
  });
  const saved = vi.spyOn(field, "saved");
  const panel = mount(ActionPanel, { props: { docId: "doc", kind: "ticket", offer: { type: "complete", signature: "0".repeat(64) } } });
  await confirm(panel);
  expect(panel.get("#error").attributes("data-code")).toBe("refused");
  expect(panel.get("#error").text()).toBe("家政报修完成须由业主签字");
  expect(saved).not.toHaveBeenCalled();
  expect(panel.emitted("done")).toBeUndefined();
});
