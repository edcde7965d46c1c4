// The inspection form: its points are the core's, and a refusal from the core is shown at
// the field it concerns, by its code and field — nothing is saved and nothing navigates.
import { mount } from "@vue/test-utils";
import { createPinia, setActivePinia } from "pinia";
import { beforeEach, expect, test, vi } from "vitest";
import type { Replica } from "../core";
import { useField } from "../stores/field";
import InspectionForm from "./InspectionForm.vue";

const back = vi.fn();
vi.mock("vue-router", () => ({ useRouter: () => ({ back }) }));

/** A replica whose core refuses what the real one refuses for an abnormal point with no findings. */
function replica(record: (form: { checklist: Record<string, string>; findings: string }) => string): Replica {
  return {
    vacantUnits: () => [{ id: "unit-1", code: "1-101", status: "entrusted_vacant", statusLabel: "托管空置", inspected: false }],
    recordInspection: (_unit: string, form: { checklist: Record<string, string>; findings: string }) => record(form),
  } as unknown as Replica;
}

function refusal(): never {
  throw Object.assign(new Error("有异常项时请写明发现的问题"), { code: "invalid", field: "findings" });
}

beforeEach(() => {
  setActivePinia(createPinia());
  back.mockClear();
});

test("lists the core's eight points in its order and words", () => {
  useField().replica = replica(() => "doc");
  const form = mount(InspectionForm, { props: { unit: "unit-1" } });
  const points = form.findAll("[data-point]").map((p) => p.attributes("data-point"));
  expect(points).toEqual(["doorsWindows", "leaks", "pipes", "power", "wallsCeilings", "mould", "pests", "smell"]);
  expect(form.text()).toContain("渗漏");
  expect(form.text()).toContain("1-101");
});

test("a refusal is shown at its field with its code, and nothing is saved", async () => {
  const field = useField();
  field.replica = replica(refusal);
  field.me = { id: "hk-zhang", name: "张敏", areaId: "A1" };
  const saved = vi.spyOn(field, "saved");
  const form = mount(InspectionForm, { props: { unit: "unit-1" } });
  await form.findAll("button").at(-1)!.trigger("click");
  const error = form.get("#error");
  expect(error.attributes("data-code")).toBe("invalid");
  expect(error.attributes("data-field")).toBe("findings");
  expect(form.find(".van-field__error-message").text()).toBe("有异常项时请写明发现的问题");
  expect(saved).not.toHaveBeenCalled();
  expect(back).not.toHaveBeenCalled();
});

test("an accepted inspection is saved and the form closes", async () => {
  const field = useField();
  const seen: { checklist: Record<string, string> }[] = [];
  field.replica = replica((form) => {
    seen.push(form);
    return "doc";
  });
  field.me = { id: "hk-zhang", name: "张敏", areaId: "A1" };
  const saved = vi.spyOn(field, "saved").mockImplementation(() => {});
  const form = mount(InspectionForm, { props: { unit: "unit-1" } });
  await form.findAll("button").at(-1)!.trigger("click");
  expect(seen[0].checklist.leaks).toBe("normal");
  expect(saved).toHaveBeenCalledWith("1-101");
  expect(back).toHaveBeenCalled();
});
