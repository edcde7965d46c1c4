import { describe, expect, it } from "vitest";
import { ApiProblem, filenameFrom, parseChanged, problemFrom, queryString } from "./api";

describe("the query string", () => {
  it("leaves out empty, null and undefined, keeps false and zero", () => {
    expect(queryString({ a: "", b: null, c: undefined, dryRun: false, n: 0 })).toBe("?dryRun=false&n=0");
    expect(queryString({})).toBe("");
  });
});

describe("a refusal from the server", () => {
  const check = (status: number, body: unknown, expected: { code: string; field?: string; message: string }) => {
    const p = problemFrom(status, body);
    expect(p).toBeInstanceOf(ApiProblem);
    expect({ code: p.code, field: p.field, message: p.message }).toEqual({ field: undefined, ...expected });
  };
  it("reads the core's Problem", () =>
    check(400, { code: "invalid", field: "description", message: "请填写问题描述" }, { code: "invalid", field: "description", message: "请填写问题描述" }));
  it("reads the older {error} body", () => check(404, { error: "记录不存在" }, { code: "not-found", message: "记录不存在" }));
  it("says something even with no body", () => check(502, null, { code: "server", message: "服务器出错（502），请稍后再试" }));
});

describe("a download's file name", () => {
  const check = (header: string | null, expected: string) => expect(filenameFrom(header, "默认.xlsx")).toBe(expected);
  it("prefers the UTF-8 name", () =>
    check(`attachment; filename="stats.xlsx"; filename*=UTF-8''%E6%9C%88%E5%BA%A6%E7%BB%9F%E8%AE%A1.xlsx`, "月度统计.xlsx"));
  it("takes a plain name, quoted or not", () => {
    check('attachment; filename="records-2026-10.xlsx"', "records-2026-10.xlsx");
    check("attachment; filename=records.xlsx", "records.xlsx");
  });
  it("falls back without one", () => {
    check(null, "默认.xlsx");
    check("attachment", "默认.xlsx");
  });
});

describe("a changed event's data", () => {
  it("names its documents", () =>
    expect(parseChanged('{"documents":[{"id":"t1","kind":"ticket","areaId":"A1","status":"dispatched"},{"id":"p1","kind":"project"}]}')).toEqual([
      { id: "t1", kind: "ticket", areaId: "A1", status: "dispatched" },
      { id: "p1", kind: "project", areaId: null, status: null },
    ]));
  it("names none when unreadable", () => {
    expect(parseChanged("not json")).toEqual([]);
    expect(parseChanged('{"documents":"t1"}')).toEqual([]);
    expect(parseChanged('{"documents":[{"kind":"ticket"}]}')).toEqual([]);
  });
});
