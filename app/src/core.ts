// Typed face of the WASM core. The generated glue is loosely typed; these types are the
// contract with `wasm/src/lib.rs`.
import init, { FieldReplica } from "./wasm/estate_wasm.js";
import wasmUrl from "./wasm/estate_wasm_bg.wasm?url";

export type Key = [string, string, string];
export interface Chunk { key: Key; data: Uint8Array }
export type StorageOp = { op: "put"; key: Key; data: Uint8Array } | { op: "delete"; key: Key };
export interface Effects {
  storage: StorageOp[];
  loads: string[];
  sends: Uint8Array[];
  close: boolean;
  changed: string[];
  errors: string[];
}
export type Condition = "normal" | "abnormal";
export const CHECKLIST = [
  ["doorsWindows", "门窗"],
  ["leaks", "渗漏"],
  ["pipes", "管道"],
  ["power", "电路"],
  ["wallsCeilings", "墙面天花"],
  ["mould", "霉变"],
  ["pests", "虫害"],
  ["smell", "异味"],
] as const;
export type ChecklistKey = (typeof CHECKLIST)[number][0];
export interface InspectionForm {
  occasion: "monthly" | "special_weather";
  checklist: Record<ChecklistKey, Condition>;
  ventilated: boolean;
  cleaningArranged: boolean;
  findings: string;
  notes: string;
}
export interface VacantUnit {
  id: string;
  code: string;
  status: "undelivered_vacant" | "entrusted_vacant";
  statusLabel: string;
  inspected: boolean;
}
export interface AreaInfo { areaId: string; name: string; entries: number }
/** A stored inspection as the core reads it back. */
export interface Inspection extends InspectionForm {
  id: string;
  unit: string;
  unitCode: string;
  areaId: string;
  /** `YYYY-MM`, Asia/Shanghai. */
  month: string;
  inspector: string;
  inspectedAt: number;
}

export interface Replica {
  loadChunks(docId: string, chunks: Chunk[]): void;
  connected(nowMs: number): void;
  disconnected(): void;
  receive(frame: Uint8Array, nowMs: number): void;
  flush(): Effects;
  areaInfo(): AreaInfo | null;
  vacantUnits(nowMs: number): VacantUnit[];
  /** Throws an Error (English message) when the form is refused, e.g. abnormal without findings. */
  recordInspection(unitId: string, form: InspectionForm, inspector: string, nowMs: number): string;
  /** Every inspection held, newest first. */
  inspections(): Inspection[];
  pendingCount(): number;
  missingCount(): number;
}

let ready: Promise<unknown> | null = null;

export async function openReplica(peerId: string, indexUrl: string): Promise<Replica> {
  ready ??= init({ module_or_path: wasmUrl });
  await ready;
  return new FieldReplica(peerId, indexUrl) as unknown as Replica;
}
