// The office console's one door to the server: every request and response shape the
// console uses, and a small typed client (JSON, file downloads, the live event stream).
// The server's own shapes are generated from its OpenAPI document (`api.gen.ts`, from
// `openapi.json`), so a field renamed on the server fails this build; record views keep
// the phone's types, which are checked against the core's real output.
import type { Offer } from "../core";
import type { AnyRecord, Checkpoint, Input, AnyAction, PriceItem, StaffRole, TicketHeader } from "../records";
import type { Deadline, FeeCollection, MonthlyStatistics } from "../rules";
import type { Session } from "../session";
import type { components, operations } from "./api.gen";

/** The server's schemas, as its OpenAPI document names them. */
type Schemas = components["schemas"];

// ---- shapes -------------------------------------------------------------------------------

export type { Session };
/** `GET /api/session`: who the token signs in. */
export type Identity = Schemas["Identity"];

export type AreaRef = Schemas["AreaView"];
export type ProjectRef = Schemas["ProjectView"];
export type Housekeeper = Schemas["HousekeeperView"];
/** `GET /api/directory`: the areas the caller may see and their housekeepers. */
export type Directory = Schemas["Directory"];

/** One row of `GET /api/records`. */
export type ListedRecord = Schemas["ListedRecord"];
export type RecordPage = Schemas["Page"];
/** The filters `GET /api/records` and `GET /api/records.xlsx` take. */
export type RecordQuery = NonNullable<operations["listRecords"]["parameters"]["query"]>;

/** `GET /api/records/{id}`: the record as the caller's role sees it — the phone's
 * `recordView` (kind, header, state, events, flags, offers, clocks) plus its ID and area. */
export type RecordView = AnyRecord & { id?: string; offers: Offer[]; clocks: Deadline[]; areaId: string };

/** One entry of `GET /api/records/{id}/history`: a batch of changes as the server received it. */
export type HistoryEntry = Schemas["HistoryEntry"];

/** `POST /api/tickets` → 201: the server's answer, its view as the phone's types read it. */
export type CreatedTicket = Omit<Schemas["Registered"], "view"> & { view: RecordView };
/** `POST /api/records/{id}/actions` → 200: the new event's ID and the record after it. */
export type ActionResult = Omit<Schemas["ActionDone"], "view"> & { view: RecordView };
/** What an action carries: the type-tagged action with its inputs, a note and photos. */
export type ActionInput = Input<AnyAction> | (Record<string, unknown> & { type: string; note?: string });

/** Whose statistics: an area, a project, or (neither) the company. */
export type StatisticsScope = { area: string } | { project: string } | Record<string, never>;

/** `changed` on `GET /api/events`: a record the server just committed, with its list status. */
export interface ChangedDocument { id: string; kind: string; areaId: string | null; status: string | null }

/** `GET /api/checkpoints?area=ID`: an area's patrol checkpoints. */
/** A sample of a project's work for the company's phone checks — a week's repairs (seed
 * 000's 20 %) or a month's visits (004 §4.4.5) — or what it would be drawn from. */
export type Sample = Schemas["Sample"];
export type SampledRecord = Schemas["Sampled"];
export type SamplePeriod = { week: string } | { month: string };
/** A month's table as handed in (or still due), of a project or the company. */
export type MonthlyReport = Omit<Schemas["MonthlyReport"], "deadline"> & { deadline: Deadline };
export type WrittenReport = Schemas["Written"];
/** A project's special-service price list (the core's `PriceItem` per item). */
export type PriceList = Omit<Schemas["PriceList"], "items" | "published"> & {
  items: (PriceItem & { item: string; pending: boolean })[];
  published: { item: string; unit: string; priceFen: number }[];
};
export type AreaCheckpoints = Omit<Schemas["AreaCheckpoints"], "checkpoints"> & { checkpoints: Checkpoint[] };

