import { describe, expect, it } from 'vitest';
import {
  addServiceTime,
  chinaDateOf,
  DEFAULT_POLICY,
  DEFAULT_SERVICE_CALENDAR,
  escalationPlan,
  firstResponseMs,
  isInService,
  isWithinTarget,
  MINUTE_MS,
  resolvePolicy,
  responseDeadline,
  serviceTimeBetween,
  type ServiceCalendar,
} from '../../core/src';
import { at } from './fixtures';

const WEEKDAYS_ONLY: ServiceCalendar = {
  weeklyHours: {
    1: [
      { start: '08:30', end: '12:00' },
      { start: '14:00', end: '17:30' },
    ],
    2: [
      { start: '08:30', end: '12:00' },
      { start: '14:00', end: '17:30' },
    ],
    3: [
      { start: '08:30', end: '12:00' },
      { start: '14:00', end: '17:30' },
    ],
    4: [
      { start: '08:30', end: '12:00' },
      { start: '14:00', end: '17:30' },
    ],
    5: [
      { start: '08:30', end: '12:00' },
      { start: '14:00', end: '17:30' },
    ],
  },
  holidays: [],
  emergencyMode: false,
};

describe('China time', () => {
  it('dates instants in China, not UTC', () => {
    // 2026-11-24T16:30Z is already the 25th in China.
    expect(chinaDateOf(Date.parse('2026-11-24T16:30:00Z'))).toBe('2026-11-25');
    expect(chinaDateOf(at('2026-11-24T23:59'))).toBe('2026-11-24');
  });
});

describe('responseDeadline (default 08:00–20:00 every day, 10 minutes)', () => {
  it('is 10 minutes later inside service hours', () => {
    expect(responseDeadline(at('2026-11-24T10:00'), DEFAULT_POLICY)).toBe(at('2026-11-24T10:10'));
  });

  it('carries the rest of the target over to the next service day (19:55 → 08:05)', () => {
    expect(responseDeadline(at('2026-11-24T19:55'), DEFAULT_POLICY)).toBe(at('2026-11-25T08:05'));
  });

  it('starts the clock at opening time for a request made at night', () => {
    expect(responseDeadline(at('2026-11-24T23:30'), DEFAULT_POLICY)).toBe(at('2026-11-25T08:10'));
    expect(responseDeadline(at('2026-11-25T06:00'), DEFAULT_POLICY)).toBe(at('2026-11-25T08:10'));
  });

  it('is due exactly at closing time when the target ends there', () => {
    expect(responseDeadline(at('2026-11-24T19:50'), DEFAULT_POLICY)).toBe(at('2026-11-24T20:00'));
  });

  it('skips holidays', () => {
    const policy = resolvePolicy({ calendar: { holidays: ['2026-11-25', '2026-11-26'] } });
    expect(responseDeadline(at('2026-11-24T19:55'), policy, policy.calendar)).toBe(at('2026-11-27T08:05'));
    expect(responseDeadline(at('2026-11-25T10:00'), policy, policy.calendar)).toBe(at('2026-11-27T08:10'));
  });

  it('runs around the clock in emergency mode', () => {
    const policy = resolvePolicy({ calendar: { emergencyMode: true, holidays: ['2026-11-24'] } });
    expect(responseDeadline(at('2026-11-24T19:55'), policy, policy.calendar)).toBe(at('2026-11-24T20:05'));
    expect(responseDeadline(at('2026-11-24T03:00'), policy, policy.calendar)).toBe(at('2026-11-24T03:10'));
  });

  it('counts urgent requests around the clock by default: 03:15 is due 03:25, not 08:10', () => {
    expect(responseDeadline(at('2026-11-24T03:15'), DEFAULT_POLICY, DEFAULT_SERVICE_CALENDAR, true)).toBe(at('2026-11-24T03:25'));
    expect(responseDeadline(at('2026-11-24T19:58'), DEFAULT_POLICY, DEFAULT_SERVICE_CALENDAR, true)).toBe(at('2026-11-24T20:08'));
    // The same request not flagged urgent waits for service hours.
    expect(responseDeadline(at('2026-11-24T03:15'), DEFAULT_POLICY, DEFAULT_SERVICE_CALENDAR, false)).toBe(at('2026-11-24T08:10'));
  });

  it("plans an urgent request's escalations around the clock too", () => {
    const plan = escalationPlan(at('2026-11-24T03:15'), DEFAULT_POLICY, DEFAULT_SERVICE_CALENDAR, true);
    expect(plan.map((s) => s.dueAt)).toEqual([at('2026-11-24T03:25'), at('2026-11-24T03:35'), at('2026-11-24T03:45')]);
  });

  it('lets a village keep urgent clocks in service time', () => {
    const policy = resolvePolicy({ urgentAroundTheClock: false, urgentResponseTargetMs: 5 * MINUTE_MS });
    expect(responseDeadline(at('2026-11-24T10:00'), policy, policy.calendar, true)).toBe(at('2026-11-24T10:05'));
    expect(responseDeadline(at('2026-11-24T19:58'), policy, policy.calendar, true)).toBe(at('2026-11-25T08:03'));
  });

  it('lets a village run urgent clocks around the clock', () => {
    const policy = resolvePolicy({ urgentAroundTheClock: true, urgentResponseTargetMs: 3 * MINUTE_MS });
    expect(responseDeadline(at('2026-11-24T19:58'), policy, policy.calendar, true)).toBe(at('2026-11-24T20:01'));
    // Not urgent: still service hours only.
    expect(responseDeadline(at('2026-11-24T19:58'), policy, policy.calendar, false)).toBe(at('2026-11-25T08:08'));
  });

  it('uses the village target', () => {
    const policy = resolvePolicy({ responseTargetMs: 30 * MINUTE_MS });
    expect(responseDeadline(at('2026-11-24T10:00'), policy)).toBe(at('2026-11-24T10:30'));
  });
});

