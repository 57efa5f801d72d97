// Short signed tokens for grid QR codes (wxacode.getUnlimited `scene`, at most 32 characters).
// A resident who scans a grid's code joins that grid; a one-time invitation code makes someone a
// leader or duty officer. The token is only a signed reference: the handler looks up the grid by
// its short code, or the invitation by its code, and enforces single use.
//
// Layout (all characters in 0-9A-Za-z, a subset of the scene charset):
//   P K EEEE SUBJECT MAC
//   P        purpose: 'J' join a grid, 'I' invitation
//   K        signing key id (one character), so secrets can be rotated: a retired key revokes
//            every code it signed
//   EEEE     expiry, whole hours since the Unix epoch, base62 (coarse on purpose: saves characters)
//   SUBJECT  grid code or invitation code, 1–12 characters
//   MAC      HMAC-SHA256 over a domain tag and the fields above, truncated to 80 bits, base62 (14)
// 80 bits cannot be guessed online (each guess is a cloud-function call), and fits with room to spare.

import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { fail, ok, type Result } from './errors';
import type { EpochMs } from './model';
import { HOUR_MS } from './policy';

export const SCENE_MAX_LENGTH = 32;
/** The characters WeChat allows in a scene (we only use the alphanumeric ones). */
export const SCENE_CHARSET_PATTERN = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]*$/;
const BASE62_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BASE62 = BigInt(BASE62_ALPHABET.length);
const BITS_PER_BYTE = 8n;

const TOKEN_PURPOSES = { join: 'J', invitation: 'I' } as const;
export type TokenPurpose = keyof typeof TOKEN_PURPOSES;

const PURPOSE_LENGTH = 1;
const KEY_ID_LENGTH = 1;
const EXPIRY_LENGTH = 4;
const MAC_BYTES = 10;
const MAC_LENGTH = 14;
const HEADER_LENGTH = PURPOSE_LENGTH + KEY_ID_LENGTH + EXPIRY_LENGTH;
export const SUBJECT_MAX_LENGTH = SCENE_MAX_LENGTH - HEADER_LENGTH - MAC_LENGTH;
/** Recommended length of a grid code: short, and 62^7 codes is far more than we will ever need. */
export const GRID_CODE_LENGTH = 7;
export const INVITATION_CODE_LENGTH = 10;
/** Separates the MAC input from other uses of the same secret. */
const MAC_DOMAIN_TAG = 'lianxin-grid/scene/v1:';

const SUBJECT_PATTERN = /^[0-9A-Za-z]+$/;
const KEY_ID_PATTERN = /^[0-9A-Za-z]$/;

interface SigningKey {
  /** One alphanumeric character. */
  id: string;
  /** Absent for retired keys whose secret has been destroyed. */
  secret?: string | Uint8Array;
  /** Codes signed with a retired key are revoked. */
  retired?: boolean;
}

export interface SigningKeyring {
  /** The key new tokens are signed with. */
  currentKeyId: string;
  keys: readonly SigningKey[];
}

export interface TokenClaims {
  purpose: TokenPurpose;
  /** Grid code (join) or invitation code (invitation). */
  subject: string;
  expiresAt: EpochMs;
}

export interface VerifiedToken extends TokenClaims {
  keyId: string;
}

function toBase62(value: bigint, width: number): string {
  let rest = value;
  let out = '';
  while (rest > 0n) {
    out = BASE62_ALPHABET.charAt(Number(rest % BASE62)) + out;
    rest /= BASE62;
  }
  return out.padStart(width, BASE62_ALPHABET.charAt(0));
}

function fromBase62(text: string): bigint | null {
  let value = 0n;
  for (const ch of text) {
    const digit = BASE62_ALPHABET.indexOf(ch);
    if (digit < 0) return null;
    value = value * BASE62 + BigInt(digit);
  }
  return value;
}

function bytesToBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << BITS_PER_BYTE) | BigInt(byte);
  return value;
}

function secretBytes(secret: string | Uint8Array): Uint8Array {
  return typeof secret === 'string' ? utf8ToBytes(secret) : secret;
}

function mac(secret: string | Uint8Array, signed: string): string {
  const digest = hmac(sha256, secretBytes(secret), utf8ToBytes(MAC_DOMAIN_TAG + signed));
  return toBase62(bytesToBigInt(digest.slice(0, MAC_BYTES)), MAC_LENGTH);
}

/** Compares without an early exit, so timing does not reveal how much of a MAC matched. */
function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i += 1) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

const EXPIRY_MAX_HOURS = BASE62 ** BigInt(EXPIRY_LENGTH) - 1n;

/** The expiry a token keeps for one requested at `requestedAt`: rounded up to the whole hour. */
export function tokenExpiry(requestedAt: EpochMs): EpochMs {
  return Math.ceil(requestedAt / HOUR_MS) * HOUR_MS;
}

/** Sign a token with the keyring's current key. Expiry is rounded up to the whole hour. */
export function issueJoinToken(claims: TokenClaims, keyring: SigningKeyring): Result<string> {
  const key = keyring.keys.find((k) => k.id === keyring.currentKeyId);
  if (!key || key.retired || key.secret === undefined || !KEY_ID_PATTERN.test(key.id)) {
    return fail('INPUT.INVALID', '签名密钥配置有误');
  }
  if (!SUBJECT_PATTERN.test(claims.subject) || claims.subject.length > SUBJECT_MAX_LENGTH) {
    return fail('INPUT.INVALID', `编码须为 1–${SUBJECT_MAX_LENGTH} 位字母或数字`);
  }
  const expiryHours = BigInt(Math.ceil(claims.expiresAt / HOUR_MS));
  if (expiryHours <= 0n || expiryHours > EXPIRY_MAX_HOURS) return fail('INPUT.INVALID', '有效期有误');
  const signed = TOKEN_PURPOSES[claims.purpose] + key.id + toBase62(expiryHours, EXPIRY_LENGTH) + claims.subject;
  return ok(signed + mac(key.secret, signed));
}

