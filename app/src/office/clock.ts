// Running clocks in words, as the desk reads them: how long a deadline has passed or how
// long is left. The deadlines themselves come from the core (`dueAt`, `clocks`); this only
// says where `now` stands against them.
import { shanghaiTime, shortTime } from "../format";
import type { Deadline } from "../rules";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** `2 天 3 小时 5 分`, `3 小时 5 分`, `5 分` — whole minutes, never less than one. */
export function duration(ms: number): string {
  const minutes = Math.max(1, Math.floor(ms / MINUTE));
  const days = Math.floor(minutes / (DAY / MINUTE));
  const hours = Math.floor((minutes % (DAY / MINUTE)) / 60);
  const rest = minutes % 60;
  const parts = [days ? `${days} 天` : "", days || hours ? `${hours} 小时` : "", `${rest} 分`];
  return parts.filter(Boolean).join(" ");
}

/** Where a deadline stands at `now`. */
export interface ClockReading {
  text: string;
  overdue: boolean;
}

/** A deadline at `dueAt` read at `now`: `已超时 N 小时 M 分` or `剩余 …`; none without a deadline. */
export function readDue(dueAt: number | null | undefined, now: number): ClockReading {
  if (dueAt === null || dueAt === undefined) return { text: "—", overdue: false };
  return dueAt <= now
    ? { text: `已超时 ${duration(now - dueAt)}`, overdue: true }
    : { text: `剩余 ${duration(dueAt - now)}`, overdue: false };
}

/** A short countdown, `09:42` (minutes:seconds), for the few minutes of a dispatch clock;
 * past the deadline it reads as any overdue clock. */
export function countdown(dueAt: number, now: number): ClockReading {
  if (dueAt <= now) return readDue(dueAt, now);
  const seconds = Math.ceil((dueAt - now) / 1000);
  const mm = String(Math.floor(seconds / 60)).padStart(2, "0");
  const ss = String(seconds % 60).padStart(2, "0");
  return { text: `剩余 ${mm}:${ss}`, overdue: false };
}

/** The clock a record is working against now: of those still open (pending or overdue),
 * the one due first — the deadline a list shows as the record's `dueAt` — or none when
 * every clock is met or waiting. */
export function soonestClock(clocks: Deadline[]): Deadline | null {
  let soonest: Deadline | null = null;
  for (const c of clocks) {
    if ((c.standing !== "pending" && c.standing !== "overdue") || c.dueAt === null) continue;
    if (soonest === null || c.dueAt < (soonest.dueAt ?? Infinity)) soonest = c;
  }
  return soonest;
}

/** The tag colour of where a clock stands. */
export function standingTone(c: Deadline): "danger" | "warning" | "success" | "info" {
  return c.standing === "overdue" ? "danger" : c.standing === "met_late" ? "warning" : c.standing === "met_on_time" ? "success" : "info";
}

/** Where a clock stands in a few words: how long is left or overdue while it runs, else
 * how it was met (`standingLabel`, the vocabulary's) and when. */
export function standingText(c: Deadline, now: number, standingLabel: string): string {
  return c.metAt !== null ? `${standingLabel} · ${shortTime(c.metAt)}` : deadlineText(c, now);
}

/** When a clock is due (while open) or was met. */
export function deadlineText(c: Deadline, now: number): string {
  if (c.standing === "pending" || c.standing === "overdue") return readDue(c.dueAt, now).text;
  if (c.metAt !== null) return `${shanghaiTime(c.metAt)} 完成`;
  return "";
}
