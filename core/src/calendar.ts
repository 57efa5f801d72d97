// The service calendar: when a village's grid leaders are expected to answer. Response targets
// count only service time (see sla.ts). Pure: the village's days and hours and the instants are
// arguments; China's public days are data (publicDays.ts).
//
// Defaults (policy.ts): 08:00–20:00 China time every day, weekends included, no holidays of its own.
//
// Which hours a China date has, first rule that applies:
//   1. the village's `specialHours` for that date: those hours, whatever the day;
//   2. the village's own `holidays`: no service;
//   3. a public holiday (publicDays.ts, from chinese-days): the rest-day hours, Sunday's `weeklyHours[0]`;
//   4. a make-up workday (调休上班, a Saturday or Sunday worked): the workday hours, Monday's `weeklyHours[1]`;
//   5. otherwise the weekday's own hours.
// With the default hours (the same every day) public days change nothing — residents' needs don't stop
// on holidays; a village whose weekends differ sees its weekend hours on holidays and its weekday
// hours on make-up workdays without typing either.
// Emergency mode makes service run around the clock, every day.

import { chinaDateOf, chinaDayStart, chinaWeekdayOf, minutesOfDay } from './chinaTime';
import { DAY_MS, MINUTE_MS } from './policy';
import type { EpochMs, ServiceCalendar, ServiceInterval, Weekday } from './model';
import { publicDayKind } from './publicDays';

/** Whose hours a public holiday keeps (a rest day), and whose a make-up workday keeps (a workday). */
const REST_DAY_HOURS_OF: Weekday = 0;
const WORKDAY_HOURS_OF: Weekday = 1;

/** How far ahead we look for service time before giving up (a calendar with no hours at all). */
const SERVICE_SEARCH_HORIZON_DAYS = 400;

interface Window {
  start: EpochMs;
  end: EpochMs;
}

function intervalsFor(calendar: ServiceCalendar, dayStart: EpochMs): readonly ServiceInterval[] {
  const date = chinaDateOf(dayStart);
  const special = calendar.specialHours?.[date];
  if (special) return special;
  if (calendar.holidays.includes(date)) return [];
  const publicDay = publicDayKind(date);
  const hoursOf = publicDay === 'holiday' ? REST_DAY_HOURS_OF : publicDay === 'makeUpWorkday' ? WORKDAY_HOURS_OF : chinaWeekdayOf(dayStart);
  return calendar.weeklyHours[hoursOf] ?? [];
}

/** Service windows of the China day starting at `dayStart`, sorted, malformed intervals ignored. */
function serviceWindowsOfDay(calendar: ServiceCalendar, dayStart: EpochMs): Window[] {
  const windows: Window[] = [];
  for (const interval of intervalsFor(calendar, dayStart)) {
    const startMinute = minutesOfDay(interval.start);
    const endMinute = minutesOfDay(interval.end);
    if (startMinute === null || endMinute === null || endMinute <= startMinute) continue;
    windows.push({ start: dayStart + startMinute * MINUTE_MS, end: dayStart + endMinute * MINUTE_MS });
  }
  return windows.sort((a, b) => a.start - b.start);
}

export function isInService(calendar: ServiceCalendar, at: EpochMs): boolean {
  if (calendar.emergencyMode) return true;
  return serviceWindowsOfDay(calendar, chinaDayStart(at)).some((w) => w.start <= at && at < w.end);
}

/** True when the calendar has some service in a typical week (setVillagePolicy rejects otherwise). */
export function hasAnyServiceHours(calendar: ServiceCalendar): boolean {
  if (calendar.emergencyMode) return true;
  return Object.values(calendar.weeklyHours).some((intervals) =>
    (intervals ?? []).some((i) => {
      const start = minutesOfDay(i.start);
      const end = minutesOfDay(i.end);
      return start !== null && end !== null && end > start;
    }),
  );
}

/**
 * The instant at which `durationMs` of service time has elapsed after `from`.
 * Outside service hours the clock waits for the next window. If the calendar has no service
 * within the search horizon, wall-clock time is used instead so that a deadline always exists
 * (a request is never left without one).
 */
export function addServiceTime(calendar: ServiceCalendar, from: EpochMs, durationMs: number): EpochMs {
  if (calendar.emergencyMode) return from + durationMs;
  let remaining = durationMs;
  let dayStart = chinaDayStart(from);
  for (let day = 0; day < SERVICE_SEARCH_HORIZON_DAYS; day += 1, dayStart += DAY_MS) {
    for (const window of serviceWindowsOfDay(calendar, dayStart)) {
      if (window.end <= from) continue;
      const windowFrom = Math.max(from, window.start);
      const available = window.end - windowFrom;
      if (remaining <= available) return windowFrom + remaining;
      remaining -= available;
    }
  }
  return from + durationMs;
}

/** Service time elapsed between two instants (0 when `to` is before `from`). */
export function serviceTimeBetween(calendar: ServiceCalendar, from: EpochMs, to: EpochMs): number {
  if (to <= from) return 0;
  if (calendar.emergencyMode) return to - from;
  let total = 0;
  for (let dayStart = chinaDayStart(from); dayStart < to; dayStart += DAY_MS) {
    for (const window of serviceWindowsOfDay(calendar, dayStart)) {
      const start = Math.max(window.start, from);
      const end = Math.min(window.end, to);
      if (end > start) total += end - start;
    }
  }
  return total;
}
