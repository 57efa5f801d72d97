// A grid's WeChat group (网格微信群): a leader binds it, then anyone who opens the mini-program from
// that group is offered the grid without scanning a code. The group's cloudID (wx.getGroupEnterInfo)
// is opened server-side with cloud.getOpenData to its openGId; one group belongs to one grid.
// resolveGroupGrid answers with a short-lived join scene, which the client passes to joinGrid.
//
// Database round trips: bindGridGroup 3 (actor ∥ grid ∥ open data; grid by openGId; update), 1 when already
// bound. resolveGroupGrid 3 (keyring ∥ membership; grid by openGId; village). Each also makes one
// open-data call.
import { fail, ok, type Result } from '../../../core/src/errors';
import { issueJoinToken } from '../../../core/src/joinToken';
import type { Membership } from '../../../core/src/model';
import { HOUR_MS } from '../../../core/src/policy';
import type { FunctionInputs } from '../../../core/src/schemas';
import { loadActor } from '../actor';
import type { WxCloud } from '../cloud';
import { COLLECTIONS } from '../collections';
import { fetchById, updateWhere } from '../db';
import type { CallContext } from '../handler';
import { mayLeadGrid } from '../../../core/src/access';
import { fetchGrid, fetchGridByGroup, fetchVillage, gridPlace } from '../organisation/repo';
import { tokenExpiry } from './joinCode';
import { loadKeyring } from './keyring';

/** A scene handed out from a group is used at once; an hour (rounded up to the next) is plenty. */
const GROUP_JOIN_SCENE_VALID_MS = HOUR_MS;
/** wx-server-sdk's codes for a cloudID it cannot open: unknown, or past its five-minute life. */
const CLOUD_ID_UNKNOWN = -601005;
const CLOUD_ID_EXPIRED = -601006;

interface OpenDataResult {
  list?: Array<{ data?: { openGId?: unknown } }>;
}

/** The group's openGId, or GROUP.INVALID when WeChat cannot open the cloudID. */
async function openGroupId(cloud: WxCloud, groupCloudId: string): Promise<Result<string>> {
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

export async function bindGridGroup(
  input: FunctionInputs['bindGridGroup'],
  ctx: CallContext,
): Promise<Result<{ gridId: string; alreadyBound: boolean }>> {
  const [actor, grid, group] = await Promise.all([
    loadActor(ctx.db, ctx.openid, ctx.adminOpenids),
    fetchGrid(ctx.db, input.gridId),
    openGroupId(ctx.cloud, input.groupCloudId),
  ]);
  if (!grid) return fail('GRID.NOT_FOUND');
  if (!mayLeadGrid(actor.roles, gridPlace(grid))) return fail('AUTH.FORBIDDEN');
  if (!group.ok) return group;
  if (grid.openGId === group.value) return ok({ gridId: grid._id, alreadyBound: true });
  const holder = await fetchGridByGroup(ctx.db, group.value);
  if (holder && holder._id !== grid._id) return fail('GROUP.ALREADY_BOUND');
  // A grid has one group: binding a new one replaces the old.
  await updateWhere(ctx.db.collection(COLLECTIONS.grids).where({ _id: grid._id }), { openGId: group.value, groupBoundAt: ctx.now, groupBoundBy: ctx.openid });
  return ok({ gridId: grid._id, alreadyBound: false });
}

export interface GroupGrid {
  grid: { id: string; name: string; villageId: string; villageName: string };
  /** A short-lived join scene for this grid: pass it to joinGrid. */
  scene: string;
  expiresAt: number;
  alreadyMember: boolean;
}

export async function resolveGroupGrid(input: FunctionInputs['resolveGroupGrid'], ctx: CallContext): Promise<Result<GroupGrid>> {
  const [group, keyring, membership] = await Promise.all([
    openGroupId(ctx.cloud, input.groupCloudId),
    loadKeyring(ctx.db, ctx.now),
    fetchById<Membership>(ctx.db, COLLECTIONS.memberships, ctx.openid),
  ]);
  if (!group.ok) return group;
  const grid = await fetchGridByGroup(ctx.db, group.value);
  if (!grid) return fail('GRID.NOT_FOUND', '这个微信群还没有绑定网格，请联系网格长');
  const village = await fetchVillage(ctx.db, grid.villageId);
  const expiresAt = tokenExpiry(ctx.now + GROUP_JOIN_SCENE_VALID_MS);
  const token = issueJoinToken({ purpose: 'join', subject: grid.code, expiresAt }, keyring);
  if (!token.ok) return token;
  return ok({
    grid: { id: grid._id, name: grid.name, villageId: grid.villageId, villageName: village?.name ?? '' },
    scene: token.value,
    expiresAt,
    alreadyMember: membership?.gridId === grid._id,
  });
}
