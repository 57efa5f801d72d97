// Reads of the organisation documents (streets, villages, grids), stored with `_id` = the model id.
import type { GridPlace, VillagePlace } from '../../../core/src/access';
import type { Grid, MicroGrid, Village } from '../../../core/src/model';
import type { Database } from '../cloud';
import { COLLECTIONS } from '../collections';
import { fetchById, fetchOne, type Stored } from '../db';

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
