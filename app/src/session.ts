// Signing this device in: the token and device ID the server hands out at login, kept
// (`settings.ts`: localStorage, written through to IndexedDB) so the app starts offline;
// asking the server whether they still hold; and
// wiping everything local when an admin has revoked the device.

import { forgetAll, remember } from "./settings";

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
  performance.mark("estate:signed-in");
  const session = body as Session;
  // Another user on a phone that still holds someone's records: theirs go first, so the
  // new user sees and acts under nothing of the previous one (the form warned).
  const holder = localStorage.getItem(HOLDER);
  if (holder && holder !== session.user) await clearDevice();
  await remember(HOLDER, null);
  await remember(KEY, JSON.stringify(session));
  await remember(DEVICE, session.device);
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
  void remember(KEY, null);
  if (user) void remember(HOLDER, user);
}

/** What the person is told before signing out would lose work; null when nothing would be lost. */
export function unsentWarning(records: number, photos = 0): string | null {
  const parts = [records > 0 ? `${records} 条记录` : "", photos > 0 ? `${photos} 张照片` : ""].filter(Boolean);
  return parts.length
    ? `本机还有 ${parts.join("和 ")}没有上传到服务器。退出登录会清除本机资料，这些将丢失。确定退出吗？`
    : null;
}

/** A revoked device: every local database and setting goes, and the next sign-in form
 * says why. */
export async function wipeDevice(): Promise<void> {
  await clearDevice();
  sessionStorage.setItem("estate.wiped", "1");
}

async function clearDevice(): Promise<void> {
  // First, in a transaction nothing can block: no session survives even a deletion that waits.
  await forgetAll();
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

/** Whether this page load follows a wipe (said once on the sign-in form). */
export function justWiped(): boolean {
  const wiped = sessionStorage.getItem("estate.wiped") === "1";
  sessionStorage.removeItem("estate.wiped");
  return wiped;
}

/** Whose records the phone still holds after their sign-in expired, if anyone's. */
export function heldBy(): string | null {
  return localStorage.getItem(HOLDER);
}
