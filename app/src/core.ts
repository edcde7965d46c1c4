// Typed face of the WASM core. The generated glue is loosely typed; these types are the
// contract with `wasm/src/lib.rs`.
import init, { FieldReplica } from "./wasm/estate_wasm.js";
import wasmUrl from "./wasm/estate_wasm_bg.wasm?url";
import type { Actor, AnyAction, Checkpoint, AnyRecord, Headers, IndexEntry, Input, Inspection, InspectionForm, RecordKind, StaffRole } from "./records";
import type { Deadline, DueWork, FeeCollection, MonthlyStatistics, StatisticsSummary, VacantUnit } from "./rules";

export type { InspectionForm } from "./records";
export type { VacantUnit } from "./rules";

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
/** An action the record can take now, as the core tried it: its `type` and, where the
 * action is about one thing (a key's `label`), that thing; other fields are placeholders. */
export type Offer = { type: string; label?: string } & Record<string, unknown>;
export interface AreaInfo { areaId: string; name: string; entries: number }
export interface Replica {
  loadChunks(docId: string, chunks: Chunk[]): void;
  /** Every document IndexedDB holds has been handed over: others are not read from it. */
  allStoredLoaded(): void;
  /** IndexedDB did not take a batch's writes for these documents: the next batch writes each whole. */
  storageFailed(docIds: string[]): void;
  connected(nowMs: number): void;
  disconnected(): void;
  receive(frame: Uint8Array, nowMs: number): void;
  flush(): Effects;
  areaInfo(): AreaInfo | null;
  vacantUnits(nowMs: number): VacantUnit[];
  /** Throws the core's refusal (code, field, Chinese message), e.g. abnormal without findings. */
  recordInspection(unitId: string, form: InspectionForm, inspector: string, nowMs: number): string;
  /** Every inspection held, newest first. */
  inspections(): (Inspection & { id: string })[];
  /** Files a new record; returns its document ID. Throws the core's refusal when the header is refused. */
  createRecord<K extends RecordKind>(kind: K, header: Headers[K]): string;
  /** Acts on a record; returns the new event's ID. Throws, saying why, when the action makes no sense now. */
  act(docId: string, input: Input<AnyAction>, actor: Actor, nowMs: number): string;
  /** A record with its journal, state and open flags; phone numbers masked unless `viewer` calls customers. */
  record(docId: string, viewer: StaffRole): AnyRecord;
  /** The record as `viewer` sees it, with what it can do next (`offers`, tried by the core)
   * and every clock it runs against at `nowMs`. */
  recordView(docId: string, viewer: StaffRole, nowMs: number): AnyRecord & { offers: Offer[]; clocks: Deadline[] };
  /** The records of one kind, from the area index. */
  listRecords(kind: RecordKind): IndexEntry[];
  dueWork(nowMs: number): DueWork;
  /** The households a visit plan for `month` (`YYYY-MM`) chooses from, key customers first. */
  visitCandidates(month: string): { unit: string; code: string; keyCustomer: boolean; visitedInRound: boolean }[];
  /** The special-service prices the area's project publishes (approved, not withdrawn). */
  servicePrices(): { item: string; unit: string; priceFen: number }[];
  /** The places of the area's daily patrol, each with a QR code. */
  checkpoints(): Checkpoint[];
  /** The area's fee collection for `month` (`YYYY-MM`) as of `nowMs`: plan, collected, ledger. */
  feeCollection(month: string, nowMs: number): FeeCollection;
  /** The area's statistics for `month` (`YYYY-MM`) as of `nowMs`. */
  statistics(month: string, nowMs: number): { statistics: MonthlyStatistics; summary: StatisticsSummary };
  pendingCount(): number;
  missingCount(): number;
  /** Whether anything made here (a record or the index) is not yet confirmed by the server. */
  holdsUnsent(): boolean;
  /** Reads the records loaded so far; how many are read (an opening phone calls it between
   * slices, so no one screen reads them all at once). */
  readLoaded(): number;
  /** Records the server refused, with its reason; not counted as waiting to be sent. */
  refusedRecords(): { id: string; reason: string }[];
}

let ready: Promise<unknown> | null = null;

/** The WASM core, loaded once (the vocabulary and every call below need it). */
export function loaded(): Promise<unknown> {
  ready ??= init({ module_or_path: wasmUrl });
  return ready;
}

export async function openReplica(peerId: string, indexUrl: string, device: string): Promise<Replica> {
  await loaded();
  return new FieldReplica(peerId, indexUrl, device) as unknown as Replica;
}

