// Every "may this person do this here" question, answered from that person's own role assignments
// (loadActor reads them by the openid getWXContext gave; never from a payload). One shape throughout:
// `mayX(roles, place)` where `roles` are one person's assignments and `place` names the street, and the
// village and grid when the question is about one. Street admins reach their street, the committee (两委)
// its village, grid staff their grid. Pure, no I/O.
import type { Id, Request, Role, RoleAssignment } from './model';
import { GRID_ROLES, THREE_LEADER_ROLES } from './model';

type Roles = readonly RoleAssignment[];

export interface StreetPlace {
  streetId: Id;
}
export interface VillagePlace extends StreetPlace {
  villageId: Id;
}
export interface GridPlace extends VillagePlace {
  gridId: Id;
}

/** Village roles that oversee the whole village: its committee and its duty officers. */
const VILLAGE_OVERSIGHT_ROLES: readonly Role[] = ['committee', 'dutyOfficer'];

/** Who manages a village (mayManageVillage): its committee, and the street admins above it. The phone opens the committee pages to them. */
export const VILLAGE_MANAGER_ROLES = ['committee', 'streetAdmin'] as const satisfies readonly Role[];

/** One person's assignments out of a list that holds many people's. */
export function rolesOf(assignments: Roles, userId: Id): RoleAssignment[] {
  return assignments.filter((a) => a.userId === userId);
}

function holdsIn(roles: Roles, wanted: readonly Role[], match: (scope: RoleAssignment['scope']) => boolean): boolean {
  return roles.some((a) => wanted.includes(a.role) && match(a.scope));
}

/** A street admin of the street: may set up its villages and read everything in it. */
export function mayAdministerStreet(roles: Roles, place: StreetPlace): boolean {
  return holdsIn(roles, ['streetAdmin'], (s) => s.streetId === place.streetId);
}

/** The village's committee, or a street admin above it: may set up and configure the village, publish its notices. */
export function mayManageVillage(roles: Roles, place: VillagePlace): boolean {
  const [committee] = VILLAGE_MANAGER_ROLES;
  return holdsIn(roles, [committee], (s) => s.villageId === place.villageId) || mayAdministerStreet(roles, place);
}

/** Village managers or the village's duty officers: may read the village's requests, grids, notices and dashboard. */
export function mayOverseeVillage(roles: Roles, place: VillagePlace): boolean {
  return holdsIn(roles, VILLAGE_OVERSIGHT_ROLES, (s) => s.villageId === place.villageId && s.gridId === undefined) || mayAdministerStreet(roles, place);
}

/** Village managers, or the grid's 三长: may split the grid into micro-grids or bind its WeChat group. */
export function mayLeadGrid(roles: Roles, place: GridPlace): boolean {
  return holdsIn(roles, THREE_LEADER_ROLES, (s) => s.gridId === place.gridId) || mayManageVillage(roles, place);
}

/** Village managers, the 三长 or the grid worker: may hand out the grid's code and see its households (care needs included). */
export function mayServeGrid(roles: Roles, place: GridPlace): boolean {
  return holdsIn(roles, GRID_ROLES, (s) => s.gridId === place.gridId) || mayManageVillage(roles, place);
}

/** Staff responsible for the place's requests: its grid staff, the village's overseers, the street admins. */
export function mayHandleRequestsAt(roles: Roles, place: GridPlace): boolean {
  return mayServeGrid(roles, place) || mayOverseeVillage(roles, place);
}

/** The resident who asked, a responder it was routed to, or staff of its place. */
export function maySeeRequest(roles: Roles, userId: Id, request: Pick<Request, 'residentId' | 'responders'> & GridPlace): boolean {
  return request.residentId === userId || request.responders.includes(userId) || mayHandleRequestsAt(roles, request);
}

/** The street the person administers, or null. */
export function streetAdministered(roles: Roles): Id | null {
  return roles.find((a) => a.role === 'streetAdmin')?.scope.streetId ?? null;
}

function villagesHolding(roles: Roles, wanted: readonly Role[]): Map<Id, VillagePlace> {
  const out = new Map<Id, VillagePlace>();
  for (const { role, scope } of roles) {
    if (wanted.includes(role) && scope.villageId !== undefined && scope.gridId === undefined)
      out.set(scope.villageId, { streetId: scope.streetId, villageId: scope.villageId });
  }
  return out;
}

/** Villages whose committee the person sits on, by village id. */
export function villagesManaged(roles: Roles): Map<Id, VillagePlace> {
  return villagesHolding(roles, ['committee']);
}

/** Villages the person oversees through a village role (committee or duty officer), by village id. */
export function villagesOverseen(roles: Roles): Map<Id, VillagePlace> {
  return villagesHolding(roles, VILLAGE_OVERSIGHT_ROLES);
}

/** Grids where the person is grid staff (the 三长 or the grid worker), by grid id. */
export function gridsServed(roles: Roles): Map<Id, GridPlace> {
  const out = new Map<Id, GridPlace>();
  for (const { role, scope } of roles) {
    const { gridId, villageId, streetId } = scope;
    if ((GRID_ROLES as readonly Role[]).includes(role) && gridId !== undefined && villageId !== undefined) out.set(gridId, { streetId, villageId, gridId });
  }
  return out;
}
