import { describe, expect, it } from 'vitest';
import { compareAddresses, compareHouseholdsByAddress, pageByAddress } from '../../core/src/addressOrder';
import { gridTotals } from '../../core/src/reach';

const door = (id: string, building?: string, unit?: string, room?: string) => ({
  id,
  ...(building !== undefined ? { building } : {}),
  ...(unit !== undefined ? { unit } : {}),
  ...(room !== undefined ? { room } : {}),
});

describe('compareAddresses', () => {
  it('orders buildings, units and rooms naturally: 2栋 before 10栋, 101 before 1001', () => {
    expect(compareAddresses({ building: '2栋' }, { building: '10栋' })).toBeLessThan(0);
    expect(compareAddresses({ building: '10栋' }, { building: '2栋' })).toBeGreaterThan(0);
    expect(compareAddresses({ building: '3栋', room: '101' }, { building: '3栋', room: '1001' })).toBeLessThan(0);
    expect(compareAddresses({ building: '3栋', unit: '2单元', room: '101' }, { building: '3栋', unit: '10单元', room: '101' })).toBeLessThan(0);
    // Building decides before unit, unit before room.
    expect(compareAddresses({ building: '2栋', unit: '9单元', room: '999' }, { building: '10栋', unit: '1单元', room: '101' })).toBeLessThan(0);
    expect(compareAddresses({ building: '2栋', room: '101' }, { building: '2栋', room: '101' })).toBe(0);
  });

  it('puts a missing part after every given one, and text before digits compares as text', () => {
    expect(compareAddresses({ building: '2栋', unit: '1单元' }, { building: '2栋' })).toBeLessThan(0);
    expect(compareAddresses({}, { building: '99栋' })).toBeGreaterThan(0);
    expect(compareAddresses({ building: 'A2' }, { building: 'B1' })).toBeLessThan(0);
    expect(compareAddresses({ building: '东区3栋' }, { building: '东区12栋' })).toBeLessThan(0);
  });

  it('is a total order over households: the same door falls back to the id', () => {
    const shuffled = [
      door('h5', '10栋', '1单元', '101'),
      door('h2', '2栋', '1单元', '1001'),
      door('h9'),
      door('h1', '2栋', '1单元', '101'),
      door('h4', '2栋', '2单元', '101'),
      door('h3', '2栋', '1单元', '1001'),
    ];
    expect([...shuffled].sort(compareHouseholdsByAddress).map((h) => h.id)).toEqual(['h1', 'h2', 'h3', 'h4', 'h5', 'h9']);
  });
});

describe('pageByAddress', () => {
  const households = Array.from({ length: 12 }, (_, i) => door(`h${String(i).padStart(2, '0')}`, `${12 - i}栋`, undefined, '101'));

  it('pages in address order after the last id, each household once, and says where the next page starts', () => {
    const first = pageByAddress(households, null, 5)!;
    expect(first.page.map((h) => h.building)).toEqual(['1栋', '2栋', '3栋', '4栋', '5栋']);
    const second = pageByAddress(households, first.next, 5)!;
    const third = pageByAddress(households, second.next, 5)!;
    expect(third.next).toBeNull();
    expect([...first.page, ...second.page, ...third.page].map((h) => h.building)).toEqual(Array.from({ length: 12 }, (_, i) => `${i + 1}栋`));
  });

  it('keeps the next page in place when a household is added before the cursor', () => {
    const first = pageByAddress(households, null, 5)!;
    const added = [...households, door('new', '1栋', undefined, '102')];
    expect(pageByAddress(added, first.next, 5)!.page[0]!.building).toBe('6栋');
  });

  it('answers null for a cursor that is no longer in the grid', () => {
    expect(pageByAddress(households, 'gone', 5)).toBeNull();
    expect(pageByAddress([], null, 5)).toEqual({ page: [], next: null });
  });
});

describe('gridTotals', () => {
  const hs = [
    { id: 'a', careNeeds: ['elderlyAlone' as const] },
    { id: 'b', careNeeds: [] },
    { id: 'c', careNeeds: ['sick' as const] },
    { id: 'd', careNeeds: [] },
  ];
  it('counts every household, joined or not, and the notice states once each (a read wins over a mark)', () => {
    expect(gridTotals(hs, new Set(['a', 'x']), { read: new Set(['a', 'b']), told: new Set(['b', 'c']) })).toEqual({
      households: 4,
      joined: 1,
      withCareNeeds: 2,
      notice: { read: 2, toldInPerson: 1, unreached: 1, unreachedWithCareNeeds: 0 },
    });
    expect(gridTotals(hs, new Set(), { read: new Set(), told: new Set(['b']) }).notice).toEqual({
      read: 0,
      toldInPerson: 1,
      unreached: 3,
      unreachedWithCareNeeds: 2,
    });
    expect(gridTotals(hs, new Set(), null).notice).toBeNull();
  });
});
