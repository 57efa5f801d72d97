import { describe, expect, it } from 'vitest';
import {
  checkInvitationScope,
  DEFAULT_POLICY,
  MINUTE_MS,
  reportPeriodFromInput,
  responseDeadline,
  villagePolicyFromInput,
  type VillagePolicy,
} from '../../core/src';
import { at } from './fixtures';

const NOW = at('2026-11-24T09:00');

describe('villagePolicyFromInput', () => {
  it('turns minutes and lists into the domain policy, keeping defaults for the rest', () => {
    const result = villagePolicyFromInput(
      {
        villageId: 'v1',
        responseTargetMinutes: 15,
        calendar: {
          weeklyHours: [{ weekday: 1, intervals: [{ start: '08:30', end: '17:30' }] }],
          holidays: ['2026-12-25'],
          specialHours: [{ date: '2026-12-27', intervals: [{ start: '09:00', end: '12:00' }] }],
        },
      },
      null,
      'committeeZheng',
      NOW,
    );
    if (!result.ok) throw new Error(result.message);
    expect(result.value.policy).toMatchObject({
      villageId: 'v1',
      responseTargetMs: 15 * MINUTE_MS,
      updatedBy: 'committeeZheng',
      updatedAt: NOW,
      calendar: {
        weeklyHours: { 1: [{ start: '08:30', end: '17:30' }] },
        holidays: ['2026-12-25'],
        specialHours: { '2026-12-27': [{ start: '09:00', end: '12:00' }] },
      },
    });
    expect(result.value.resolved.urgentResponseTargetMs).toBe(DEFAULT_POLICY.urgentResponseTargetMs);
    expect(result.value.resolved.calendar.emergencyMode).toBe(false);
    // Monday 2026-11-23 17:25 → only Mondays have service → Monday 2026-11-30 08:40.
    expect(responseDeadline(at('2026-11-23T17:25'), result.value.resolved)).toBe(at('2026-11-30T08:40'));
  });

  it('switches emergency mode without losing the stored calendar', () => {
    const stored: VillagePolicy = {
      villageId: 'v1',
      responseTargetMs: 20 * MINUTE_MS,
      calendar: { holidays: ['2026-12-25'] },
      updatedAt: NOW - 1,
      updatedBy: 'x',
    };
    const result = villagePolicyFromInput({ villageId: 'v1', calendar: { emergencyMode: true } }, stored, 'committeeZheng', NOW);
    expect(result.ok && result.value.policy).toMatchObject({ responseTargetMs: 20 * MINUTE_MS, calendar: { holidays: ['2026-12-25'], emergencyMode: true } });
    expect(result.ok && responseDeadline(at('2026-11-24T23:00'), result.value.resolved)).toBe(at('2026-11-24T23:20'));
  });

  it('refuses inconsistent policies with POLICY.INVALID', () => {
    const bad = [
      { villageId: 'v1', responseTargetMinutes: 5, urgentResponseTargetMinutes: 10 },
      { villageId: 'v1', calendar: { weeklyHours: [{ weekday: 1, intervals: [{ start: '12:00', end: '08:00' }] }] } },
      {
        villageId: 'v1',
        calendar: {
          weeklyHours: [
            {
              weekday: 1,
              intervals: [
                { start: '08:00', end: '12:00' },
                { start: '11:00', end: '13:00' },
              ],
            },
          ],
        },
      },
      { villageId: 'v1', calendar: { weeklyHours: [] } },
      { villageId: 'v1', calendar: { holidays: ['2026-02-30'] } },
      {
        villageId: 'v1',
        escalationSteps: [
          { level: 1, audience: 'otherLeaders' as const, afterTargetMinutes: 10 },
          { level: 2, audience: 'dutyOfficers' as const, afterTargetMinutes: 5 },
        ],
      },
      {
        villageId: 'v1',
        escalationSteps: [
          { level: 1, audience: 'otherLeaders' as const, afterTargetMinutes: 0 },
          { level: 1, audience: 'dutyOfficers' as const, afterTargetMinutes: 5 },
        ],
      },
    ];
    for (const input of bad) {
      expect(villagePolicyFromInput(input, null, 'u', NOW), JSON.stringify(input)).toMatchObject({ ok: false, code: 'POLICY.INVALID' });
    }
    // No weekly hours is fine in emergency mode (around the clock).
    expect(villagePolicyFromInput({ villageId: 'v1', calendar: { weeklyHours: [], emergencyMode: true } }, null, 'u', NOW).ok).toBe(true);
  });
});

describe('reportPeriodFromInput', () => {
  it('takes the China week of a date, or an inclusive date range', () => {
    expect(reportPeriodFromInput({ kind: 'week', date: '2026-11-29' })).toEqual({
      ok: true,
      value: { start: at('2026-11-23T00:00'), end: at('2026-11-30T00:00') },
    });
    expect(reportPeriodFromInput({ kind: 'range', from: '2026-11-01', to: '2026-11-30' })).toEqual({
      ok: true,
      value: { start: at('2026-11-01T00:00'), end: at('2026-12-01T00:00') },
    });
  });

  it('refuses backwards, impossible or too long ranges', () => {
    expect(reportPeriodFromInput({ kind: 'range', from: '2026-11-30', to: '2026-11-01' })).toMatchObject({ ok: false, code: 'INPUT.INVALID' });
    expect(reportPeriodFromInput({ kind: 'range', from: '2026-02-30', to: '2026-03-01' })).toMatchObject({ ok: false, code: 'INPUT.INVALID' });
    expect(reportPeriodFromInput({ kind: 'range', from: '2024-01-01', to: '2026-01-01' })).toMatchObject({ ok: false, code: 'INPUT.INVALID' });
  });
});

describe('checkInvitationScope', () => {
  it('needs a grid for grid roles and none for village roles', () => {
    expect(checkInvitationScope('buildingLeader', 'g1').ok).toBe(true);
    expect(checkInvitationScope('dutyOfficer', undefined).ok).toBe(true);
    expect(checkInvitationScope('gridLeader', undefined)).toMatchObject({ ok: false, code: 'INPUT.INVALID' });
    expect(checkInvitationScope('committee', 'g1')).toMatchObject({ ok: false, code: 'INPUT.INVALID' });
  });
});
