import { describe, expect, it } from 'vitest';
import { decideEscalation, resolvePolicy, type DutyShift, type Request } from '../../core/src';
import { dutyOfficersAt, officersOnRota, rotaOfficersWithoutRole, shiftCovers } from '../../core/src/dutyRota';
import { ASSIGNMENTS, at, newRequest, VILLAGE } from './fixtures';

/** Zhou works weekday days; Wu the nights from Friday to Saturday morning. 2026-11-27 is a Friday. */
const DAY_SHIFT: DutyShift = { officerId: 'dutyZhou', weekdays: [1, 2, 3, 4, 5], start: '08:00', end: '18:00' };
const FRIDAY_NIGHT: DutyShift = { officerId: 'dutyWu', weekdays: [5], start: '20:00', end: '08:00' };
/** Holiday duty on one date only. */
const NATIONAL_DAY: DutyShift = { officerId: 'dutyWu', dates: ['2026-10-01'], start: '09:00', end: '17:00' };

describe('shiftCovers', () => {
  const cases: [string, DutyShift, string, boolean][] = [
    ['a day shift at its start', DAY_SHIFT, '2026-11-27T08:00', true],
    ['a day shift just before its end', DAY_SHIFT, '2026-11-27T17:59', true],
    ['a day shift at its end (excluded)', DAY_SHIFT, '2026-11-27T18:00', false],
    ['a day shift on a weekday it does not name', DAY_SHIFT, '2026-11-28T10:00', false],
    ['an overnight shift before it starts', FRIDAY_NIGHT, '2026-11-27T19:59', false],
    ['an overnight shift before midnight', FRIDAY_NIGHT, '2026-11-27T23:30', true],
    ['an overnight shift into the next morning', FRIDAY_NIGHT, '2026-11-28T03:15', true],
    ['an overnight shift at its end', FRIDAY_NIGHT, '2026-11-28T08:00', false],
    ["an overnight shift in its weekday's early hours, which belong to the night before", FRIDAY_NIGHT, '2026-11-27T03:15', false],
    ['an overnight shift on the next evening', FRIDAY_NIGHT, '2026-11-28T21:00', false],
    ['a date-only shift on its date', NATIONAL_DAY, '2026-10-01T10:00', true],
    ['a date-only shift the day after', NATIONAL_DAY, '2026-10-02T10:00', false],
    ['a date-only shift a week later', NATIONAL_DAY, '2026-10-08T10:00', false],
  ];
  it.each(cases)('%s', (_case, shift, instant, covered) => {
    expect(shiftCovers(shift, at(instant))).toBe(covered);
  });

  it('repeats every day when it names neither weekdays nor dates, and lasts 24 h when end equals start', () => {
    const allDay: DutyShift = { officerId: 'dutyZhou', start: '08:00', end: '08:00' };
    expect(shiftCovers(allDay, at('2026-11-28T07:59'))).toBe(true);
    expect(shiftCovers(allDay, at('2026-11-29T12:00'))).toBe(true);
  });
});

describe('duty officers at an instant', () => {
  const rota = [DAY_SHIFT, FRIDAY_NIGHT, NATIONAL_DAY];

  it('names the officer on duty', () => {
    expect(officersOnRota(rota, at('2026-11-27T10:00'))).toEqual(['dutyZhou']);
    expect(dutyOfficersAt(ASSIGNMENTS, VILLAGE, rota, at('2026-11-27T10:00'))).toEqual(['dutyZhou']);
    expect(dutyOfficersAt(ASSIGNMENTS, VILLAGE, rota, at('2026-11-28T03:15'))).toEqual(['dutyWu']);
  });

  it('falls back to every duty officer in a hole of the rota, or with no rota', () => {
    expect(officersOnRota(rota, at('2026-11-27T19:00'))).toEqual([]);
    expect(dutyOfficersAt(ASSIGNMENTS, VILLAGE, rota, at('2026-11-27T19:00'))).toEqual(['dutyZhou', 'dutyWu']);
    expect(dutyOfficersAt(ASSIGNMENTS, VILLAGE, [], at('2026-11-27T10:00'))).toEqual(['dutyZhou', 'dutyWu']);
  });

  it('falls back when the officer on duty no longer holds the role in the village', () => {
    const withoutZhou = ASSIGNMENTS.filter((a) => a.userId !== 'dutyZhou');
    expect(dutyOfficersAt(withoutZhou, VILLAGE, rota, at('2026-11-27T10:00'))).toEqual(['dutyWu']);
    // dutyFar is a duty officer of another village: the rota cannot make them this village's.
    const farRota: DutyShift[] = [{ officerId: 'dutyFar', start: '00:00', end: '00:00' }];
    expect(dutyOfficersAt(ASSIGNMENTS, VILLAGE, farRota, at('2026-11-27T10:00'))).toEqual(['dutyZhou', 'dutyWu']);
  });

  it('lists the rota officers who are not duty officers of the village', () => {
    const shifts: DutyShift[] = [DAY_SHIFT, { officerId: 'dutyFar', start: '00:00', end: '06:00' }, { officerId: 'leaderWang', start: '06:00', end: '08:00' }];
    expect(rotaOfficersWithoutRole(shifts, ASSIGNMENTS, VILLAGE)).toEqual(['dutyFar', 'leaderWang']);
    expect(rotaOfficersWithoutRole(rota, ASSIGNMENTS, VILLAGE)).toEqual([]);
  });
});

describe('level 2 escalation with a rota', () => {
  /** A request at level 1 already, so the next decision is level 2 (dutyOfficers). */
  function atLevelOne(submittedAt: number): Request {
    const request = newRequest(submittedAt);
    return { ...request, escalationLevel: 1 };
  }

  it('goes to the officer on duty at the escalation instant only', () => {
    const policy = resolvePolicy({ dutyRota: [DAY_SHIFT, FRIDAY_NIGHT] });
    const request = atLevelOne(at('2026-11-27T10:00'));
    const decision = decideEscalation(request, ASSIGNMENTS, at('2026-11-27T10:20'), policy);
    expect(decision).toMatchObject({ kind: 'escalate', toLevel: 2, audience: 'dutyOfficers', recipients: ['dutyZhou'] });
  });

  it('goes to every duty officer when the rota has a hole then', () => {
    const policy = resolvePolicy({ dutyRota: [FRIDAY_NIGHT] });
    const request = atLevelOne(at('2026-11-27T10:00'));
    const decision = decideEscalation(request, ASSIGNMENTS, at('2026-11-27T10:20'), policy);
    expect(decision).toMatchObject({ kind: 'escalate', toLevel: 2, recipients: ['dutyZhou', 'dutyWu'] });
  });
});
