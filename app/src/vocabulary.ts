// The core's closed choice sets with their Chinese labels (categories, channels, checklist
// points, satisfaction levels, action names…): read once from the WASM core, so no label or
// checklist has a second copy here.
import { vocabulary as read } from "./wasm/estate_wasm.js";

export interface Choice { value: string; label: string }
type Lists<K extends string> = Record<K, Choice[]>;

export interface Vocabulary {
  kinds: Choice[];
  ticket: Lists<"category" | "channel" | "repairScope" | "repairScale" | "validity" | "severity" | "satisfaction" | "contactWay" | "businessType" | "referee" | "escalation" | "status">;
  inspection: Lists<"checklist" | "occasion" | "condition">;
  patrol: Lists<"point" | "status">;
  renovation: Lists<"checks" | "acceptance" | "status">;
  visit: Lists<"method">;
  fees: Lists<"contactMethod" | "status" | "planStatus">;
  rectification: Lists<"status">;
  duty: Lists<"shift" | "status">;
  meeting: Lists<"answer" | "reminder" | "heading" | "status">;
  engagement: Lists<"occasion" | "host" | "status">;
  survey: Lists<"rating" | "items" | "status">;
  weather: Lists<"weather" | "status">;
  unit: Lists<"status">;
  keys: Lists<"status">;
  clock: Choice[];
  /** Why a ticket is a major customer event. */
  majorReason: Choice[];
  standing: Choice[];
  roles: Choice[];
  /** Action names by record kind, and `common` (note, resolve). */
  actions: Record<string, Choice[]>;
}

let cached: Vocabulary | null = null;

/** The vocabulary (the WASM core must be loaded: it is once any replica is open). */
export function vocabulary(): Vocabulary {
  cached ??= read() as Vocabulary;
  return cached;
}

/** The label of `value` in `list`, or the value itself when the list does not know it. */
export function labelOf(list: Choice[], value: string | null | undefined): string {
  if (value === null || value === undefined) return "";
  return list.find((c) => c.value === value)?.label ?? value;
}

/** The Chinese name of an action of a record kind (or a note / conflict resolution). */
export function actionLabel(kind: string, type: string): string {
  const v = vocabulary();
  return labelOf([...(v.actions[kind] ?? []), ...(v.actions.common ?? [])], type);
}
