// How times and clocks read on the phone: always in the estates' zone (Asia/Shanghai),
// whatever the device's own zone.
import { shanghaiTime } from "./directory";
import type { Deadline } from "./rules";

export { shanghaiTime };

const MONTH = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit" });
const SHORT = new Intl.DateTimeFormat("zh-CN", {
  timeZone: "Asia/Shanghai", month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit", hour12: false,
});

/** This month in the estates' zone, `YYYY-MM`. */
export function thisMonth(now = Date.now()): string {
  return MONTH.format(new Date(now)).slice(0, 7);
}

/** `12/3 14:05` in Shanghai. */
export function shortTime(ms: number): string {
  return SHORT.format(new Date(ms));
}

/** An amount in fen, in yuan: `120.00 元`. */
export function yuan(fen: number): string {
  return `${(fen / 100).toFixed(2)} 元`;
}

/** A span of time in words: `3 天 2 小时`, `45 分钟`. */
export function span(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  if (days > 0) return hours > 0 ? `${days} 天 ${hours} 小时` : `${days} 天`;
  if (hours > 0) return minutes % 60 > 0 ? `${hours} 小时 ${minutes % 60} 分钟` : `${hours} 小时`;
  return `${minutes} 分钟`;
}

/** Where a clock stands, in words, at `now`. */
export function clockText(d: Deadline, now: number): string {
  switch (d.standing) {
    case "waiting":
      return d.clock === "callback" ? "等待雨天后回访" : "等待中";
    case "overdue":
      if (d.dueAt === null) return "已超时";
      return d.agreed ? `超过与业主约定的时间 ${span(now - d.dueAt)}` : `已超时 ${span(now - d.dueAt)}`;
    case "met_on_time":
      return d.metAt === null ? "按时完成" : `${shortTime(d.metAt)} 按时完成`;
    case "met_late":
      return d.metAt === null ? "超时完成" : `${shortTime(d.metAt)} 完成（超时）`;
    case "pending":
      if (d.dueAt === null) return "进行中";
      return `${d.agreed ? "与业主约定 " : ""}${shortTime(d.dueAt)} 前（还剩 ${span(d.dueAt - now)}）`;
  }
}

const DAY = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit" });

/** A date and time typed in the estates' zone (`YYYY-MM-DDTHH:mm`, as a datetime input
 * holds it) as milliseconds; `null` when it is not one. Shanghai keeps no summer time. */
export function shanghaiMillis(local: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(local)) return null;
  const ms = Date.parse(`${local}:00+08:00`);
  return Number.isNaN(ms) ? null : ms;
}

/** Today in the estates' zone, `YYYY-MM-DD`. */
export function today(now = Date.now()): string {
  return DAY.format(new Date(now));
}
