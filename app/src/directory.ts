// Who works where: fetched from the server, remembered for offline starts.
export interface Directory {
  project: string;
  areas: { id: string; name: string; indexUrl: string }[];
  housekeepers: { id: string; name: string; areaId: string }[];
}

const KEY = "estate.directory";

export async function loadDirectory(): Promise<Directory | null> {
  try {
    const response = await fetch("/api/directory", { cache: "no-store" });
    if (response.ok) {
      const directory = (await response.json()) as Directory;
      localStorage.setItem(KEY, JSON.stringify(directory));
      return directory;
    }
  } catch {
    // Offline: fall back to the last good answer.
  }
  const cached = localStorage.getItem(KEY);
  return cached ? (JSON.parse(cached) as Directory) : null;
}

/** Formats a time in the estates' zone. */
export function shanghaiTime(ms: number): string {
  return new Date(ms).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false });
}