function purposeOf(code: string): TokenPurpose | undefined {
  return (Object.keys(TOKEN_PURPOSES) as TokenPurpose[]).find((p) => TOKEN_PURPOSES[p] === code);
}

/**
 * Check a scene at `now`: format and MAC (TOKEN.INVALID), key retired (TOKEN.REVOKED), expiry
 * (TOKEN.EXPIRED), and, if given, the purpose the caller expects (TOKEN.WRONG_PURPOSE).
 */
export function verifyJoinToken(scene: string, keyring: SigningKeyring, now: EpochMs, expectedPurpose?: TokenPurpose): Result<VerifiedToken> {
  if (scene.length > SCENE_MAX_LENGTH || scene.length < HEADER_LENGTH + 1 + MAC_LENGTH || !SUBJECT_PATTERN.test(scene)) {
    return fail('TOKEN.INVALID');
  }
  const purpose = purposeOf(scene.slice(0, PURPOSE_LENGTH));
  const keyId = scene.slice(PURPOSE_LENGTH, PURPOSE_LENGTH + KEY_ID_LENGTH);
  const expiryText = scene.slice(PURPOSE_LENGTH + KEY_ID_LENGTH, HEADER_LENGTH);
  const subject = scene.slice(HEADER_LENGTH, scene.length - MAC_LENGTH);
  const givenMac = scene.slice(scene.length - MAC_LENGTH);
  if (!purpose) return fail('TOKEN.INVALID');
  const key = keyring.keys.find((k) => k.id === keyId);
  if (!key) return fail('TOKEN.INVALID');
  if (key.retired) return fail('TOKEN.REVOKED');
  if (key.secret === undefined || !constantTimeEqual(mac(key.secret, scene.slice(0, scene.length - MAC_LENGTH)), givenMac)) {
    return fail('TOKEN.INVALID');
  }
  const expiryHours = fromBase62(expiryText);
  if (expiryHours === null) return fail('TOKEN.INVALID');
  const expiresAt = Number(expiryHours) * HOUR_MS;
  if (now >= expiresAt) return fail('TOKEN.EXPIRED', undefined, { expiresAt });
  if (expectedPurpose && purpose !== expectedPurpose) return fail('TOKEN.WRONG_PURPOSE');
  return ok({ purpose, subject, expiresAt, keyId });
}

/**
 * Turn random bytes (from the caller's CSPRNG: the core reads no globals) into an alphanumeric
 * code, e.g. a grid code or an invitation code. Needs at least `length` bytes; modulo bias is
 * negligible for identifiers that are not secrets.
 */
export function shortCodeFromBytes(randomBytes: Uint8Array, length: number): string {
  let code = '';
  for (let i = 0; i < length; i += 1) {
    const byte = randomBytes[i % randomBytes.length] ?? 0;
    code += BASE62_ALPHABET.charAt(byte % BASE62_ALPHABET.length);
  }
  return code;
}

// ---------------------------------------------------------------------------------------------
// The keys as the server keeps them, and their rotation. Secrets are drawn by the caller (the core
// reads no CSPRNG); retiring a key destroys its secret, so every code it signed reads TOKEN.REVOKED.

/** A signing key as stored. */
interface StoredSigningKey {
  id: string;
  /** Hex; removed when the key is retired. */
  secret?: string;
  createdAt: EpochMs;
  retiredAt?: EpochMs;
}

export interface StoredKeyring {
  currentKeyId: string;
  keys: StoredSigningKey[];
}

/** The keyring to sign and verify with: retired keys keep only their id. */
export function signingKeyringOf(stored: StoredKeyring): SigningKeyring {
  const keys: SigningKey[] = stored.keys.map((k) => ({
    id: k.id,
    ...(k.secret !== undefined ? { secret: k.secret } : {}),
    ...(k.retiredAt !== undefined ? { retired: true } : {}),
  }));
  return { currentKeyId: stored.currentKeyId, keys };
}

/** A deployment's first keyring: one key with the first id. */
export function firstKeyring(secret: string, now: EpochMs): StoredKeyring {
  const id = BASE62_ALPHABET.charAt(0);
  return { currentKeyId: id, keys: [{ id, secret, createdAt: now }] };
}

/**
 * The next key id: the first unused character; once all 62 are used, the oldest retired id is
 * reused (codes of that long-retired key then read TOKEN.INVALID instead of TOKEN.REVOKED).
 */
function nextKeyId(keys: readonly StoredSigningKey[]): { id: string; reused: boolean } {
  const used = new Set(keys.map((k) => k.id));
  const fresh = [...BASE62_ALPHABET].find((ch) => !used.has(ch));
  if (fresh) return { id: fresh, reused: false };
  const oldest = [...keys].filter((k) => k.retiredAt !== undefined).sort((a, b) => (a.retiredAt ?? 0) - (b.retiredAt ?? 0))[0];
  if (!oldest) throw new Error('no key id left to reuse');
  return { id: oldest.id, reused: true };
}

/** Retires the current key (its secret destroyed) and makes a new current key with `secret`. */
export function rotatedKeyring(stored: StoredKeyring, secret: string, now: EpochMs): StoredKeyring {
  const { id, reused } = nextKeyId(stored.keys);
  const kept = stored.keys
    .filter((k) => !(reused && k.id === id))
    .map((k): StoredSigningKey => (k.id === stored.currentKeyId ? { id: k.id, createdAt: k.createdAt, retiredAt: now } : k));
  return { currentKeyId: id, keys: [...kept, { id, secret, createdAt: now }] };
}
