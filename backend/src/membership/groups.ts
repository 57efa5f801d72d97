// A grid's WeChat group (网格微信群): a leader binds it, then anyone who opens the mini-program from
// that group is offered the grid without scanning a code. The group's cloudID (wx.getGroupEnterInfo)
// is opened server-side with cloud.getOpenData to its openGId; one group belongs to one grid.
// resolveGroupGrid answers with a short-lived join scene, which the client passes to joinGrid.
//
// Database round trips: bindGridGroup 3 (actor ∥ grid ∥ open data; grid by openGId; update), 1 when already
// bound. resolveGroupGrid 3 (keyring ∥ membership; grid by openGId; village). Each also makes one
// open-data call.
import { fail, ok, type Result } from '../../../core/src/errors';
import { mayLeadGrid } from '../../../core/src/access';
import { issueJoinToken } from '../../../core/src/joinToken';
import { decideGroupBinding, gridSummary, groupSceneExpiry } from '../../../core/src/membership';
import type { FunctionInputs, GridGroupBinding, GroupGrid } from '../../../core/src/schemas';
import { loadActor } from '../actor';
import type { WxCloud } from '../cloud';
import { COLLECTIONS } from '../collections';
import { fromStored, updateWhere } from '../db';
import type { CallContext } from '../handler';
import { fetchGrid, fetchGridByGroup, fetchVillage, gridPlace } from '../organisation/repo';
import { loadKeyring } from './keyring';
import { loadMembership } from './repo';

/** wx-server-sdk's codes for a cloudID it cannot open: unknown, or past its five-minute life. */
const CLOUD_ID_UNKNOWN = -601005;
const CLOUD_ID_EXPIRED = -601006;

interface OpenDataResult {
  list?: Array<{ data?: { openGId?: unknown } }>;
}

/** The group's openGId, or GROUP.INVALID when WeChat cannot open the cloudID (markNoticeRead asks it too). */
export async function openGroupId(cloud: WxCloud, groupCloudId: string): Promise<Result<string>> {
  try {
    const res = (await (cloud.getOpenData({ list: [groupCloudId] }) as unknown as Promise<OpenDataResult>)) ?? {};
    const openGId = res.list?.[0]?.data?.openGId;
    return typeof openGId === 'string' && openGId ? ok(openGId) : fail('GROUP.INVALID');
  } catch (err) {
    const code = (err as { errCode?: unknown } | null)?.errCode;
    if (code === CLOUD_ID_UNKNOWN || code === CLOUD_ID_EXPIRED) return fail('GROUP.INVALID');
    throw err;
  }
}

export async function bindGridGroup(input: FunctionInputs['bindGridGroup'], ctx: CallContext): Promise<Result<GridGroupBinding>> {
  const { db, now } = ctx;
  const [actor, grid, group] = await Promise.all([
    loadActor(db, ctx.openid, ctx.adminOpenids),
    fetchGrid(db, input.gridId),
    openGroupId(ctx.cloud, input.groupCloudId),
  ]);
  if (!grid) return fail('GRID.NOT_FOUND');
  if (!mayLeadGrid(actor.roles, gridPlace(grid))) return fail('AUTH.FORBIDDEN');
  if (!group.ok) return group;
  // A group already this grid's needs no look-up of who holds it.
  const holder = grid.openGId === group.value ? grid : await fetchGridByGroup(db, group.value);
  const binding = decideGroupBinding(fromStored(grid), group.value, holder && fromStored(holder), ctx.openid, now);
  if (!binding.ok) return binding;
  if (!binding.value.alreadyBound) await updateWhere(db.collection(COLLECTIONS.grids).where({ _id: grid._id }), binding.value.changes);
  return ok({ gridId: grid._id, alreadyBound: binding.value.alreadyBound });
}

export async function resolveGroupGrid(input: FunctionInputs['resolveGroupGrid'], ctx: CallContext): Promise<Result<GroupGrid>> {
  const { db, now } = ctx;
  const [group, keyring, membership] = await Promise.all([openGroupId(ctx.cloud, input.groupCloudId), loadKeyring(db, now), loadMembership(db, ctx.openid)]);
  if (!group.ok) return group;
  const gridDoc = await fetchGridByGroup(db, group.value);
  if (!gridDoc) return fail('GRID.NOT_FOUND', '这个微信群还没有绑定网格，请联系网格长');
  const grid = fromStored(gridDoc);
  const village = await fetchVillage(db, grid.villageId);
  const expiresAt = groupSceneExpiry(now);
  const token = issueJoinToken({ purpose: 'join', subject: grid.code, expiresAt }, keyring);
  if (!token.ok) return token;
  return ok({ grid: gridSummary(grid, village), scene: token.value, expiresAt, alreadyMember: membership?.gridId === grid.id });
}
