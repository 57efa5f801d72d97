import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, MINUTE_MS, resolvePolicy, villagePolicyFromInput, type VillagePolicy } from '../../core/src';
import { at } from './fixtures';

const NOW = at('2026-11-24T09:00');
const VILLAGE_ID = 'v1';

describe('the cover defaults', () => {
  it('runs urgent requests around the clock with the same ten minutes, to all three 三长, with no rota', () => {
    expect(DEFAULT_POLICY).toMatchObject({ urgentAroundTheClock: true, urgentToAllLeaders: true, dutyRota: [] });
    expect(DEFAULT_POLICY.urgentResponseTargetMs).toBe(DEFAULT_POLICY.responseTargetMs);
    expect(resolvePolicy({ urgentToAllLeaders: false }).urgentToAllLeaders).toBe(false);
  });
});

describe('villagePolicyFromInput: urgent cover, rota, due-soon lead, SMS', () => {
  it('stores the rota as given, with no empty fields, and merges the SMS budget over the stored one', () => {
    const stored: VillagePolicy = { villageId: VILLAGE_ID, sms: { enabled: false, dailyBudget: 30 }, updatedAt: NOW, updatedBy: 'committee' };
    const result = villagePolicyFromInput(
      {
        villageId: VILLAGE_ID,
        urgentToAllLeaders: false,
        dutyRota: [
          { officerId: 'dutyZhou', weekdays: [1, 2], start: '08:00', end: '18:00' },
          { officerId: 'dutyWu', dates: ['2026-10-01'], start: '20:00', end: '08:00' },
        ],
        dueSoonBeforeMs: 4 * MINUTE_MS,
        sms: { dailyBudget: 60 },
      },
      stored,
      'committee',
      NOW,
    );
    if (!result.ok) throw new Error(result.message);
    expect(result.value.policy.dutyRota).toEqual([
      { officerId: 'dutyZhou', weekdays: [1, 2], start: '08:00', end: '18:00' },
      { officerId: 'dutyWu', dates: ['2026-10-01'], start: '20:00', end: '08:00' },
    ]);
    expect(Object.keys(result.value.policy.dutyRota?.[1] ?? {})).not.toContain('weekdays');
    expect(result.value.policy).toMatchObject({ urgentToAllLeaders: false, dueSoonBeforeMs: 4 * MINUTE_MS, sms: { enabled: false, dailyBudget: 60 } });
    expect(result.value.resolved.sms).toEqual({ enabled: false, dailyBudget: 60 });
  });

  it('refuses a chosen due-soon lead that is not below the response target, also when the target shrinks later', () => {
    expect(villagePolicyFromInput({ villageId: VILLAGE_ID, dueSoonBeforeMs: 10 * MINUTE_MS }, null, 'committee', NOW)).toMatchObject({
      ok: false,
      code: 'POLICY.INVALID',
    });
    const stored: VillagePolicy = { villageId: VILLAGE_ID, dueSoonBeforeMs: 5 * MINUTE_MS, updatedAt: NOW, updatedBy: 'committee' };
    expect(villagePolicyFromInput({ villageId: VILLAGE_ID, responseTargetMinutes: 5, urgentResponseTargetMinutes: 5 }, stored, 'committee', NOW)).toMatchObject(
      {
        ok: false,
        code: 'POLICY.INVALID',
      },
    );
    expect(villagePolicyFromInput({ villageId: VILLAGE_ID, responseTargetMinutes: 6, urgentResponseTargetMinutes: 6 }, stored, 'committee', NOW).ok).toBe(true);
  });

  it("still accepts a short target when the village never chose a lead (the default lead is the reminder's to fit)", () => {
    expect(villagePolicyFromInput({ villageId: VILLAGE_ID, responseTargetMinutes: 2, urgentResponseTargetMinutes: 1 }, null, 'committee', NOW).ok).toBe(true);
  });
});
