// China time for display (every deployment is in China, whatever the phone's own zone) and the
// live countdown to a response deadline. Pure functions of the instants given: the clock is read
// by the caller, so tests pin fixed instants.
//
// China has had no daylight saving since 1991, so the core's fixed UTC+08:00 offset is exact: the
// wall clock is the instant shifted by it, read with Date's UTC fields. No dayjs here: 构建 npm
// ships a package's main entry only, so dayjs/plugin/utc and /timezone would not load on the phone.
import { CHINA_UTC_OFFSET_MS, TIME_UNITS_MS } from '../generated/words';

export const { SECOND_MS, MINUTE_MS } = TIME_UNITS_MS;
const { HOUR_MS } = TIME_UNITS_MS;
const SECONDS_PER_MINUTE = MINUTE_MS / SECOND_MS;
const MINUTES_PER_HOUR = HOUR_MS / MINUTE_MS;
/** Under this much time left the countdown turns amber: the leader should act now. */
export const COUNTDOWN_WARNING_MS = 3 * MINUTE_MS;

/** China wall-clock fields of an instant. */
interface ChinaClock {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** Days since the epoch in China time: equal for two instants on the same China date. */
  dayNumber: number;
}

function chinaClock(ms: number): ChinaClock {
  const shifted = ms + CHINA_UTC_OFFSET_MS;
  const t = new Date(shifted);
  return {
    year: t.getUTCFullYear(),
    month: t.getUTCMonth() + 1,
    day: t.getUTCDate(),
    hour: t.getUTCHours(),
    minute: t.getUTCMinutes(),
    dayNumber: Math.floor(shifted / TIME_UNITS_MS.DAY_MS),
  };
}

function twoDigits(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function clockTime(c: ChinaClock): string {
  return `${twoDigits(c.hour)}:${twoDigits(c.minute)}`;
}

/** 2024-03-05 14:07 */
export function formatChinaDateTime(ms: number): string {
  const c = chinaClock(ms);
  return `${c.year}-${twoDigits(c.month)}-${twoDigits(c.day)} ${clockTime(c)}`;
}

/** Short and friendly: "14:07" today, "昨天 14:07", "3月5日 14:07" this year, "2023年3月5日" before. */
export function formatChinaShort(ms: number, nowMs: number): string {
  const t = chinaClock(ms);
  const now = chinaClock(nowMs);
  if (t.dayNumber === now.dayNumber) return clockTime(t);
  if (t.dayNumber === now.dayNumber - 1) return `昨天 ${clockTime(t)}`;
  if (t.year === now.year) return `${t.month}月${t.day}日 ${clockTime(t)}`;
  return `${t.year}年${t.month}月${t.day}日`;
}

type CountdownTone = 'normal' | 'warning' | 'overdue';

export interface Countdown {
  text: string;
  tone: CountdownTone;
  /** Negative once overdue. */
  remainingMs: number;
}

function describeDuration(ms: number): string {
  const totalSeconds = Math.floor(ms / SECOND_MS);
  const seconds = totalSeconds % SECONDS_PER_MINUTE;
  const totalMinutes = Math.floor(totalSeconds / SECONDS_PER_MINUTE);
  const minutes = totalMinutes % MINUTES_PER_HOUR;
  const hours = Math.floor(totalMinutes / MINUTES_PER_HOUR);
  if (hours > 0) return `${hours} 小时 ${minutes} 分`;
  if (totalMinutes > 0) return `${minutes} 分 ${seconds} 秒`;
  return `${seconds} 秒`;
}

/** "剩 4 分 59 秒" (amber under COUNTDOWN_WARNING_MS), "已超时 1 分 5 秒" (red) once due. */
export function formatCountdown(dueAtMs: number, nowMs: number): Countdown {
  const remainingMs = dueAtMs - nowMs;
  if (remainingMs <= 0) return { text: `已超时 ${describeDuration(-remainingMs)}`, tone: 'overdue', remainingMs };
  const tone: CountdownTone = remainingMs < COUNTDOWN_WARNING_MS ? 'warning' : 'normal';
  return { text: `剩 ${describeDuration(remainingMs)}`, tone, remainingMs };
}
