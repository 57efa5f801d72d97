// Notice reach (不落一户、不漏一人): for each grid in a notice's scope, which households have read
// it, which a leader told in person or by phone, and which are still unreached — those with care
// needs first, so leaders visit them first.
//
// Counting: a household is `read` if any member opened the notice; `toldInPerson` counts
// households marked by a leader (in person or by phone) that had not read it, so read + toldInPerson
// = reached, and nothing is counted twice.

import type { Grid, Household, Id, NoticeScope, ReachMark, ReadReceipt } from './model';

interface GridReach {
  gridId: Id;
  total: number;
  read: number;
  toldInPerson: number;
  reached: number;
  /** Unreached household ids, households with care needs first. */
  unreached: Id[];
  unreachedWithCareNeeds: number;
}

export interface NoticeReach {
  grids: GridReach[];
  totals: Omit<GridReach, 'gridId' | 'unreached'> & { unreached: number };
}

/** The grids a notice reaches. */
export function gridsInScope(scope: NoticeScope, grids: readonly Pick<Grid, 'id' | 'villageId'>[]): Id[] {
  switch (scope.kind) {
    case 'street':
      return grids.map((g) => g.id);
    case 'village':
      return grids.filter((g) => g.villageId === scope.villageId).map((g) => g.id);
    case 'grids':
      return grids.filter((g) => g.villageId === scope.villageId && scope.gridIds.includes(g.id)).map((g) => g.id);
  }
}

export function computeNoticeReach(
  gridIds: readonly Id[],
  households: readonly Pick<Household, 'id' | 'gridId' | 'careNeeds'>[],
  receipts: readonly Pick<ReadReceipt, 'householdId'>[],
  marks: readonly Pick<ReachMark, 'householdId'>[],
): NoticeReach {
  const readHouseholds = new Set(receipts.map((r) => r.householdId));
  const markedHouseholds = new Set(marks.map((m) => m.householdId));
  const grids = gridIds.map((gridId): GridReach => {
    const inGrid = households.filter((h) => h.gridId === gridId);
    let read = 0;
    let toldInPerson = 0;
    const unreached: Array<Pick<Household, 'id' | 'careNeeds'>> = [];
    for (const household of inGrid) {
      if (readHouseholds.has(household.id)) read += 1;
      else if (markedHouseholds.has(household.id)) toldInPerson += 1;
      else unreached.push(household);
    }
    // Stable sort: households with care needs first, otherwise in the given order.
    const ordered = [...unreached].sort((a, b) => Number(b.careNeeds.length > 0) - Number(a.careNeeds.length > 0));
    return {
      gridId,
      total: inGrid.length,
      read,
      toldInPerson,
      reached: read + toldInPerson,
      unreached: ordered.map((h) => h.id),
      unreachedWithCareNeeds: ordered.filter((h) => h.careNeeds.length > 0).length,
    };
  });
  const sum = (pick: (g: GridReach) => number): number => grids.reduce((acc, g) => acc + pick(g), 0);
  return {
    grids,
    totals: {
      total: sum((g) => g.total),
      read: sum((g) => g.read),
      toldInPerson: sum((g) => g.toldInPerson),
      reached: sum((g) => g.reached),
      unreached: sum((g) => g.unreached.length),
      unreachedWithCareNeeds: sum((g) => g.unreachedWithCareNeeds),
    },
  };
}
