// The record of staff views of personal data: which fields a view showed, and the China day it is
// filed under; the roster's record stands for the whole grid, not each household listed.
import { describe, expect, it } from 'vitest';
import { personalDataAccess, rosterAccess } from '../../core/src/accessLog';
import { at } from './fixtures';

const viewer = { viewerId: 'u-leader', gridId: 'g1', villageId: 'v1' };

describe('personalDataAccess', () => {
  it('records the phone and care needs a household view showed, under its China day', () => {
    const shown = { phone: '13800138000', careNeeds: ['elderlyAlone' as const] };
    expect(personalDataAccess({ ...viewer, householdId: 'h1', via: 'getHousehold' }, shown, at('2026-11-24T07:30'))).toEqual({
      ...viewer,
      householdId: 'h1',
      via: 'getHousehold',
      fields: ['phone', 'careNeeds'],
      day: '2026-11-24',
      at: at('2026-11-24T07:30'),
    });
    expect(personalDataAccess({ ...viewer, householdId: 'h1', via: 'getRequest' }, { careNeeds: [] }, at('2026-11-24T07:30'))).toBeNull();
  });
});

describe('rosterAccess', () => {
  it("records one grid's roster with the fields any household shows, and no household", () => {
    const households = [{ careNeeds: [] }, { careNeeds: ['sick' as const] }, { phone: '13900139000', careNeeds: [] }];
    // 00:30 China time is still the previous day in UTC: the record is filed under the China day.
    const record = rosterAccess(viewer, households, at('2026-11-25T00:30'));
    expect(record).toEqual({ ...viewer, via: 'getGridRoster', fields: ['phone', 'careNeeds'], day: '2026-11-25', at: at('2026-11-25T00:30') });
    expect(record).not.toHaveProperty('householdId');
  });

  it('records nothing for a roster that shows no phone and no care needs', () => {
    expect(rosterAccess(viewer, [{ careNeeds: [] }], at('2026-11-24T09:00'))).toBeNull();
    expect(rosterAccess(viewer, [], at('2026-11-24T09:00'))).toBeNull();
  });
});
