// Who may act where, answered from the caller's role assignments (loaded by loadActor from the
// openid getWXContext gave). Street admins their street, committees their village, grid staff their grid.
import type { Grid, GridRole, Role, RoleAssignment, Village } from '../../../core/src/model';
import { GRID_ROLES, THREE_LEADER_ROLES } from '../../../core/src/model';

type Roles = readonly RoleAssignment[];

export function isStreetAdminOf(roles: Roles, streetId: string): boolean {
  return roles.some((a) => a.role === 'streetAdmin' && a.scope.streetId === streetId);
}

export function holdsVillageRole(roles: Roles, villageId: string, role: Extract<Role, 'committee' | 'dutyOfficer'>): boolean {
  return roles.some((a) => a.role === role && a.scope.villageId === villageId);
}

function holdsGridRole(roles: Roles, gridId: string, gridRoles: readonly GridRole[]): boolean {
  return roles.some((a) => a.scope.gridId === gridId && (gridRoles as readonly string[]).includes(a.role));
}

/** The committee (两委) of the village, or a street admin above it: may set up and configure the village. */
export function mayManageVillage(roles: Roles, village: Pick<Village, 'id' | 'streetId'>): boolean {
  return holdsVillageRole(roles, village.id, 'committee') || isStreetAdminOf(roles, village.streetId);
}

/** Village managers, or the grid's 三长: e.g. may split the grid into micro-grids or bind its WeChat group. */
export function mayLeadGrid(roles: Roles, grid: Pick<Grid, 'id' | 'villageId' | 'streetId'>): boolean {
  return holdsGridRole(roles, grid.id, THREE_LEADER_ROLES) || mayManageVillage(roles, { id: grid.villageId, streetId: grid.streetId });
}

/** Village managers, the 三长 or the grid worker: may hand out the grid's join code. */
export function mayServeGrid(roles: Roles, grid: Pick<Grid, 'id' | 'villageId' | 'streetId'>): boolean {
  return holdsGridRole(roles, grid.id, GRID_ROLES) || mayManageVillage(roles, { id: grid.villageId, streetId: grid.streetId });
}
