// China time for display (every deployment is in China, whatever the phone's own zone) and the
// live countdown to a response deadline. Pure functions of the instants given: the clock is read
// by the caller, so tests pin fixed instants.
import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';

dayjs.extend(utc);
dayjs.extend(timezone);

export const CHINA_TIME_ZONE = 'Asia/Shanghai';
export const SECOND_MS = 1000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
const SECONDS_PER_MINUTE = 60;
const MINUTES_PER_HOUR = 60;
/** Under this much time left the countdown turns amber: the leader should act now. */
export const COUNTDOWN_WARNING_MS = 3 * MINUTE_MS;

export function chinaTime(ms: number): dayjs.Dayjs {
  return dayjs(ms).tz(CHINA_TIME_ZONE);
}

/** 2024-03-05 14:07 */
export function formatChinaDateTime(ms: number): string {
  return chinaTime(ms).format('YYYY-MM-DD HH:mm');
}

/** Short and friendly: "14:07" today, "昨天 14:07", "3月5日 14:07" this year, "2023年3月5日" before. */
export function formatChinaShort(ms: number, nowMs: number): string {
  const t = chinaTime(ms);
  const now = chinaTime(nowMs);
  if (t.isSame(now, 'day')) return t.format('HH:mm');
  if (t.isSame(now.subtract(1, 'day'), 'day')) return `昨天 ${t.format('HH:mm')}`;
  if (t.isSame(now, 'year')) return t.format('M月D日 HH:mm');
  return t.format('YYYY年M月D日');
}

export type CountdownTone = 'normal' | 'warning' | 'overdue';

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
