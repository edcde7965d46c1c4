import { describe, expect, it } from "vitest";
import { blankIntake, ticketHeader, type IntakeForm } from "./intake";

const NOW = 1_800_000_000_000;
const header = (form: Partial<IntakeForm>) => ticketHeader({ ...blankIntake(), area: "A1", ...form }, "office-chen", NOW);

describe("a call as the ticket header", () => {
  it("a repair at a household, with the caller", () => {
    expect(
      header({ unit: { id: "U1", code: "3-2-1201" }, description: " 卫生间漏水 ", callerName: "王先生", callerPhone: "13800138000", leak: true }),
    ).toEqual({
      areaId: "A1", category: "repair", channel: "hotline",
      location: { type: "unit", unit: "U1", code: "3-2-1201" },
      description: "卫生间漏水", reporter: { name: "王先生", phone: "13800138000" },
      registeredAt: NOW, registeredBy: "office-chen",
      repair: { scope: "household", scale: "general", leak: true }, complaint: null, photos: [], source: null,
    });
  });
  it("a complaint about a public place names its problem from the description when no topic is given", () => {
    const h = header({ category: "complaint", where: "public", place: " 2栋大堂 ", description: "大堂灯坏了一周没人修，晚上很黑很危险，希望尽快处理", validity: "valid", business: "facilities" });
    expect(h.location).toEqual({ type: "public", place: "2栋大堂" });
    expect(h.complaint).toEqual({
      topic: "大堂灯坏了一周没人修，晚上很黑很危险，希", validity: "valid", severity: null, business: "facilities", againstHead: false,
    });
    expect(h.repair).toBeNull();
  });
  it("no caller given: no reporter", () => expect(header({ description: "x" }).reporter).toBeNull());
  it("no unit chosen: a unit location without one, for the core to refuse", () =>
    expect(header({}).location).toEqual({ type: "unit", unit: "", code: "" }));
});
