// Publishing a notice (发布通知): who may publish to which scope, the grids the scope resolves to
// (one delivery shard per village), and the notice itself. Pure: the caller reads the village and
// grids, derives the id and passes `now`.

import { streetAdministered, villagesManaged } from './access';
import type { DeliveryShard } from './delivery';
import { fail, ok, type Result } from './errors';
import type { EpochMs, Grid, Id, Notice, NoticeScope, RoleAssignment, Village } from './model';
import { gridsInScope } from './reach';
import type { PublishNoticeInput } from './schemas/notices';

/**
 * The street a notice to `scope` goes out in, when the publisher may publish there: a street admin
 * anywhere in their street, a committee member in their own village. Decided before anything is read.
 */
export function publishingStreet(roles: readonly RoleAssignment[], scope: NoticeScope): Result<Id> {
  const street = streetAdministered(roles);
  if (scope.kind === 'street') {
    return street === null ? fail('AUTH.FORBIDDEN', '只有街道管理员可以向全街道发布通知') : ok(street);
  }
  const committee = villagesManaged(roles);
  const streetId = committee.get(scope.villageId)?.streetId ?? street;
  if (streetId === null) return fail('AUTH.FORBIDDEN', committee.size > 0 ? '只能向本村（社区）发布通知' : undefined);
  return ok(streetId);
}

/** What publishing reads for the scope: its village (none for a street notice) and the grids it names or holds. */
export interface ScopeGrids {
  village: Pick<Village, 'id' | 'streetId'> | null;
  /** A street notice: every grid of the street. A village notice: the village's grids. Chosen grids: those found by id. */
  grids: readonly Pick<Grid, 'id' | 'villageId'>[];
}

/** A notice being published: its id (derived by the caller), the publisher, and the street publishingStreet gave. */
export interface NoticeDraft {
  id: Id;
  publishedBy: Id;
  streetId: Id;
}

export interface NoticeToPublish {
  notice: Notice;
  /** One delivery job's worth each: the grids reached in one village, in the order the grids came. */
  shards: DeliveryShard[];
}

/** The notice, published `now`, and the grids it reaches; or why its scope names something that is not there. */
export function newNotice(input: PublishNoticeInput, draft: NoticeDraft, loaded: ScopeGrids, now: EpochMs): Result<NoticeToPublish> {
  const shards = scopeShards(input.scope, draft.streetId, loaded);
  if (!shards.ok) return shards;
  const notice: Notice = {
    id: draft.id,
    streetId: draft.streetId,
    title: input.title,
    body: input.body,
    attachments: [...(input.attachments ?? [])],
    scope: input.scope,
    urgent: input.urgent ?? false,
    publishedAt: now,
    publishedBy: draft.publishedBy,
  };
  return ok({ notice, shards: shards.value });
}

function scopeShards(scope: NoticeScope, streetId: Id, loaded: ScopeGrids): Result<DeliveryShard[]> {
  if (scope.kind === 'street') {
    const byVillage = new Map<Id, Id[]>();
    for (const grid of loaded.grids) byVillage.set(grid.villageId, [...(byVillage.get(grid.villageId) ?? []), grid.id]);
    return ok([...byVillage].map(([villageId, gridIds]) => ({ villageId, gridIds })));
  }
  const village = loaded.village;
  if (village === null || village.streetId !== streetId) return fail('VILLAGE.NOT_FOUND');
  if (scope.kind === 'village') return ok([{ villageId: village.id, gridIds: loaded.grids.map((g) => g.id) }]);
  const found = new Set(gridsInScope(scope, loaded.grids));
  const missing = scope.gridIds.filter((id) => !found.has(id));
  if (missing.length > 0) return fail('GRID.NOT_FOUND', undefined, { gridIds: missing });
  return ok([{ villageId: village.id, gridIds: [...scope.gridIds] }]);
}