/** A project's week of fee ledgers checked against the cashier's (003 G8). */
export type LedgerCheck = Omit<Schemas["LedgerCheck"], "deadline"> & { deadline: Deadline };
export type LedgerDifference = Schemas["LedgerDifference"];

/** A satisfaction survey campaign across the areas asked for (000; 001 篇2). */
export type AreaSurvey = Omit<Schemas["AreaSurvey"], "clocks"> & { clocks: Deadline[] };
export type SurveyReport = Omit<Schemas["SurveyReport"], "areas"> & { areas: AreaSurvey[] };
export type Commenter = Schemas["Commenter"];

export type AdminUser = Schemas["UserRow"];
export type NewUser = Schemas["NewUserBody"];
export type UserUpdate = Schemas["ScopesBody"];
export type AdminDevice = Schemas["Device"];
/** `POST /api/admin/import`: what was (or, dry, would be) imported; lines count the header as 1. */
export type ImportReport = Schemas["Report"];

// ---- errors -------------------------------------------------------------------------------

/** A refusal from the server (`{code, field, message}`, the core's Problem) or a failure
 * to reach it (`offline`). */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "ApiProblem";
  }
}

/** Reads an error body: the Problem shape, or the older `{error}`. */
export function problemFrom(status: number, body: unknown): ApiProblem {
  const b = (body ?? {}) as { code?: unknown; field?: unknown; message?: unknown; error?: unknown };
  const text = (x: unknown) => (typeof x === "string" && x ? x : undefined);
  const code = text(b.code) ?? codeOfStatus(status);
  const message = text(b.message) ?? text(b.error) ?? fallbackMessage(status);
  return new ApiProblem(status, code, message, text(b.field));
}

function codeOfStatus(status: number): string {
  if (status === 401) return "unauthorized";
  if (status === 403) return "forbidden";
  if (status === 404) return "not-found";
  if (status === 429) return "too-many";
  if (status >= 500) return "server";
  return "invalid";
}

function fallbackMessage(status: number): string {
  if (status === 401) return "登录已失效，请重新登录";
  if (status === 403) return "没有权限";
  if (status === 404) return "没有找到";
  if (status >= 500) return `服务器出错（${status}），请稍后再试`;
  return `请求失败（${status}）`;
}

/** Anything thrown, as a problem to show. */
export function asProblem(thrown: unknown): ApiProblem {
  if (thrown instanceof ApiProblem) return thrown;
  return new ApiProblem(0, "internal", thrown instanceof Error ? thrown.message : String(thrown));
}

// ---- the client ---------------------------------------------------------------------------

export type QueryValue = string | number | boolean | null | undefined;
export type Query = Record<string, QueryValue>;

/** `?a=1&b=x` from the values given; empty, null and undefined are left out. */
export function queryString(query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === "") continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

interface Hooks {
  /** The bearer token, if signed in. */
  token(): string | null;
  /** The server no longer takes the token (`wipe`: the device was revoked). */
  unauthorized(wipe: boolean): void;
}
let hooks: Hooks = { token: () => null, unauthorized: () => {} };

/** Wires the client to the session (done once at start). */
export function configureApi(h: Hooks): void {
  hooks = h;
}

const TIMEOUT_MS = 15_000;
const TRANSFER_TIMEOUT_MS = 120_000;

interface Send {
  query?: Query;
  json?: unknown;
  body?: Blob;
  timeoutMs?: number;
}

