// Typed access over wx-server-sdk's database API, whose typings mix promise and callback overloads.
import type { Database } from './cloud';

interface Gettable {
  get(): unknown;
}
interface Countable {
  count(): unknown;
}
interface Updatable {
  update(options: { data: DocumentData }): unknown;
}
interface Removable {
  remove(): unknown;
}

/**
 * What the SDK's writes take: an index-signature object, which our document interfaces do not
 * satisfy by TypeScript's rules. Every write goes through the helpers below, so this is the one place
 * a typed document meets the SDK's untyped one.
 */
type DocumentData = Record<string, unknown>;
function documentData(doc: object): DocumentData {
  return doc as DocumentData;
}

/** A model object as stored: its `id` is the document's `_id`. */
export type Stored<T extends { id: string }> = Omit<T, 'id'> & { _id: string };

/** The one mapper between model objects and stored documents (`id` ↔ `_id`). */
export function toStored<T extends { id: string }>(model: T): Stored<T> {
  const { id, ...rest } = model;
  return { _id: id, ...rest };
}

/** Stored document → model object. */
export function fromStored<T extends { _id: string }>(doc: T): Omit<T, '_id'> & { id: string } {
  const { _id, ...rest } = doc;
  return { id: _id, ...rest };
}

/** Runs a query (collection, where, orderBy, limit…) and returns its documents typed as T. */
export async function fetchAll<T>(query: Gettable): Promise<T[]> {
  const result = (await query.get()) as { data: T[] };
  return result.data;
}

export async function fetchOne<T>(query: Gettable): Promise<T | null> {
  const [first] = await fetchAll<T>(query);
  return first ?? null;
}

/** A document by _id, or null (doc().get() throws when the document does not exist). */
export async function fetchById<T>(db: Database, collection: string, id: string): Promise<T | null> {
  return fetchOne<T>(db.collection(collection).where({ _id: id }).limit(1));
}

export async function countOf(query: Countable): Promise<number> {
  const result = (await query.count()) as { total: number };
  return result.total;
}

/** Applies an update to what the query matches; returns how many documents changed. */
export async function updateWhere(query: Updatable, data: object): Promise<number> {
  const result = (await query.update({ data: documentData(data) })) as { stats: { updated: number } };
  return result.stats.updated;
}

/** Removes what the query matches; returns how many documents went. */
export async function removeWhere(query: Removable): Promise<number> {
  const result = (await query.remove()) as { stats: { removed: number } };
  return result.stats.removed;
}

/**
 * Inserts `doc`; false when a document with its _id (or another unique key) already exists. The
 * building block of idempotent writes: a retry finds the first attempt's document instead of a twin.
 */
export async function insertOnce(db: Database, collection: string, doc: { _id: string }): Promise<boolean> {
  try {
    await db.collection(collection).add({ data: documentData(doc) });
    return true;
  } catch (err) {
    if (isDuplicateKeyError(err)) return false;
    throw err;
  }
}

/**
 * Inserts many documents in one round trip; throws (duplicate key included) if any is refused. The
 * SDK takes an array here although its typings declare one document.
 */
export async function insertMany(db: Database, collection: string, docs: readonly { _id: string }[]): Promise<void> {
  await db.collection(collection).add({ data: documentData(docs) });
}

/**
 * Inserts each document unless one with its _id exists: one round trip when none does (a first
 * attempt), else one per document (a retry that finds some of them stored), one at a time so a
 * retry never bursts past the database's QPS quota.
 */
export async function insertAllOnce(db: Database, collection: string, docs: readonly { _id: string }[]): Promise<void> {
  if (docs.length === 0) return;
  try {
    await insertMany(db, collection, docs);
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
    for (const doc of docs) await insertOnce(db, collection, doc);
  }
}

/** Writes the whole document `_id` (created or replaced): idempotent, so a retry may repeat it. */
export async function setById(db: Database, collection: string, id: string, data: object): Promise<void> {
  await db
    .collection(collection)
    .doc(id)
    .set({ data: documentData(data) });
}

/** How often a transaction that lost to a concurrent one is run again before the caller is told. */
const TRANSACTION_ATTEMPTS = 3;

/** CloudBase reports a transaction that lost to a concurrent one (-501001) with this code or text. */
function isTransactionConflict(err: unknown): boolean {
  const code = String((err as { errCode?: unknown; code?: unknown }).errCode ?? (err as { code?: unknown }).code ?? '');
  const text = err instanceof Error ? err.message : String(err);
  return /-501001|TRANSACTION_CONFLICT|TransactionConflict/i.test(`${code} ${text}`);
}

/**
 * Runs `body` in a transaction, again when it lost to a concurrent one (a conflict is an expected
 * outcome under contention, not a fault), at most TRANSACTION_ATTEMPTS times. Returns what `body`
 * returned, or `{ conflicted: true }` when every attempt conflicted; other errors are thrown.
 */
export async function runTransactionRetried<T>(db: Database, body: (t: unknown) => Promise<T>): Promise<{ value: T } | { conflicted: true }> {
  for (let attempt = 1; attempt <= TRANSACTION_ATTEMPTS; attempt++) {
    try {
      return { value: (await db.runTransaction(body)) as T };
    } catch (err) {
      if (!isTransactionConflict(err)) throw err;
    }
  }
  return { conflicted: true };
}

/** CloudBase reports a unique-index (or _id) collision with this text in the error. */
function isDuplicateKeyError(err: unknown): boolean {
  const text = err instanceof Error ? err.message : String(err);
  return /duplicate key|E11000|DATABASE_DUPLICATE/i.test(text);
}

/** The most documents one server-side get() returns on CloudBase: every read of "all of them" (the grids of a village, the villages of a street, a village's roles) reads one page of this. */
export const MAX_GET_LIMIT = 1000;

export interface PagedFetch<T> {
  docs: T[];
  /** True when more documents matched than `maxDocs`: the caller got the first `maxDocs` by _id. */
  truncated: boolean;
}

/**
 * Every document matching `where`, in pages ordered by _id with an `_id > last` cursor (never skip),
 * so each page is an index seek. Stops after `maxDocs` so no caller reads without bound.
 * Round trips: one per started page of `pageSize`.
 */
export async function fetchPagedById<T extends { _id: string }>(
  db: Database,
  collection: string,
  where: Record<string, unknown>,
  maxDocs: number,
  pageSize: number = MAX_GET_LIMIT,
): Promise<PagedFetch<T>> {
  const _ = db.command;
  const docs: T[] = [];
  let last: string | null = null;
  for (;;) {
    const remaining = maxDocs + 1 - docs.length;
    const size = Math.min(pageSize, remaining);
    const condition: Record<string, unknown> = last === null ? where : { ...where, _id: _.gt(last) };
    const page: T[] = await fetchAll<T>(db.collection(collection).where(condition).orderBy('_id', 'asc').limit(size));
    docs.push(...page);
    const tail: T | undefined = page[page.length - 1];
    if (page.length < size || tail === undefined || docs.length > maxDocs) break;
    last = tail._id;
  }
  const truncated = docs.length > maxDocs;
  return { docs: truncated ? docs.slice(0, maxDocs) : docs, truncated };
}
