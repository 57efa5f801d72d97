// China time (Asia/Shanghai) helpers on epoch milliseconds. China has had no daylight saving
// since 1991, so a fixed UTC+08:00 offset is exact for every instant we handle; we use dayjs with
// the utc plugin at that offset rather than the timezone plugin, which needs Intl time-zone data
// that not every mini-program JavaScript engine has.

import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc';
import { DAY_MS, MINUTE_MS } from './policy';
import type { ChinaDate, EpochMs, TimeOfDay, Weekday } from './model';

dayjs.extend(utc);

const CHINA_UTC_OFFSET_MINUTES = 8 * 60;
export const CHINA_UTC_OFFSET_MS = CHINA_UTC_OFFSET_MINUTES * MINUTE_MS;

const MINUTES_PER_HOUR = 60;
const MINUTES_PER_DAY = 24 * MINUTES_PER_HOUR;
const TIME_OF_DAY_PATTERN = /^([01]\d|2[0-4]):([0-5]\d)$/;
const CHINA_DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** A dayjs instance showing China wall-clock fields for the instant. */
export function chinaDayjs(at: EpochMs): dayjs.Dayjs {
  return dayjs.utc(at).utcOffset(CHINA_UTC_OFFSET_MINUTES);
}

/** The China calendar date of an instant, 'YYYY-MM-DD'. */
export function chinaDateOf(at: EpochMs): ChinaDate {
  return chinaDayjs(at).format('YYYY-MM-DD');
}

/** 0 = Sunday … 6 = Saturday, in China time. */
export function chinaWeekdayOf(at: EpochMs): Weekday {
  return chinaDayjs(at).day() as Weekday;
}

/** The instant China's day containing `at` begins (00:00 +08:00). */
export function chinaDayStart(at: EpochMs): EpochMs {
  return Math.floor((at + CHINA_UTC_OFFSET_MS) / DAY_MS) * DAY_MS - CHINA_UTC_OFFSET_MS;
}

/** 00:00 China time on the given date; null when the date is malformed. */
export function chinaDateStart(date: ChinaDate): EpochMs | null {
  if (!CHINA_DATE_PATTERN.test(date)) return null;
  const parsed = dayjs.utc(date);
  if (!parsed.isValid() || parsed.format('YYYY-MM-DD') !== date) return null;
  return parsed.valueOf() - CHINA_UTC_OFFSET_MS;
}

/** Minutes after midnight for 'HH:mm' (up to '24:00'); null when malformed. */
export function minutesOfDay(time: TimeOfDay): number | null {
  const match = TIME_OF_DAY_PATTERN.exec(time);
  if (!match) return null;
  const minutes = Number(match[1]) * MINUTES_PER_HOUR + Number(match[2]);
  return minutes <= MINUTES_PER_DAY ? minutes : null;
}
