// Deterministic document ids and random short codes. A retried create computes the same _id, so the
// second insert collides instead of making a duplicate; codes come from the OS CSPRNG.
import { createHash, randomBytes } from 'node:crypto';
import { shortCodeFromBytes } from '../../../core/src/joinToken';

/** Hex characters of the SHA-256 kept in an id: 64 bits, ample against accidental collisions. */
const STABLE_ID_HEX_LENGTH = 16;

/** `${prefix}-${hash(parts)}`: the same parts always give the same id. */
export function stableId(prefix: string, ...parts: readonly string[]): string {
  const digest = createHash('sha256').update(JSON.stringify(parts)).digest('hex');
  return `${prefix}-${digest.slice(0, STABLE_ID_HEX_LENGTH)}`;
}

/** A random alphanumeric code of `length` characters (grid codes, invitation codes). */
export function randomCode(length: number): string {
  return shortCodeFromBytes(randomBytes(length), length);
}
