// Use cases that set up the organisation: villages (street admin), grids (committee or street admin,
// with a random unique short code for join QR codes) and micro-grids (committee or the grid's 三长).
// Creates are idempotent: the _id is derived from the parent and the name, so a retried call finds
// the document it made the first time instead of making a second one.
//
// Database round trips: createVillage 2 (actor; insert) + 1 read when it already exists.
// createGrid 2 (actor ∥ village; insert) + 1 read per collision. createMicroGrid 2 (actor ∥ grid;
// insert) + 1 read (+1 leader update) when it already exists.
import { fail, ok, type Result } from '../../../core/src/errors';
import { GRID_CODE_LENGTH } from '../../../core/src/joinToken';
import type { Grid, MicroGrid, Village } from '../../../core/src/model';
import type { FunctionInputs } from '../../../core/src/schemas';
import type { GridCreated, MicroGridCreated, VillageCreated } from '../../../core/src/schemas/organisation';
import { loadActor } from '../actor';
import { COLLECTIONS } from '../collections';
import { fetchById, fromStored, insertOnce, updateWhere } from '../db';
import type { CallContext } from '../handler';
import { mayAdministerStreet, mayLeadGrid, mayManageVillage } from '../../../core/src/access';
import { randomCode, stableId } from './ids';
import { fetchGrid, fetchVillage, gridPlace, villagePlace, type GridDoc, type MicroGridDoc, type VillageDoc } from './repo';

/** A fresh grid code collides with probability ~n/62^7; a few attempts make failure practically impossible. */
const GRID_CODE_ATTEMPTS = 5;

export async function createVillage(input: FunctionInputs['createVillage'], ctx: CallContext): Promise<Result<VillageCreated>> {
  const actor = await loadActor(ctx.db, ctx.openid, ctx.adminOpenids);
  if (!mayAdministerStreet(actor.roles, { streetId: input.streetId })) return fail('AUTH.FORBIDDEN');
  const name = input.name.trim();
  const doc: VillageDoc = {
    _id: stableId('v', input.streetId, name),
    streetId: input.streetId,
    name,
    kind: input.kind,
    createdAt: ctx.now,
    createdBy: ctx.openid,
  };
  if (await insertOnce(ctx.db, COLLECTIONS.villages, doc)) return ok({ village: villageOf(doc), created: true });
  const existing = await fetchVillage(ctx.db, doc._id);
  if (!existing) throw new Error(`village ${doc._id} collided but cannot be read`);
  return ok({ village: villageOf(existing), created: false });
}

export async function createGrid(input: FunctionInputs['createGrid'], ctx: CallContext): Promise<Result<GridCreated>> {
  const [actor, village] = await Promise.all([loadActor(ctx.db, ctx.openid, ctx.adminOpenids), fetchVillage(ctx.db, input.villageId)]);
  if (!village) return fail('VILLAGE.NOT_FOUND');
  if (!mayManageVillage(actor.roles, villagePlace(village))) return fail('AUTH.FORBIDDEN');
  const name = input.name.trim();
  const gridId = stableId('g', village._id, name);
  for (let attempt = 0; attempt < GRID_CODE_ATTEMPTS; attempt += 1) {
    const doc: GridDoc = {
      _id: gridId,
      villageId: village._id,
      streetId: village.streetId,
      name,
      code: randomCode(GRID_CODE_LENGTH),
      createdAt: ctx.now,
      createdBy: ctx.openid,
    };
    if (await insertOnce(ctx.db, COLLECTIONS.grids, doc)) return ok({ grid: gridOf(doc), created: true });
    // Either this grid exists already (a retry: return it) or the random code was taken (try another).
    const existing = await fetchGrid(ctx.db, gridId);
    if (existing) return ok({ grid: gridOf(existing), created: false });
  }
  throw new Error(`no free grid code after ${GRID_CODE_ATTEMPTS} attempts`);
}

export async function createMicroGrid(input: FunctionInputs['createMicroGrid'], ctx: CallContext): Promise<Result<MicroGridCreated>> {
  const [actor, grid] = await Promise.all([loadActor(ctx.db, ctx.openid, ctx.adminOpenids), fetchGrid(ctx.db, input.gridId)]);
  if (!grid) return fail('GRID.NOT_FOUND');
  if (!mayLeadGrid(actor.roles, gridPlace(grid))) return fail('AUTH.FORBIDDEN');
  const name = input.name.trim();
  const doc: MicroGridDoc = {
    _id: stableId('mg', grid._id, name),
    gridId: grid._id,
    villageId: grid.villageId,
    name,
    ...(input.leaderUserId !== undefined ? { leaderUserId: input.leaderUserId } : {}),
    ...(input.buildings !== undefined ? { buildings: input.buildings } : {}),
    createdAt: ctx.now,
    createdBy: ctx.openid,
  };
  if (await insertOnce(ctx.db, COLLECTIONS.microGrids, doc)) return ok({ microGrid: microGridOf(doc), created: true });
  const existing = await fetchById<MicroGridDoc>(ctx.db, COLLECTIONS.microGrids, doc._id);
  if (!existing) throw new Error(`micro-grid ${doc._id} collided but cannot be read`);
  // An ended micro-grid stays ended (its history is kept): a new emergency takes a new name.
  if (existing.endedAt !== undefined) return fail('MICROGRID.ENDED', '这个小网格已结束，请换一个名称新建');
  // Calling again with another temporary leader or other buildings hands the micro-grid over / redraws it.
  const changes = {
    ...(input.leaderUserId !== undefined && existing.leaderUserId !== input.leaderUserId ? { leaderUserId: input.leaderUserId } : {}),
    ...(input.buildings !== undefined ? { buildings: input.buildings } : {}),
  };
  if (Object.keys(changes).length > 0) {
    await updateWhere(ctx.db.collection(COLLECTIONS.microGrids).where({ _id: existing._id }), changes);
    Object.assign(existing, changes);
  }
  return ok({ microGrid: microGridOf(existing), created: false });
}

export function villageOf(doc: VillageDoc): Village {
  const { id, streetId, name, kind } = fromStored(doc);
  return { id, streetId, name, kind };
}

export function gridOf(doc: GridDoc): Grid {
  const { id, villageId, streetId, name, code, openGId } = fromStored(doc);
  return { id, villageId, streetId, name, code, ...(openGId !== undefined ? { openGId } : {}) };
}

function microGridOf(doc: MicroGridDoc): MicroGrid {
  const { id, gridId, villageId, name, leaderUserId, buildings } = fromStored(doc);
  return { id, gridId, villageId, name, ...(leaderUserId !== undefined ? { leaderUserId } : {}), ...(buildings !== undefined ? { buildings } : {}) };
}
