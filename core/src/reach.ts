// Notice reach (不落一户、不漏一人): for each grid in a notice's scope, which households have read
// it, which a leader told in person or by phone, and which are still unreached — those with care
// needs first, so leaders visit them first.
//
// Counting: a household is `read` if any member opened the notice; `toldInPerson` counts
// households marked by a leader (in person or by phone) that had not read it, so read + toldInPerson
// = reached, and nothing is counted twice. `readInGroup` is the part of `read` whose first read came
// from a card forwarded into the grid's bound WeChat group: how much the group carries.
//
// Which grids a notice reaches is decided here once (scopeCoversGrid): publish, the reads, the marks,
// reach and the roster all ask it. The notice queries of listNotices and the roster say the same rule
// in the database's words (backend/src/notices/repo.ts).

import type { GridPlace } from './access';
import { compareHouseholdsByAddress } from './addressOrder';
import { NO_PENDING_CLAIMS, verifiedReads, type PendingClaims } from './claims';
import type { Grid, Household, Id, Notice, NoticeScope, ReachMark, ReadReceipt } from './model';

/** How a household stands for one notice: a member read it, a leader told it, or neither yet. */
const NOTICE_REACH_STATES = ['read', 'toldInPerson', 'unreached'] as const;
export type NoticeReachState = (typeof NOTICE_REACH_STATES)[number];

interface GridReach {
  gridId: Id;
  total: number;
  read: number;
  /** Of `read`, households a member of which first read it from the grid's WeChat group. */
  readInGroup: number;
  toldInPerson: number;
  reached: number;
  /** Unreached household ids in the order to knock: care needs first, then no smartphone, then by address. */
  unreached: Id[];
  unreachedWithCareNeeds: number;
  /**
   * Of the unreached, households only a pending member (待核实) has claimed: someone must still go to the
   * door. Only when the pending claims were given (getNoticeReach); the weekly report gives them so
   * their reads do not count, but sums only the households reached.
   */
  unreachedClaimPending?: number;
}

export interface NoticeReach {
  grids: GridReach[];
  totals: Omit<GridReach, 'gridId' | 'unreached'> & { unreached: number };
}

/** Whether a scope covers a grid of its street: every grid, the village's grids, or the chosen grids of the village. */
function scopeCoversGrid(scope: NoticeScope, grid: Pick<GridPlace, 'gridId' | 'villageId'>): boolean {
  if (scope.kind === 'street') return true;
  return scope.villageId === grid.villageId && (scope.kind === 'village' || scope.gridIds.includes(grid.gridId));
}

/** Whether the notice reaches the grid (never a grid of another street). */
export function noticeReachesGrid(notice: Pick<Notice, 'streetId' | 'scope'>, grid: GridPlace): boolean {
  return notice.streetId === grid.streetId && scopeCoversGrid(notice.scope, grid);
}

/** The grids a scope reaches, out of grids of its street. */
export function gridsInScope(scope: NoticeScope, grids: readonly Pick<Grid, 'id' | 'villageId'>[]): Id[] {
  return grids.filter((g) => scopeCoversGrid(scope, { gridId: g.id, villageId: g.villageId })).map((g) => g.id);
}

/** A household's state for a notice: a read wins over a leader's mark, so nothing counts twice. */
export function householdReachState(read: boolean, told: boolean): NoticeReachState {
  if (read) return 'read';
  return told ? 'toldInPerson' : 'unreached';
}

/** A household as reach reads it: its grid, door, care needs and whether only a visit or a call reaches it. */
type ReachHousehold = Pick<Household, 'id' | 'gridId' | 'careNeeds' | 'noSmartphone' | 'building' | 'unit' | 'room'>;

/**
 * The order a leader visits unreached households in: care needs first (独居老人 cannot wait), then
 * households without a smartphone (only a visit or a call reaches them), then by building, unit and room.
 */
