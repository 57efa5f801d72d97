// Who may see or act on which grid, village or street, from the caller's role assignments and
// membership (loadActor). Identity comes only from getWXContext(); nothing here reads the event.
import type { Id, Role } from '../../../core/src/model';
import { isGridRole } from '../../../core/src/model';
import type { Actor } from '../actor';

/** Village roles that may read a village's notices (publishing and reach are the committee's). */
const VILLAGE_READER_ROLES: readonly Role[] = ['committee', 'dutyOfficer'];

/** The street the caller administers, or null. */
export function adminStreet(actor: Actor): Id | null {
  return actor.roles.find((r) => r.role === 'streetAdmin')?.scope.streetId ?? null;
}

/** Villages where the caller holds one of `roles`, with their street. */
export function villagesWithRole(actor: Actor, roles: readonly Role[]): Map<Id, Id> {
  const out = new Map<Id, Id>();
  for (const r of actor.roles) if (roles.includes(r.role) && r.scope.villageId !== undefined && r.scope.gridId === undefined) out.set(r.scope.villageId, r.scope.streetId);
  return out;
}

export function committeeVillages(actor: Actor): Map<Id, Id> {
  return villagesWithRole(actor, ['committee']);
}

export function villageReaderVillages(actor: Actor): Map<Id, Id> {
  return villagesWithRole(actor, VILLAGE_READER_ROLES);
}

export interface GridPlace {
  gridId: Id;
  villageId: Id;
  streetId: Id;
}

/** Grids where the caller is grid staff (the 三长 or the grid worker). */
export function staffGrids(actor: Actor): Map<Id, GridPlace> {
  const out = new Map<Id, GridPlace>();
  for (const r of actor.roles) {
    const { gridId, villageId, streetId } = r.scope;
    if (isGridRole(r.role) && gridId !== undefined && villageId !== undefined) out.set(gridId, { gridId, villageId, streetId });
  }
  return out;
}

/** Staff who may see a grid's households (and their care needs): its grid staff, the village committee, street admins. */
export function isStaffOf(actor: Actor, grid: GridPlace): boolean {
  if (adminStreet(actor) === grid.streetId) return true;
  if (committeeVillages(actor).has(grid.villageId)) return true;
  return staffGrids(actor).has(grid.gridId);
}
