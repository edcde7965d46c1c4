// Signing this device in: the token and device ID the server hands out at login, kept in
// localStorage so the app starts offline; asking the server whether they still hold; and
// wiping everything local when an admin has revoked the device.
import { el } from "./dom";

export type Role = "housekeeper" | "supervisor" | "office" | "admin";

export interface Session {
  token: string;
  expiresAt: number;
  user: string;
  name: string;
  role: Role;
  /** The device ID: every change made here carries an actor that starts with it. */
  device: string;
  areas: string[];
  projects: string[];
}

const KEY = "estate.session";
/** The device this phone signed in as last, so signing in again keeps it. */
const DEVICE = "estate.device";
/** Whose records the phone still holds after a sign-in expired. */
const HOLDER = "estate.holder";
const FETCH_TIMEOUT_MS = 10_000;

export const ROLE_LABELS: Record<Role, string> = {
  housekeeper: "片区管家",
  supervisor: "客服主管",
  office: "客服组",
  admin: "管理员",
};

export function currentSession(): Session | null {
  try {
    const stored = localStorage.getItem(KEY);
    return stored ? (JSON.parse(stored) as Session) : null;
  } catch {
    return null;
  }
}

/** Headers that sign an API request in. */
export function authHeaders(): Record<string, string> {
  const session = currentSession();
  return session ? { authorization: `Bearer ${session.token}` } : {};
}

/** Signs in; resolves to the session, or rejects with the server's reason in Chinese. */
export async function signIn(username: string, password: string, deviceName: string): Promise<Session> {
  let response: Response;
  try {
    response = await fetch("/api/login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username, password, device_name: deviceName, device: localStorage.getItem(DEVICE) }),
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
  } catch {
    throw new Error("无法连接服务器，请联网后再登录");
  }
  const body = (await response.json().catch(() => ({}))) as Partial<Session> & { error?: string };
  if (!response.ok) throw new Error(body.error ?? `登录失败（${response.status}）`);
  const session = body as Session;
  // Another user on a phone that still holds someone's records: theirs go first, so the
  // new user sees and acts under nothing of the previous one (the form warned).
  const holder = localStorage.getItem(HOLDER);
  if (holder && holder !== session.user) await clearDevice();
  localStorage.removeItem(HOLDER);
  localStorage.setItem(KEY, JSON.stringify(session));
  localStorage.setItem(DEVICE, session.device);
  return session;
}

/**
 * The address that opens the sync WebSocket: a one-time ticket, asked for with the token
 * in a header, so the long-lived token never appears in a URL (consoles and proxies log
 * those). `refused` when the server no longer takes the token, `null` when it cannot be
 * reached.
 */
export async function syncUrl(): Promise<string | "refused" | null> {
  let response: Response;
  try {
    response = await fetch("/api/sync-ticket", {
      method: "POST",
      headers: authHeaders(),
      cache: "no-store",
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
  } catch {
    return null;
  }
  if (response.status === 401) return "refused";
  if (!response.ok) return null;
  const { ticket } = (await response.json()) as { ticket: string };
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${location.host}/sync?ticket=${encodeURIComponent(ticket)}`;
}

/** Whether the stored session still holds: `offline` when the server cannot be asked. */
export async function checkSession(): Promise<"ok" | "signed-out" | "revoked" | "offline"> {
  if (!currentSession()) return "signed-out";
  try {
    const response = await fetch("/api/session", {
      headers: authHeaders(),
      cache: "no-store",
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
    if (response.ok) return "ok";
    if (response.status !== 401) return "offline";
    const body = (await response.json().catch(() => ({}))) as { wipe?: boolean };
    return body.wipe ? "revoked" : "signed-out";
  } catch {
    return "offline";
  }
}

/**
 * Signs out: every local record, setting and cached directory goes with the session, so
 * nothing of this user is left for the next one to act under. The caller asks first when
 * work has not reached the server (`unsentWarning`).
 */
export async function signOut(): Promise<void> {
  await clearDevice();
}

/** The sign-in expired: the token goes, the records stay (they may hold unsent work) until
 * their user signs in again. */
export function expireSession(): void {
  const user = currentSession()?.user;
  localStorage.removeItem(KEY);
  if (user) localStorage.setItem(HOLDER, user);
}

/** What the person is told before signing out would lose work; null when nothing would be lost. */
export function unsentWarning(pending: number): string | null {
  return pending > 0
    ? `本机还有 ${pending} 条记录没有上传到服务器。退出登录会清除本机资料，这些记录将丢失。确定退出吗？`
    : null;
}

/** A revoked device: every local database and setting goes, and the next sign-in form
 * says why. */
export async function wipeDevice(): Promise<void> {
  await clearDevice();
  sessionStorage.setItem("estate.wiped", "1");
}

async function clearDevice(): Promise<void> {
  const databases = (await indexedDB.databases?.().catch(() => [])) ?? [];
  await Promise.all(
    databases.map(
      (db) =>
        new Promise<void>((done) => {
          if (!db.name) return done();
          const request = indexedDB.deleteDatabase(db.name);
          request.onsuccess = request.onerror = request.onblocked = () => done();
        }),
    ),
  );
  localStorage.clear();
}

/** Whether this page load follows a wipe (shown once on the sign-in form). */
function justWiped(): boolean {
  const wiped = sessionStorage.getItem("estate.wiped") === "1";
  sessionStorage.removeItem("estate.wiped");
  return wiped;
}

/** The sign-in form; `done` runs once a session is stored. */
export function loginForm(done: (session: Session) => void): HTMLElement {
  const username = el("input", { id: "username", name: "username", autocomplete: "username", required: "" });
  const password = el("input", { id: "password", name: "password", type: "password", autocomplete: "current-password", required: "" });
  const device = el("input", { id: "device-name", name: "device-name", value: "我的手机", required: "" });
  const submit = el("button", { type: "submit" }, "登录");
  const problem = el("p", { class: "error", role: "alert" });
  if (justWiped()) problem.textContent = "此设备已被管理员停用，本机数据已清除。请重新登录。";
  const holder = localStorage.getItem(HOLDER);
  const held = holder
    ? el("p", { class: "hint", id: "held" }, `登录已过期。本机保存着 ${holder} 的资料，可能有未上传的记录；请 ${holder} 重新登录。用其他账号登录将清除这些资料。`)
    : el("span", {});
  if (holder) username.value = holder;
  const form = el("form", { class: "login" },
    el("h2", {}, "登录"),
    held,
    el("label", { for: "username" }, "用户名"), username,
    el("label", { for: "password" }, "密码"), password,
    el("label", { for: "device-name" }, "设备名称"), device,
    submit, problem);
  form.onsubmit = (event) => {
    event.preventDefault();
    submit.disabled = true;
    problem.textContent = "";
    signIn(username.value.trim(), password.value, device.value.trim())
      .then(done)
      .catch((e: unknown) => {
        problem.textContent = e instanceof Error ? e.message : String(e);
        submit.disabled = false;
      });
  };
  return form;
}