function compareForOutreach(a: Omit<ReachHousehold, 'gridId'>, b: Omit<ReachHousehold, 'gridId'>): number {
  return (
    Number(b.careNeeds.length > 0) - Number(a.careNeeds.length > 0) ||
    Number(b.noSmartphone === true) - Number(a.noSmartphone === true) ||
    compareHouseholdsByAddress(a, b)
  );
}

/** A grid's whole-register figures: every household, registered or joined, counts (不落一户). */
export interface GridTotals {
  households: number;
  /** Households at least one resident of which joined on the phone. */
  joined: number;
  withCareNeeds: number;
  /** For a notice: how the grid's households stand (null without one); the unreached with care needs are visited first. */
  notice: { read: number; toldInPerson: number; unreached: number; unreachedWithCareNeeds: number } | null;
}

export function gridTotals(
  households: readonly Pick<Household, 'id' | 'careNeeds'>[],
  joined: ReadonlySet<Id>,
  notice: { read: ReadonlySet<Id>; told: ReadonlySet<Id> } | null,
): GridTotals {
  const counts = { read: 0, toldInPerson: 0, unreached: 0, unreachedWithCareNeeds: 0 };
  if (notice !== null) {
    for (const h of households) {
      const state = householdReachState(notice.read.has(h.id), notice.told.has(h.id));
      counts[state] += 1;
      if (state === 'unreached' && h.careNeeds.length > 0) counts.unreachedWithCareNeeds += 1;
    }
  }
  return {
    households: households.length,
    joined: households.filter((h) => joined.has(h.id)).length,
    withCareNeeds: households.filter((h) => h.careNeeds.length > 0).length,
    notice: notice === null ? null : counts,
  };
}

export function computeNoticeReach(
  gridIds: readonly Id[],
  households: readonly ReachHousehold[],
  receipts: readonly (Pick<ReadReceipt, 'householdId' | 'channel'> & Partial<Pick<ReadReceipt, 'userId'>>)[],
  marks: readonly Pick<ReachMark, 'householdId'>[],
  pending?: PendingClaims,
): NoticeReach {
  const counted = verifiedReads(receipts, pending ?? NO_PENDING_CLAIMS);
  const readHouseholds = new Set(counted.map((r) => r.householdId));
  const readInGroupHouseholds = new Set(counted.filter((r) => r.channel === 'group').map((r) => r.householdId));
  const markedHouseholds = new Set(marks.map((m) => m.householdId));
  const grids = gridIds.map((gridId): GridReach => {
    const inGrid = households.filter((h) => h.gridId === gridId);
    let read = 0;
    let readInGroup = 0;
    let toldInPerson = 0;
    const unreached: ReachHousehold[] = [];
    for (const household of inGrid) {
      const state = householdReachState(readHouseholds.has(household.id), markedHouseholds.has(household.id));
      if (state === 'read') {
        read += 1;
        if (readInGroupHouseholds.has(household.id)) readInGroup += 1;
      } else if (state === 'toldInPerson') toldInPerson += 1;
      else unreached.push(household);
    }
    const ordered = [...unreached].sort(compareForOutreach);
    return {
      gridId,
      total: inGrid.length,
      read,
      readInGroup,
      toldInPerson,
      reached: read + toldInPerson,
      unreached: ordered.map((h) => h.id),
      unreachedWithCareNeeds: ordered.filter((h) => h.careNeeds.length > 0).length,
      ...(pending !== undefined ? { unreachedClaimPending: ordered.filter((h) => pending.households.has(h.id)).length } : {}),
    };
  });
  const sum = (pick: (g: GridReach) => number): number => grids.reduce((acc, g) => acc + pick(g), 0);
  return {
    grids,
    totals: {
      total: sum((g) => g.total),
      read: sum((g) => g.read),
      readInGroup: sum((g) => g.readInGroup),
      toldInPerson: sum((g) => g.toldInPerson),
      reached: sum((g) => g.reached),
      unreached: sum((g) => g.unreached.length),
      unreachedWithCareNeeds: sum((g) => g.unreachedWithCareNeeds),
      ...(pending !== undefined ? { unreachedClaimPending: sum((g) => g.unreachedClaimPending ?? 0) } : {}),
    },
  };
}
