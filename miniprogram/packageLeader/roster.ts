// The roster reply (getGridRoster), checked just enough that a page never reads a missing list.
// The shape is the backend's own type, imported for types only.
import type { GridRoster } from '../../backend/src/roster/roster';

export type { GridRoster, RosterHousehold, RosterLeader, NoticeReachState } from '../../backend/src/roster/roster';

export function toRoster(value: unknown): GridRoster | null {
  if (value === null || typeof value !== 'object') return null;
  const o = value as Partial<GridRoster>;
  if (o.grid === undefined || !Array.isArray(o.households) || !Array.isArray(o.leaders)) return null;
  return o as GridRoster;
}