async function send(method: string, path: string, { query, json, body, timeoutMs = TIMEOUT_MS }: Send = {}): Promise<Response> {
  const headers: Record<string, string> = {};
  const token = hooks.token();
  if (token) headers.authorization = `Bearer ${token}`;
  if (json !== undefined) headers["content-type"] = "application/json";
  if (body) headers["content-type"] = "application/octet-stream";
  let response: Response;
  try {
    response = await fetch(path + queryString(query), {
      method,
      headers,
      body: json !== undefined ? JSON.stringify(json) : body,
      cache: "no-store",
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch {
    throw new ApiProblem(0, "offline", "无法连接服务器，请检查网络后重试");
  }
  if (response.ok) return response;
  const refusal: unknown = await response.json().catch(() => null);
  if (response.status === 401 && path !== "/api/login") hooks.unauthorized((refusal as { wipe?: unknown } | null)?.wipe === true);
  throw problemFrom(response.status, refusal);
}

async function json<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

export const get = async <T>(path: string, query?: Query): Promise<T> => json<T>(await send("GET", path, { query }));
export const post = async <T>(path: string, body?: unknown, query?: Query): Promise<T> =>
  json<T>(await send("POST", path, { json: body ?? {}, query }));
export const put = async <T>(path: string, body: unknown): Promise<T> => json<T>(await send("PUT", path, { json: body }));

/** A file from the server, with the name its Content-Disposition gives (or `fallback`). */
export async function getFile(path: string, query: Query, fallback: string): Promise<{ blob: Blob; filename: string }> {
  const response = await send("GET", path, { query, timeoutMs: TRANSFER_TIMEOUT_MS });
  return { blob: await response.blob(), filename: filenameFrom(response.headers.get("content-disposition"), fallback) };
}

/** The file name a Content-Disposition header gives: `filename*=UTF-8''…` first, then `filename="…"`. */
export function filenameFrom(header: string | null, fallback: string): string {
  if (!header) return fallback;
  const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (extended) {
    try {
      return decodeURIComponent(extended[1].trim().replace(/^"|"$/g, ""));
    } catch {
      // fall through to the plain name
    }
  }
  const plain = /filename\s*=\s*"([^"]*)"|filename\s*=\s*([^;]+)/.exec(header);
  const name = plain?.[1] ?? plain?.[2]?.trim();
  return name || fallback;
}

// ---- the endpoints ------------------------------------------------------------------------

export interface LoginRequest { username: string; password: string; device_name: string; device?: string | null }

export const api = {
  login: (request: LoginRequest) => post<Session>("/api/login", request),
  session: () => get<Identity>("/api/session"),
  directory: () => get<Directory>("/api/directory"),

  records: (query: RecordQuery) => get<RecordPage>("/api/records", { ...query }),
  record: (id: string) => get<RecordView>(`/api/records/${encodeURIComponent(id)}`),
  history: (id: string) => get<HistoryEntry[]>(`/api/records/${encodeURIComponent(id)}/history`),
  createTicket: (header: TicketHeader) => post<CreatedTicket>("/api/tickets", { header }),
  act: (id: string, input: ActionInput) => post<ActionResult>(`/api/records/${encodeURIComponent(id)}/actions`, input),
  /** A photo or signature; the bearer header is needed, so it comes as a blob. */
  attachment: async (sha256: string) => (await send("GET", `/api/attachments/${encodeURIComponent(sha256)}`)).blob(),

  statistics: (month: string, scope: StatisticsScope) => get<MonthlyStatistics>("/api/statistics", { month, ...scope }),
  statisticsFile: (month: string, scope: StatisticsScope) =>
    getFile("/api/statistics.xlsx", { month, ...scope }, `月度客户信息统计-${month}.xlsx`),
  /** A quarter's table (`YYYY-Qn`), its three months added up (004 §4.3.6 c). */
  quarterFile: (quarter: string, scope: StatisticsScope) =>
    getFile("/api/statistics.xlsx", { quarter, ...scope }, `季度客户信息统计-${quarter}.xlsx`),
  recordsFile: (query: RecordQuery) => getFile("/api/records.xlsx", { ...query }, "记录.xlsx"),
  checkpoints: (area: string) => get<AreaCheckpoints>("/api/checkpoints", { area }),
  /** `period`: `{ week }` (a Monday, repairs) or `{ month }` (visits). */
  sample: (project: string, period: SamplePeriod) => get<Sample>("/api/samples", { project, ...period }),
  drawSample: (project: string, period: SamplePeriod, rate?: number) =>
    post<Sample>("/api/samples", { project, ...period, ...(rate ? { rate } : {}) }),
  report: (month: string, project?: string) => get<MonthlyReport>("/api/reports", project ? { month, project } : { month }),
  handInReport: (month: string, project: string | undefined, written: WrittenReport) =>
    put<MonthlyReport>("/api/reports", { month, ...(project ? { project } : {}), ...written }),
  /** A month's fee collection (the core's `FeeCollection`, as the phone reads it). */
  feeCollection: (month: string, scope: StatisticsScope) => get<FeeCollection>("/api/fees", { month, ...scope }),
  feeCheck: (project: string, week: string) => get<LedgerCheck>("/api/fees/checks", { project, week }),
  /** Checks the week against the cashier's sheet (CSV or a workbook). */
  checkFees: async (project: string, week: string, file: File) =>
    json<LedgerCheck>(
      await send("POST", "/api/fees/checks", { query: { project, week, filename: file.name }, body: file, timeoutMs: TRANSFER_TIMEOUT_MS }),
    ),
  survey: (campaign: string, scope: StatisticsScope) => get<SurveyReport>("/api/surveys", { campaign, ...scope }),
  prices: (project: string) => get<PriceList>(`/api/projects/${encodeURIComponent(project)}/prices`),
  changePrices: (project: string, input: Record<string, unknown> & { type: string }) =>
    post<PriceList>(`/api/projects/${encodeURIComponent(project)}/prices`, input),

  users: () => get<AdminUser[]>("/api/admin/users"),
  createUser: (user: NewUser) => post<AdminUser>("/api/admin/users", user),
  updateUser: (id: string, update: UserUpdate) => put<AdminUser>(`/api/admin/users/${encodeURIComponent(id)}`, update),
  devices: () => get<AdminDevice[]>("/api/admin/devices"),
  revokeDevice: (id: string) => post<unknown>(`/api/admin/devices/${encodeURIComponent(id)}/revoke`),
  importUnits: async (file: File, dryRun: boolean) =>
    json<ImportReport>(
      await send("POST", "/api/admin/import", { query: { filename: file.name, dryRun }, body: file, timeoutMs: TRANSFER_TIMEOUT_MS }),
    ),
};

// ---- the live stream ----------------------------------------------------------------------

export interface StreamHandlers {
  open(): void;
  changed(documents: ChangedDocument[]): void;
  /** The screen fell behind the server: read everything again. */
  resync(): void;
  /** The stream broke; `closed`: the browser gave up (it retries by itself otherwise). */
  error(closed: boolean): void;
}

/** Opens `GET /api/events?token=…` (EventSource cannot send headers); returns a closer. */
export function openEventStream(token: string, on: StreamHandlers): () => void {
  const source = new EventSource(`/api/events${queryString({ token })}`);
  source.onopen = () => on.open();
  source.onerror = () => on.error(source.readyState === EventSource.CLOSED);
  source.addEventListener("changed", (event) => on.changed(parseChanged((event as MessageEvent<string>).data)));
  source.addEventListener("resync", () => on.resync());
  return () => source.close();
}

/** The documents a `changed` event names; anything unreadable names none. */
export function parseChanged(data: string): ChangedDocument[] {
  let body: unknown;
  try {
    body = JSON.parse(data);
  } catch {
    return [];
  }
  const documents = (body as { documents?: unknown } | null)?.documents;
  if (!Array.isArray(documents)) return [];
  return documents.flatMap((d: unknown) => {
    const x = (d ?? {}) as Record<string, unknown>;
    if (typeof x.id !== "string") return [];
    const text = (v: unknown) => (typeof v === "string" ? v : null);
    return [{ id: x.id, kind: text(x.kind) ?? "", areaId: text(x.areaId), status: text(x.status) }];
  });
}
