// Grid join codes: a committee member of the grid's village, a street admin, or one of the grid's
// staff (三长, grid worker) gets the grid's signed scene as a mini-program code to print on building
// doors; street admins rotate the signing keys, which revokes every code the old key signed.
//
// Database round trips: getJoinCode 1 (actor ∥ grid ∥ keyring; +1 insert on a deployment's first
// code), then the open API and storage. rotateJoinKeys 3 (actor; keys read; conditional update).
import { fail, ok, type Result } from '../../../core/src/errors';
import { issueJoinToken } from '../../../core/src/joinToken';
import { DAY_MS, HOUR_MS } from '../../../core/src/policy';
import type { FunctionInputs } from '../../../core/src/schemas';
import { loadActor } from '../actor';
import type { CallContext } from '../handler';
import { mayServeGrid } from '../../../core/src/access';
import { fetchGrid, gridPlace } from '../organisation/repo';
import { loadKeyring, rotateKeys, type RotationResult } from './keyring';
import { JOIN_PAGE, makeQrFile } from './qrcode';

/** Join codes are printed on building doors, so they last: half a year unless the caller asks otherwise. */
const JOIN_CODE_VALID_DAYS_DEFAULT = 180;

export interface JoinCode {
  gridId: string;
  fileID: string;
  tempFileURL?: string;
  /** The signed scene inside the code (≤ 32 characters). */
  scene: string;
  /** When the code stops working (rounded up to the whole hour, as the token stores it). */
  expiresAt: number;
}

/** Tokens keep their expiry in whole hours. */
export function tokenExpiry(requestedAt: number): number {
  return Math.ceil(requestedAt / HOUR_MS) * HOUR_MS;
}

export async function getJoinCode(input: FunctionInputs['getJoinCode'], ctx: CallContext): Promise<Result<JoinCode>> {
  const [actor, grid, keyring] = await Promise.all([
    loadActor(ctx.db, ctx.openid, ctx.adminOpenids),
    fetchGrid(ctx.db, input.gridId),
    loadKeyring(ctx.db, ctx.now),
  ]);
  if (!grid) return fail('GRID.NOT_FOUND');
  if (!mayServeGrid(actor.roles, gridPlace(grid))) return fail('AUTH.FORBIDDEN');
  const expiresAt = tokenExpiry(ctx.now + (input.validDays ?? JOIN_CODE_VALID_DAYS_DEFAULT) * DAY_MS);
  const token = issueJoinToken({ purpose: 'join', subject: grid.code, expiresAt }, keyring);
  if (!token.ok) return token;
  // Same grid, key and expiry hour → same scene and same file: a retry overwrites it.
  const cloudPath = `joinCodes/${grid._id}/${keyring.currentKeyId}-${expiresAt / HOUR_MS}.png`;
  const file = await makeQrFile(ctx.cloud, { scene: token.value, page: JOIN_PAGE, cloudPath });
  return ok({ gridId: grid._id, ...file, scene: token.value, expiresAt });
}

export async function rotateJoinKeys(_input: FunctionInputs['rotateJoinKeys'], ctx: CallContext): Promise<Result<RotationResult>> {
  const actor = await loadActor(ctx.db, ctx.openid, ctx.adminOpenids);
  if (!actor.roles.some((a) => a.role === 'streetAdmin')) return fail('AUTH.FORBIDDEN');
  return ok(await rotateKeys(ctx.db, ctx.now));
}
