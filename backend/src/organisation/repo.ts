// Reads of the organisation documents (streets, villages, grids), stored with `_id` = the model id.
import type { Grid, MicroGrid, Village } from '../../../core/src/model';
import type { Database } from '../cloud';
import { COLLECTIONS } from '../collections';
import { fetchById, fetchOne } from '../db';

export type Stored<T extends { id: string }> = Omit<T, 'id'> & { _id: string };

export type VillageDoc = Stored<Village> & { createdAt?: number; createdBy?: string };
export type GridDoc = Stored<Grid> & { createdAt?: number; createdBy?: string; groupBoundAt?: number; groupBoundBy?: string };
export type MicroGridDoc = Stored<MicroGrid> & { createdAt: number; createdBy: string };

/** Stored document → model object. */
export function fromDoc<T extends { _id: string }>(doc: T): Omit<T, '_id'> & { id: string } {
  const { _id, ...rest } = doc;
  return { id: _id, ...rest };
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
