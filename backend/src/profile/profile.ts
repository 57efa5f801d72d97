// getMyProfile ("who am I"): the caller's own membership (grid, village, household address) and the
// places they work, derived from their role assignments, so the phone can link a grid leader to the
// leader pages and a committee member to the committee pages. Only the caller's own data: no other
// person's id, role or address is read or returned.
//
// A resident also sees their grid's 三长 (role, name, phone): they are the people to call, public to the
// grid's residents by design. Only those three fields: no openid, and never the grid worker or anyone
// of another grid.
//
// A street admin's villages come from the street (by the villages.streetId index) since their role
// names no village; a street of 33 villages is one read.
//
// Round trips: loadActor 2 (∥; 3 for an ADMIN_OPENIDS admin)
// → grids by `_id in` ∥ villages by `_id in` (a street admin: villages by `streetId`) ∥ the household by
//   `_id` ∥ the member grid's 三长 by `scope.gridId`, 1 each in parallel, each skipped when it has nothing to read.
//   ∥ the caller's authorisations left per subscribe-message template (notify.ts), one read each,
//   none for a long-term template.
// So 2 sequential steps; an unknown user or a resident with no roles costs loadActor plus at most 4 reads
// and the template reads.
import { addressParts } from '../../../core/src/membership';
import { ok, type Result } from '../../../core/src/errors';
import {
  GRID_ROLES,
  isGridRole,
  isLeaderRole,
  isVillageRole,
  THREE_LEADER_ROLES,
  type GridRole,
  type Id,
  type RoleAssignment,
  type VillageRole,
} from '../../../core/src/model';
import type { FunctionInputs } from '../../../core/src/schemas';
import type {
  GridLeaderContact,
  GridWorkPlace,
  MyProfile,
  ProfileMembership,
  ReminderCounts,
  VillageWorkPlace,
  VillageWorkRole,
} from '../../../core/src/schemas/profile';
import { TEMPLATE_KEYS, type TemplateKey } from '../../../core/src/subscriptions';
import { loadActor, type Actor } from '../actor';
import type { Database } from '../cloud';
import { COLLECTIONS } from '../collections';
import { fetchAll, fetchById, MAX_GET_LIMIT } from '../db';
import type { CallContext } from '../handler';
import type { HouseholdDoc } from '../notices/docs';
import { isLongTerm, LONG_TERM_SUBSCRIPTIONS, remainingAuthorisations, TEMPLATE_IDS } from '../notify';
import type { GridDoc, VillageDoc } from '../organisation/repo';

/** A grid has one of each of the 三长, sometimes two; anything past this is a data error, not shown. */
const GRID_LEADERS_MAX = 20;

const VILLAGE_WORK_ROLE_ORDER: readonly VillageWorkRole[] = ['committee', 'dutyOfficer', 'streetAdmin'];

function byId<T extends { _id: string }>(docs: T[]): Map<string, T> {
  return new Map(docs.map((d) => [d._id, d]));
}

function addRole<R>(map: Map<Id, Set<R>>, id: Id, role: R): void {
  const roles = map.get(id) ?? new Set<R>();
  roles.add(role);
  map.set(id, roles);
}

/** Which grids and villages the roles name (grid roles need a gridId, village roles a villageId). */
function workScopes(actor: Actor): { gridRoles: Map<Id, Set<GridRole>>; villageRoles: Map<Id, Set<VillageRole>>; adminStreetId: Id | null } {
  const gridRoles = new Map<Id, Set<GridRole>>();
  const villageRoles = new Map<Id, Set<VillageRole>>();
  let adminStreetId: Id | null = null;
  for (const a of actor.roles) {
    if (isGridRole(a.role) && a.scope.gridId !== undefined) addRole(gridRoles, a.scope.gridId, a.role);
    else if (isVillageRole(a.role) && a.scope.villageId !== undefined && a.scope.gridId === undefined) addRole(villageRoles, a.scope.villageId, a.role);
    else if (a.role === 'streetAdmin') adminStreetId = a.scope.streetId;
  }
  return { gridRoles, villageRoles, adminStreetId };
}

/** The public face of the 三长: role, name and phone only, sorted by role then name. */
function leaderContacts(assignments: RoleAssignment[]): GridLeaderContact[] {
  const contacts: GridLeaderContact[] = [];
  for (const a of assignments) {
    if (!isLeaderRole(a.role)) continue;
    contacts.push({
      role: a.role,
      ...(a.displayName !== undefined ? { displayName: a.displayName } : {}),
      ...(a.phone !== undefined ? { phone: a.phone } : {}),
    });
  }
  const rank = (c: GridLeaderContact): number => THREE_LEADER_ROLES.indexOf(c.role);
  return contacts.sort((a, b) => rank(a) - rank(b) || (a.displayName ?? '').localeCompare(b.displayName ?? '', 'zh-CN'));
}

