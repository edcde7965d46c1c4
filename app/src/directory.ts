// Who works where (the areas the signed-in user may see): fetched from the server,
// remembered for offline starts.
import { authHeaders, currentSession } from "./session";
import { remember } from "./settings";
export interface Area { id: string; name: string; indexUrl: string }
export interface Housekeeper { id: string; name: string; areaId: string }
export interface Directory {
  project: string;
  areas: Area[];
  housekeepers: Housekeeper[];
}

const KEY = "estate.directory";
/** A phone with a weak signal must not hold the app up for long. */
const FETCH_TIMEOUT_MS = 5000;

/** The last good answer for the signed-in user, if the server was ever reached; another
 * user's is never used. */
export function cachedDirectory(): Directory | null {
  try {
    const cached = JSON.parse(localStorage.getItem(KEY) ?? "null") as { user: string; directory: Directory } | null;
    return cached && cached.user === currentSession()?.user ? cached.directory : null;
  } catch {
    return null;
  }
}

/** Asks the server and remembers the answer; null when it cannot be reached. */
export async function fetchDirectory(): Promise<Directory | null> {
  try {
    const response = await fetch("/api/directory", {
      headers: authHeaders(),
      cache: "no-store",
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
    if (!response.ok) return null;
    const directory = (await response.json()) as Directory;
    await remember(KEY, JSON.stringify({ user: currentSession()?.user, directory }));
    return directory;
  } catch {
    return null;
  }
}

/** The server's answer, or the last good one when offline. */
export async function loadDirectory(): Promise<Directory | null> {
  return (await fetchDirectory()) ?? cachedDirectory();
}

const TIME = new Intl.DateTimeFormat("zh-CN", {
  timeZone: "Asia/Shanghai",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hour12: false,
});

/** Formats a time in the estates' zone (Asia/Shanghai), whatever the device's zone. */
export function shanghaiTime(ms: number): string {
  return TIME.format(new Date(ms));
}
