// Grid join codes: a committee member of the grid's village, a street admin, or one of the grid's
// staff (三长, grid worker) gets the grid's signed scene as a mini-program code to print on building
// doors; street admins rotate the signing keys, which revokes every code the old key signed.
//
// Database round trips: getJoinCode 1 (actor ∥ grid ∥ keyring; +1 insert on a deployment's first
// code), then the open API and storage. rotateJoinKeys 3 (actor; keys read; conditional update).
import { fail, ok, type Result } from '../../../core/src/errors';
import { mayServeGrid, streetAdministered } from '../../../core/src/access';
import { issueJoinToken } from '../../../core/src/joinToken';
import { joinCodeExpiry } from '../../../core/src/membership';
import { HOUR_MS } from '../../../core/src/policy';
import type { FunctionInputs, JoinCode, RotationResult } from '../../../core/src/schemas';
import { loadActor } from '../actor';
import type { CallContext } from '../handler';
import { fetchGrid, gridPlace } from '../organisation/repo';
import { loadKeyring, rotateKeys } from './keyring';
import { JOIN_PAGE, makeQrFile } from './qrcode';

export async function getJoinCode(input: FunctionInputs['getJoinCode'], ctx: CallContext): Promise<Result<JoinCode>> {
  const [actor, grid, keyring] = await Promise.all([
    loadActor(ctx.db, ctx.openid, ctx.adminOpenids),
    fetchGrid(ctx.db, input.gridId),
    loadKeyring(ctx.db, ctx.now),
  ]);
  if (!grid) return fail('GRID.NOT_FOUND');
  if (!mayServeGrid(actor.roles, gridPlace(grid))) return fail('AUTH.FORBIDDEN');
  const expiresAt = joinCodeExpiry(ctx.now, input.validDays);
  const token = issueJoinToken({ purpose: 'join', subject: grid.code, expiresAt }, keyring);
  if (!token.ok) return token;
  // Same grid, key and expiry hour → same scene and same file: a retry overwrites it.
  const cloudPath = `joinCodes/${grid._id}/${keyring.currentKeyId}-${expiresAt / HOUR_MS}.png`;
  const file = await makeQrFile(ctx.cloud, { scene: token.value, page: JOIN_PAGE, cloudPath });
  return ok({ gridId: grid._id, ...file, scene: token.value, expiresAt });
}

/** The keys sign every grid's codes in the deployment, so only a street admin may rotate them. */
export async function rotateJoinKeys(_input: FunctionInputs['rotateJoinKeys'], ctx: CallContext): Promise<Result<RotationResult>> {
  const actor = await loadActor(ctx.db, ctx.openid, ctx.adminOpenids);
  if (streetAdministered(actor.roles) === null) return fail('AUTH.FORBIDDEN');
  return ok(await rotateKeys(ctx.db, ctx.now));
}
