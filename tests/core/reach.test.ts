import { describe, expect, it } from 'vitest';
import { computeNoticeReach, gridsInScope, type Household } from '../../core/src';

const household = (id: string, gridId: string, careNeeds: Household['careNeeds'] = []) => ({ id, gridId, careNeeds });
const HOUSEHOLDS = [
  household('h1', 'g1'),
  household('h2', 'g1', ['elderlyAlone']),
  household('h3', 'g1'),
  household('h4', 'g1', ['disabled', 'sick']),
  household('h5', 'g1'),
  household('h6', 'g2'),
  household('h7', 'g2', ['pregnant']),
  household('h8', 'g3'),
];

describe('gridsInScope', () => {
  const grids = [
    { id: 'g1', villageId: 'v1' },
    { id: 'g2', villageId: 'v1' },
    { id: 'g3', villageId: 'v2' },
  ];
  it('covers the street, a village, or chosen grids of a village', () => {
    expect(gridsInScope({ kind: 'street' }, grids)).toEqual(['g1', 'g2', 'g3']);
    expect(gridsInScope({ kind: 'village', villageId: 'v1' }, grids)).toEqual(['g1', 'g2']);
    expect(gridsInScope({ kind: 'grids', villageId: 'v1', gridIds: ['g2', 'g3'] }, grids)).toEqual(['g2']);
  });
});

describe('computeNoticeReach', () => {
  it('counts read and told-in-person households once each, and lists the unreached, care needs first', () => {
    const receipts = [
      { householdId: 'h1' },
      { householdId: 'h1' }, // two members of one household read it
      { householdId: 'h3' },
      { householdId: 'h6' },
      { householdId: 'h8' }, // out of scope
    ];
    const marks = [
      { householdId: 'h2' }, // elderly, told in person
      { householdId: 'h3' }, // already read: not counted twice
    ];
    const reach = computeNoticeReach(['g1', 'g2'], HOUSEHOLDS, receipts, marks);
    expect(reach.grids).toEqual([
      { gridId: 'g1', total: 5, read: 2, readInGroup: 0, toldInPerson: 1, reached: 3, unreached: ['h4', 'h5'], unreachedWithCareNeeds: 1 },
      { gridId: 'g2', total: 2, read: 1, readInGroup: 0, toldInPerson: 0, reached: 1, unreached: ['h7'], unreachedWithCareNeeds: 1 },
    ]);
    expect(reach.totals).toEqual({ total: 7, read: 3, readInGroup: 0, toldInPerson: 1, reached: 4, unreached: 3, unreachedWithCareNeeds: 2 });
  });

  it("does not count a pending member's read (待核实): the household stays unreached, marked", () => {
    const pending = { claimants: new Set(['o-stranger']), households: new Set(['h2']) };
    const receipts = [
      { householdId: 'h2', userId: 'o-stranger' },
      { householdId: 'h1', userId: 'o-verified' },
    ];
    const reach = computeNoticeReach(['g1'], HOUSEHOLDS, receipts, [], pending);
    expect(reach.grids[0]).toMatchObject({ read: 1, unreachedClaimPending: 1 });
    expect(reach.grids[0]!.unreached).toContain('h2');
    expect(computeNoticeReach(['g1'], HOUSEHOLDS, receipts, []).grids[0]).toMatchObject({ read: 2 });
  });

  it('reports an empty grid as zero, not missing', () => {
    expect(computeNoticeReach(['gEmpty'], HOUSEHOLDS, [], []).grids).toEqual([
      { gridId: 'gEmpty', total: 0, read: 0, readInGroup: 0, toldInPerson: 0, reached: 0, unreached: [], unreachedWithCareNeeds: 0 },
    ]);
  });

  it('counts as read in the group the households whose read came from the grid group card, once each, and only if read', () => {
    const receipts = [
      { householdId: 'h1', channel: 'group' as const },
      { householdId: 'h1', channel: 'group' as const }, // two members, both from the group: one household
      { householdId: 'h3' }, // read in the mini-program
      { householdId: 'h6', channel: 'group' as const },
    ];
    const reach = computeNoticeReach(['g1', 'g2'], HOUSEHOLDS, receipts, [{ householdId: 'h2' }]);
    expect(reach.grids.map((g) => [g.gridId, g.read, g.readInGroup, g.reached])).toEqual([
      ['g1', 2, 1, 3],
      ['g2', 1, 1, 1],
    ]);
    expect(reach.totals.readInGroup).toBe(2);
  });

  it('lists the unreached in the order to knock: care needs first, then no smartphone, then by building, unit and room', () => {
    const at = (id: string, building: string, room: string, extra: { careNeeds?: Household['careNeeds']; noSmartphone?: boolean } = {}) => ({
      id,
      gridId: 'g1',
      building,
      room,
      careNeeds: extra.careNeeds ?? [],
      ...(extra.noSmartphone ? { noSmartphone: true } : {}),
    });
    const households = [
      at('a', '10栋', '101'),
      at('b', '2栋', '1001'),
      at('c', '2栋', '101'),
      at('d', '10栋', '101', { noSmartphone: true }),
      at('e', '3栋', '101', { noSmartphone: true }),
      at('f', '10栋', '101', { careNeeds: ['elderlyAlone'] }),
      at('g', '2栋', '201', { careNeeds: ['sick'], noSmartphone: true }),
      { id: 'r', gridId: 'g1', careNeeds: [] }, // registered without a door: last
    ];
    expect(computeNoticeReach(['g1'], households, [], []).grids[0]!.unreached).toEqual(['g', 'f', 'e', 'd', 'c', 'b', 'a', 'r']);
  });
});
