// Typed access over wx-server-sdk's database API, whose typings mix promise and callback overloads.
import type { Database } from './cloud';

interface Gettable {
  get(): unknown;
}
interface Countable {
  count(): unknown;
}
interface Updatable {
  update(options: { data: never }): unknown;
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
  const result = (await query.update({ data: data as never })) as { stats: { updated: number } };
  return result.stats.updated;
}

/** CloudBase reports a unique-index (or _id) collision with this text in the error. */
export function isDuplicateKeyError(err: unknown): boolean {
  const text = err instanceof Error ? err.message : String(err);
  return /duplicate key|E11000|DATABASE_DUPLICATE/i.test(text);
}
