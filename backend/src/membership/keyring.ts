// The signing keys of join and invitation tokens, kept server-side in `settings` (doc 'joinKeys').
// Created on first use with crypto-random secrets. Rotation retires the current key (its secret is
// destroyed, so every code it signed reads TOKEN.REVOKED) and makes a new current key. Secrets never
// leave this module's callers on the server; no function returns them.
import { randomBytes } from 'node:crypto';
import { BASE62_ALPHABET, type SigningKey, type SigningKeyring } from '../../../core/src/joinToken';
import type { Database } from '../cloud';
import { COLLECTIONS } from '../collections';
import { fetchById, insertOnce, updateWhere } from '../db';

const JOIN_KEYS_DOC_ID = 'joinKeys';
/** 256-bit HMAC secrets. */
const SECRET_BYTES = 32;
/** Concurrent rotations retry their conditional update this many times. */
const ROTATE_ATTEMPTS = 3;

interface StoredKey {
  id: string;
  /** Hex; removed when the key is retired. */
  secret?: string;
  createdAt: number;
  retiredAt?: number;
}

interface JoinKeysDoc {
  _id: string;
  currentKeyId: string;
  keys: StoredKey[];
  /** Bumped by each rotation: rotations update `where version == read version`. */
  version: number;
}

function newKey(id: string, now: number): StoredKey {
  return { id, secret: randomBytes(SECRET_BYTES).toString('hex'), createdAt: now };
}

function toKeyring(doc: JoinKeysDoc): SigningKeyring {
  const keys: SigningKey[] = doc.keys.map((k) => ({
    id: k.id,
    ...(k.secret !== undefined ? { secret: k.secret } : {}),
    ...(k.retiredAt !== undefined ? { retired: true } : {}),
  }));
  return { currentKeyId: doc.currentKeyId, keys };
}

/**
 * The next key id: the first unused character; once all 62 are used, the oldest retired id is
 * reused (codes of that long-retired key then read TOKEN.INVALID instead of TOKEN.REVOKED).
 */
function nextKeyId(keys: readonly StoredKey[]): { id: string; reused: boolean } {
  const used = new Set(keys.map((k) => k.id));
  const fresh = [...BASE62_ALPHABET].find((ch) => !used.has(ch));
  if (fresh) return { id: fresh, reused: false };
  const oldest = [...keys].filter((k) => k.retiredAt !== undefined).sort((a, b) => (a.retiredAt ?? 0) - (b.retiredAt ?? 0))[0];
  if (!oldest) throw new Error('no key id left to reuse');
  return { id: oldest.id, reused: true };
}

/** One read; the first call of a deployment also inserts the first key (a racing first call reads the winner's). */
async function loadKeysDoc(db: Database, now: number): Promise<JoinKeysDoc> {
  const existing = await fetchById<JoinKeysDoc>(db, COLLECTIONS.settings, JOIN_KEYS_DOC_ID);
  if (existing) return existing;
  const first = newKey(BASE62_ALPHABET.charAt(0), now);
  const doc: JoinKeysDoc = { _id: JOIN_KEYS_DOC_ID, currentKeyId: first.id, keys: [first], version: 1 };
  if (await insertOnce(db, COLLECTIONS.settings, doc)) return doc;
  const winner = await fetchById<JoinKeysDoc>(db, COLLECTIONS.settings, JOIN_KEYS_DOC_ID);
  if (!winner) throw new Error('join keys collided but cannot be read');
  return winner;
}

/** The keyring to sign and verify tokens with. One database read (two on a deployment's first call). */
export async function loadKeyring(db: Database, now: number): Promise<SigningKeyring> {
  return toKeyring(await loadKeysDoc(db, now));
}

export interface RotationResult {
  retiredKeyId: string;
  currentKeyId: string;
  rotatedAt: number;
}

/** Retire the current key and make a new current one. 2 round trips (read; conditional update). */
export async function rotateKeys(db: Database, now: number): Promise<RotationResult> {
  for (let attempt = 0; attempt < ROTATE_ATTEMPTS; attempt += 1) {
    const doc = await loadKeysDoc(db, now);
    const { id, reused } = nextKeyId(doc.keys);
    const kept = doc.keys
      .filter((k) => !(reused && k.id === id))
      .map((k): StoredKey => (k.id === doc.currentKeyId ? { id: k.id, createdAt: k.createdAt, retiredAt: now } : k));
    const keys = [...kept, newKey(id, now)];
    const updated = await updateWhere(
      db.collection(COLLECTIONS.settings).where({ _id: JOIN_KEYS_DOC_ID, version: doc.version }),
      { currentKeyId: id, keys, version: doc.version + 1 },
    );
    if (updated === 1) return { retiredKeyId: doc.currentKeyId, currentKeyId: id, rotatedAt: now };
  }
  throw new Error(`join keys changed concurrently ${ROTATE_ATTEMPTS} times`);
}
