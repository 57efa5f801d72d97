// Use case: the grids of one village, for the committee's pickers. One wave of reads (the caller's
// roles, the village and its grids through the villageId index, in parallel) — the committee pages
// used to read the whole dashboard for this.
import { fail, ok, type Result } from '../../../core/src/errors';
import type { FunctionInputs } from '../../../core/src/schemas';
import type { VillageGrids } from '../../../core/src/schemas/organisation';
import { loadActor } from '../actor';
import { COLLECTIONS } from '../collections';
import { fetchAll, MAX_GET_LIMIT } from '../db';
import type { CallContext } from '../handler';
import { mayOverseeVillage } from '../../../core/src/access';
import { fetchVillage, villagePlace, type GridDoc } from './repo';
import { gridOf, villageOf } from './setup';

export async function listVillageGrids(input: FunctionInputs['listVillageGrids'], ctx: CallContext): Promise<Result<VillageGrids>> {
  const [actor, villageDoc, gridDocs] = await Promise.all([
    loadActor(ctx.db, ctx.openid, ctx.adminOpenids),
    fetchVillage(ctx.db, input.villageId),
    fetchAll<GridDoc>(ctx.db.collection(COLLECTIONS.grids).where({ villageId: input.villageId }).orderBy('_id', 'asc').limit(MAX_GET_LIMIT)),
  ]);
  if (!villageDoc) return fail('VILLAGE.NOT_FOUND');
  const village = villageOf(villageDoc);
  if (!mayOverseeVillage(actor.roles, villagePlace(villageDoc))) return fail('AUTH.FORBIDDEN');
  return ok({ village, grids: gridDocs.map(gridOf) });
}
