// Units of the area by code, from the index.
import type { Replica } from "./core";
import type { Problem } from "./problems";

/** The unit with this code, or the refusal to show at the field. */
export function unitByCode(replica: Replica, code: string, field = "unit"): { unit: string; code: string } | Problem {
  const wanted = code.trim();
  const found = replica.listRecords("unit").find((u) => u.code === wanted);
  return found
    ? { unit: found.id, code: found.code ?? wanted }
    : { code: "unknown-unit", field, message: `本片区没有房号 ${wanted || "（未填写）"}` };
}
