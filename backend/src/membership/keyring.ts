// The signing keys of join and invitation tokens, kept server-side in `settings` (doc 'joinKeys').
// Created on first use with crypto-random secrets. Rotation (the core's rotatedKeyring) retires the
// current key (its secret is destroyed, so every code it signed reads TOKEN.REVOKED) and makes a new
// current key. Secrets never leave this module's callers on the server; no function returns them.
import { randomBytes } from 'node:crypto';
import { firstKeyring, rotatedKeyring, signingKeyringOf, type SigningKeyring, type StoredKeyring } from '../../../core/src/joinToken';
import type { RotationResult } from '../../../core/src/schemas';
import type { Database } from '../cloud';
import { COLLECTIONS } from '../collections';
import { fetchById, insertOnce, updateWhere } from '../db';

const JOIN_KEYS_DOC_ID = 'joinKeys';
/** 256-bit HMAC secrets. */
const SECRET_BYTES = 32;
/** Concurrent rotations retry their conditional update this many times. */
const ROTATE_ATTEMPTS = 3;

interface JoinKeysDoc extends StoredKeyring {
  _id: string;
  /** Bumped by each rotation: rotations update `where version == read version`. */
  version: number;
}

function newSecret(): string {
  return randomBytes(SECRET_BYTES).toString('hex');
}

/** One read; the first call of a deployment also inserts the first key (a racing first call reads the winner's). */
async function loadKeysDoc(db: Database, now: number): Promise<JoinKeysDoc> {
  const existing = await fetchById<JoinKeysDoc>(db, COLLECTIONS.settings, JOIN_KEYS_DOC_ID);
  if (existing) return existing;
  const doc: JoinKeysDoc = { _id: JOIN_KEYS_DOC_ID, ...firstKeyring(newSecret(), now), version: 1 };
  if (await insertOnce(db, COLLECTIONS.settings, doc)) return doc;
  const winner = await fetchById<JoinKeysDoc>(db, COLLECTIONS.settings, JOIN_KEYS_DOC_ID);
  if (!winner) throw new Error('join keys collided but cannot be read');
  return winner;
}

/** The keyring to sign and verify tokens with. One database read (two on a deployment's first call). */
export async function loadKeyring(db: Database, now: number): Promise<SigningKeyring> {
  return signingKeyringOf(await loadKeysDoc(db, now));
}

/** Retire the current key and make a new current one. 2 round trips (read; conditional update). */
export async function rotateKeys(db: Database, now: number): Promise<RotationResult> {
  for (let attempt = 0; attempt < ROTATE_ATTEMPTS; attempt += 1) {
    const doc = await loadKeysDoc(db, now);
    const rotated = rotatedKeyring(doc, newSecret(), now);
    const updated = await updateWhere(db.collection(COLLECTIONS.settings).where({ _id: JOIN_KEYS_DOC_ID, version: doc.version }), {
      ...rotated,
      version: doc.version + 1,
    });
    if (updated === 1) return { retiredKeyId: doc.currentKeyId, currentKeyId: rotated.currentKeyId, rotatedAt: now };
  }
  throw new Error(`join keys changed concurrently ${ROTATE_ATTEMPTS} times`);
}
