import { describe, expect, it } from 'vitest';
import { addServiceTime, DEFAULT_SERVICE_CALENDAR, isInService, MINUTE_MS, type ServiceCalendar } from '../../core/src';
import { MAKE_UP_WORKDAYS, PUBLIC_DAYS_LAST_YEAR, PUBLIC_HOLIDAYS, publicDayKind, publicDaysCoverage } from '../../core/src/publicDays';
import { at } from './fixtures';

const WORKDAY = [{ start: '08:30', end: '17:30' }];
const SUNDAY = [{ start: '09:00', end: '11:00' }];
/** Weekdays 08:30–17:30, Sunday morning 09:00–11:00, no Saturday. */
const WEEKDAYS_AND_SUNDAY_MORNING: ServiceCalendar = {
  weeklyHours: { 0: SUNDAY, 1: WORKDAY, 2: WORKDAY, 3: WORKDAY, 4: WORKDAY, 5: WORKDAY },
  holidays: [],
  emergencyMode: false,
};
const TEN_MINUTES = 10 * MINUTE_MS;

describe('public days (from chinese-days)', () => {
  it('warns from sixty days before the data runs out', () => {
    const last = PUBLIC_DAYS_LAST_YEAR;
    expect(publicDaysCoverage(at(`${last}-10-31T12:00`)).runningOut).toBe(false);
    expect(publicDaysCoverage(at(`${last}-11-02T12:00`)).runningOut).toBe(true);
    expect(publicDaysCoverage(at(`${last + 1}-03-01T12:00`))).toEqual({ lastYear: last, runningOut: true });
  });

  it('knows the 2026 National Day holiday and its make-up workdays', () => {
    expect(publicDayKind('2026-10-01')).toBe('holiday');
    expect(publicDayKind('2026-10-07')).toBe('holiday');
    // 2026-09-20 is a Sunday and 2026-10-10 a Saturday, both worked for the National Day holiday.
    expect(publicDayKind('2026-09-20')).toBe('makeUpWorkday');
    expect(publicDayKind('2026-10-10')).toBe('makeUpWorkday');
    expect(publicDayKind('2026-11-24')).toBeNull();
    expect(PUBLIC_HOLIDAYS.has('2026-02-17')).toBe(true);
    expect(MAKE_UP_WORKDAYS.has('2026-02-14')).toBe(true);
    expect(PUBLIC_DAYS_LAST_YEAR).toBeGreaterThanOrEqual(2026);
  });
});

describe('service calendar on public days', () => {
  it('changes nothing with the default hours (the same every day)', () => {
    expect(addServiceTime(DEFAULT_SERVICE_CALENDAR, at('2026-10-01T10:00'), TEN_MINUTES)).toBe(at('2026-10-01T10:10'));
    expect(addServiceTime(DEFAULT_SERVICE_CALENDAR, at('2026-10-10T10:00'), TEN_MINUTES)).toBe(at('2026-10-10T10:10'));
  });

  it('gives a make-up workday the workday hours, an ordinary Saturday none', () => {
    // 2026-10-10 is a make-up Saturday: Monday's 08:30–17:30.
    expect(isInService(WEEKDAYS_AND_SUNDAY_MORNING, at('2026-10-10T10:00'))).toBe(true);
    expect(addServiceTime(WEEKDAYS_AND_SUNDAY_MORNING, at('2026-10-10T10:00'), TEN_MINUTES)).toBe(at('2026-10-10T10:10'));
    expect(addServiceTime(WEEKDAYS_AND_SUNDAY_MORNING, at('2026-10-10T17:25'), TEN_MINUTES)).toBe(at('2026-10-11T09:05'));
    // 2026-10-17 is an ordinary Saturday: nothing until Sunday morning.
    expect(isInService(WEEKDAYS_AND_SUNDAY_MORNING, at('2026-10-17T10:00'))).toBe(false);
    expect(addServiceTime(WEEKDAYS_AND_SUNDAY_MORNING, at('2026-10-17T10:00'), TEN_MINUTES)).toBe(at('2026-10-18T09:10'));
    // 2026-09-20 is a make-up Sunday: a full working day, not Sunday's morning.
    expect(isInService(WEEKDAYS_AND_SUNDAY_MORNING, at('2026-09-20T15:00'))).toBe(true);
  });

  it("gives a public holiday the rest-day hours (Sunday's), even on a weekday", () => {
    // 2026-10-01 is a Thursday, in the National Day holiday: Sunday's 09:00–11:00 only.
    expect(isInService(WEEKDAYS_AND_SUNDAY_MORNING, at('2026-10-01T10:00'))).toBe(true);
    expect(isInService(WEEKDAYS_AND_SUNDAY_MORNING, at('2026-10-01T15:00'))).toBe(false);
    expect(addServiceTime(WEEKDAYS_AND_SUNDAY_MORNING, at('2026-10-01T10:55'), TEN_MINUTES)).toBe(at('2026-10-02T09:05'));
  });

  it("lets the village's own holidays and special hours win over public days", () => {
    const own: ServiceCalendar = {
      ...WEEKDAYS_AND_SUNDAY_MORNING,
      holidays: ['2026-10-10'],
      specialHours: { '2026-10-01': [{ start: '14:00', end: '16:00' }] },
    };
    expect(isInService(own, at('2026-10-10T10:00'))).toBe(false);
    expect(isInService(own, at('2026-10-01T10:00'))).toBe(false);
    expect(isInService(own, at('2026-10-01T15:00'))).toBe(true);
  });
});
