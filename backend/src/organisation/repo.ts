// Reads of the organisation documents (streets, villages, grids, village policies), stored with
// `_id` = the model id.
import type { GridPlace, VillagePlace } from '../../../core/src/access';
import type { Grid, Id, MicroGrid, RoleAssignment, Village, VillagePolicy } from '../../../core/src/model';
import { resolvePolicy, type ResolvedPolicy } from '../../../core/src/policy';
import type { Database } from '../cloud';
import { COLLECTIONS } from '../collections';
import { fetchAll, fetchById, fetchOne, MAX_GET_LIMIT, type Stored } from '../db';

export type VillageDoc = Stored<Village> & { createdAt?: number; createdBy?: string };
export type GridDoc = Stored<Grid> & { createdAt?: number; createdBy?: string; groupBoundAt?: number; groupBoundBy?: string };
export type MicroGridDoc = Stored<MicroGrid> & { createdAt: number; createdBy: string };

/** Where a grid is, as access questions take it. */
export function gridPlace(grid: Pick<GridDoc, '_id' | 'villageId' | 'streetId'>): GridPlace {
  return { streetId: grid.streetId, villageId: grid.villageId, gridId: grid._id };
}

export function villagePlace(village: Pick<VillageDoc, '_id' | 'streetId'>): VillagePlace {
  return { streetId: village.streetId, villageId: village._id };
}

export function fetchVillage(db: Database, villageId: string): Promise<VillageDoc | null> {
  return fetchById<VillageDoc>(db, COLLECTIONS.villages, villageId);
}

export function fetchGrid(db: Database, gridId: string): Promise<GridDoc | null> {
  return fetchById<GridDoc>(db, COLLECTIONS.grids, gridId);
}

/** Through the unique `code` index. */
export function fetchGridByCode(db: Database, code: string): Promise<GridDoc | null> {
  return fetchOne<GridDoc>(db.collection(COLLECTIONS.grids).where({ code }).limit(1));
}

/** Through the `openGId` index. */
export function fetchGridByGroup(db: Database, openGId: string): Promise<GridDoc | null> {
  return fetchOne<GridDoc>(db.collection(COLLECTIONS.grids).where({ openGId }).limit(1));
}

/**
 * The policies in force of several villages (one query through `_id`): a lookup that answers the
 * defaults for a village that never set one.
 */
export async function loadVillagePolicies(db: Database, villageIds: readonly Id[]): Promise<(villageId: Id) => ResolvedPolicy> {
  const _ = db.command;
  const docs =
    villageIds.length === 0
      ? []
      : await fetchAll<VillagePolicy & { _id: string }>(
          db
            .collection(COLLECTIONS.villagePolicies)
            .where({ _id: _.in([...villageIds]) })
            .limit(MAX_GET_LIMIT),
        );
  const byVillage = new Map(docs.map((doc) => [doc._id, resolvePolicy(doc)]));
  return (villageId) => byVillage.get(villageId) ?? resolvePolicy();
}

/** The duty officers' assignments of one village (through the `scope.villageId` index). */
export function fetchDutyOfficerAssignments(db: Database, villageId: Id): Promise<RoleAssignment[]> {
  return fetchAll<RoleAssignment>(db.collection(COLLECTIONS.roleAssignments).where({ 'scope.villageId': villageId, role: 'dutyOfficer' }).limit(MAX_GET_LIMIT));
}

/** The role assignments of `userIds` (to name staff by role and name), by the userId index. One round trip, none for nobody. */
export function fetchAssignmentsOf(db: Database, userIds: readonly Id[]): Promise<RoleAssignment[]> {
  const ids = [...new Set(userIds)];
  if (ids.length === 0) return Promise.resolve([]);
  return fetchAll<RoleAssignment>(
    db
      .collection(COLLECTIONS.roleAssignments)
      .where({ userId: db.command.in(ids) })
      .limit(MAX_GET_LIMIT),
  );
}