describe('service calendar with split hours and working days only', () => {
  it('skips the lunch break and the weekend', () => {
    expect(addServiceTime(WEEKDAYS_ONLY, at('2026-11-24T11:55'), 10 * MINUTE_MS)).toBe(at('2026-11-24T14:05'));
    // Friday 17:25 → Monday 08:35 (2026-11-27 is a Friday).
    expect(addServiceTime(WEEKDAYS_ONLY, at('2026-11-27T17:25'), 10 * MINUTE_MS)).toBe(at('2026-11-30T08:35'));
  });

  it('opens a make-up working Saturday given in specialHours', () => {
    const calendar: ServiceCalendar = { ...WEEKDAYS_ONLY, specialHours: { '2026-11-28': [{ start: '09:00', end: '12:00' }] } };
    expect(addServiceTime(calendar, at('2026-11-27T17:25'), 10 * MINUTE_MS)).toBe(at('2026-11-28T09:05'));
    expect(isInService(calendar, at('2026-11-28T10:00'))).toBe(true);
    expect(isInService(calendar, at('2026-11-29T10:00'))).toBe(false);
  });

  it('falls back to wall-clock time when the calendar has no service at all', () => {
    const empty: ServiceCalendar = { weeklyHours: {}, holidays: [], emergencyMode: false };
    expect(addServiceTime(empty, at('2026-11-24T10:00'), 10 * MINUTE_MS)).toBe(at('2026-11-24T10:10'));
  });

  it('measures service time between two instants', () => {
    expect(serviceTimeBetween(DEFAULT_SERVICE_CALENDAR, at('2026-11-24T19:55'), at('2026-11-25T08:05'))).toBe(10 * MINUTE_MS);
    expect(serviceTimeBetween(WEEKDAYS_ONLY, at('2026-11-24T11:00'), at('2026-11-24T15:00'))).toBe(120 * MINUTE_MS);
  });
});

describe('escalation plan', () => {
  it('is due 10 / 20 / 30 minutes after submission by default', () => {
    const plan = escalationPlan(at('2026-11-24T10:00'), DEFAULT_POLICY);
    expect(plan).toEqual([
      { level: 1, audience: 'otherLeaders', dueAt: at('2026-11-24T10:10') },
      { level: 2, audience: 'dutyOfficers', dueAt: at('2026-11-24T10:20') },
      { level: 3, audience: 'streetAdmins', dueAt: at('2026-11-24T10:30') },
    ]);
  });

  it('counts service time too, so a late request escalates next morning', () => {
    const plan = escalationPlan(at('2026-11-24T19:55'), DEFAULT_POLICY);
    expect(plan.map((s) => s.dueAt)).toEqual([at('2026-11-25T08:05'), at('2026-11-25T08:15'), at('2026-11-25T08:25')]);
  });
});

describe('first response', () => {
  const base = { submittedAt: at('2026-11-24T10:00'), responseDueAt: at('2026-11-24T10:10') };
  it('records wall-clock time and whether the target was met', () => {
    const answered = { ...base, firstResponseAt: at('2026-11-24T10:07') };
    expect(firstResponseMs(answered)).toBe(7 * MINUTE_MS);
    expect(isWithinTarget(answered)).toBe(true);
    expect(isWithinTarget({ ...base, firstResponseAt: at('2026-11-24T10:10') })).toBe(true);
    expect(isWithinTarget({ ...base, firstResponseAt: at('2026-11-24T10:11') })).toBe(false);
  });

  it('is unknown while the deadline has not passed, missed after', () => {
    expect(firstResponseMs(base)).toBeNull();
    expect(isWithinTarget(base, at('2026-11-24T10:05'))).toBeNull();
    expect(isWithinTarget(base, at('2026-11-24T10:11'))).toBe(false);
  });
});

describe('resolvePolicy', () => {
  it('keeps defaults for fields the village did not set', () => {
    const policy = resolvePolicy({ autoCloseAfterDays: 3, calendar: { emergencyMode: true } });
    expect(policy.autoCloseAfterDays).toBe(3);
    expect(policy.responseTargetMs).toBe(10 * MINUTE_MS);
    expect(policy.calendar.emergencyMode).toBe(true);
    expect(policy.calendar.weeklyHours).toEqual(DEFAULT_SERVICE_CALENDAR.weeklyHours);
  });
});