/** The caller's reminders left per template; a long-term template counts nothing (null), and is not read. */
async function reminderCounts(db: Database, userId: Id): Promise<ReminderCounts> {
  const counts = await Promise.all(
    TEMPLATE_KEYS.map(async (key) => {
      const templateId = TEMPLATE_IDS[key];
      return [key, isLongTerm(templateId) ? null : ((await remainingAuthorisations(db, [userId], templateId))[userId] ?? 0)] as const;
    }),
  );
  return { longTerm: LONG_TERM_SUBSCRIPTIONS, left: Object.fromEntries(counts) as Record<TemplateKey, number | null> };
}

function fetchByIds<T>(db: Database, collection: string, ids: Id[]): Promise<T[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return fetchAll<T>(
    db
      .collection(collection)
      .where({ _id: db.command.in(ids) })
      .limit(MAX_GET_LIMIT),
  );
}

export async function getMyProfile(_input: FunctionInputs['getMyProfile'], ctx: CallContext): Promise<Result<MyProfile>> {
  const { db } = ctx;
  const actor = await loadActor(db, ctx.openid, ctx.adminOpenids);
  const { gridRoles, villageRoles, adminStreetId } = workScopes(actor);
  const membership = actor.membership;

  const gridIds = new Set<Id>(gridRoles.keys());
  if (membership !== null) gridIds.add(membership.gridId);
  // Grid roles carry their villageId in the scope, so grid and village names come in one round.
  const villageIds = new Set<Id>(villageRoles.keys());
  for (const a of actor.roles) if (isGridRole(a.role) && a.scope.villageId !== undefined) villageIds.add(a.scope.villageId);
  if (membership !== null) villageIds.add(membership.villageId);

  const [grids, villages, household, leaderAssignments, reminders] = await Promise.all([
    fetchByIds<GridDoc>(db, COLLECTIONS.grids, [...gridIds].slice(0, MAX_GET_LIMIT)),
    adminStreetId !== null
      ? fetchAll<VillageDoc>(db.collection(COLLECTIONS.villages).where({ streetId: adminStreetId }).limit(MAX_GET_LIMIT))
      : fetchByIds<VillageDoc>(db, COLLECTIONS.villages, [...villageIds].slice(0, MAX_GET_LIMIT)),
    membership?.householdId === undefined ? Promise.resolve(null) : fetchById<HouseholdDoc>(db, COLLECTIONS.households, membership.householdId),
    membership === null
      ? Promise.resolve([])
      : fetchAll<RoleAssignment>(
          db
            .collection(COLLECTIONS.roleAssignments)
            .where({ 'scope.gridId': membership.gridId, role: db.command.in([...THREE_LEADER_ROLES]) })
            .limit(GRID_LEADERS_MAX),
        ),
    reminderCounts(db, actor.userId),
  ]);
  const gridById = byId(grids);
  const villageById = byId(villages);
  const villageName = (id: Id): string => villageById.get(id)?.name ?? '';

  const memberGrid = membership === null ? undefined : gridById.get(membership.gridId);
  const profileMembership: ProfileMembership | null =
    membership === null || memberGrid === undefined
      ? null
      : {
          gridId: memberGrid._id,
          gridName: memberGrid.name,
          villageId: memberGrid.villageId,
          villageName: villageName(memberGrid.villageId),
          // Only the household the membership names, and only if it is in the member's grid.
          household:
            household === null || household.gridId !== memberGrid._id
              ? null
              : {
                  householdId: household._id,
                  ...addressParts(household),
                },
          leaders: leaderContacts(leaderAssignments),
        };

  const gridPlaces: GridWorkPlace[] = [];
  for (const [gridId, roles] of gridRoles) {
    const grid = gridById.get(gridId);
    if (grid === undefined) continue;
    gridPlaces.push({
      gridId,
      gridName: grid.name,
      villageId: grid.villageId,
      villageName: villageName(grid.villageId),
      roles: GRID_ROLES.filter((r) => roles.has(r)),
    });
  }
  gridPlaces.sort((a, b) => (a.gridId < b.gridId ? -1 : a.gridId > b.gridId ? 1 : 0));

  const placeRoles = new Map<Id, Set<VillageWorkRole>>();
  for (const [villageId, roles] of villageRoles) for (const r of roles) addRole(placeRoles, villageId, r);
  if (adminStreetId !== null) for (const v of villages) addRole<VillageWorkRole>(placeRoles, v._id, 'streetAdmin');
  const villagePlaces: VillageWorkPlace[] = [];
  for (const [villageId, roles] of placeRoles) {
    const village = villageById.get(villageId);
    if (village === undefined) continue;
    villagePlaces.push({ villageId, villageName: village.name, roles: VILLAGE_WORK_ROLE_ORDER.filter((r) => roles.has(r)) });
  }
  villagePlaces.sort((a, b) => (a.villageId < b.villageId ? -1 : a.villageId > b.villageId ? 1 : 0));

  return ok({ membership: profileMembership, grids: gridPlaces, villages: villagePlaces, streetAdmin: adminStreetId !== null, reminders });
}
