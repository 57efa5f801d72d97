// China's public holidays (法定节假日, with the days off around them) and make-up workdays (调休上班),
// as data from the maintained `chinese-days` package (the State Council's notices, 2004 to the last
// year it has published), read once at module load. Villages no longer type them by hand; a village's
// own days (ServiceCalendar.holidays, specialHours) still come first (calendar.ts).
//
// Only the package's JSON table is read: no code of it runs, so the core stays pure data in, data out.

import chineseDays from 'chinese-days/dist/chinese-days.json';
import { chinaDateStart } from './chinaTime';
import type { ChinaDate, EpochMs } from './model';
import { DAY_MS } from './policy';

/** What a date is in China's official calendar, when it is not an ordinary day. */
export type PublicDayKind = 'holiday' | 'makeUpWorkday';

/** Every public day off, 'YYYY-MM-DD' (a holiday's weekend days included, as the notices list them). */
export const PUBLIC_HOLIDAYS: ReadonlySet<ChinaDate> = new Set(Object.keys(chineseDays.holidays));
/** Every make-up workday: a Saturday or Sunday worked in exchange for a longer holiday. */
export const MAKE_UP_WORKDAYS: ReadonlySet<ChinaDate> = new Set(Object.keys(chineseDays.workdays));

/** The last year the data covers (a later year has no public days until the package is updated). */
export const PUBLIC_DAYS_LAST_YEAR: number = Math.max(...[...PUBLIC_HOLIDAYS].map((date) => Number(date.slice(0, 4))));

/** Whether a date is a public holiday, a make-up workday, or neither (null). */
export function publicDayKind(date: ChinaDate): PublicDayKind | null {
  if (MAKE_UP_WORKDAYS.has(date)) return 'makeUpWorkday';
  if (PUBLIC_HOLIDAYS.has(date)) return 'holiday';
  return null;
}

/**
 * The State Council announces a year's holidays around November; from this long before the data runs
 * out, committees are asked to have the package updated (or to add the days by hand meanwhile).
 */
const PUBLIC_DAYS_WARN_AHEAD_DAYS = 60;

/** How far the public days reach, and whether they are about to run out (or have) at `now`. */
export function publicDaysCoverage(now: EpochMs): { lastYear: number; runningOut: boolean } {
  const end = chinaDateStart(`${PUBLIC_DAYS_LAST_YEAR + 1}-01-01`) ?? Number.POSITIVE_INFINITY;
  return { lastYear: PUBLIC_DAYS_LAST_YEAR, runningOut: now >= end - PUBLIC_DAYS_WARN_AHEAD_DAYS * DAY_MS };
}
