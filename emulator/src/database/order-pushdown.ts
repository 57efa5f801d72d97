// When SQLite may read a query's documents in the query's order and stop after the page: the order
// must be one an index gives (after the fields an equality pins), and SQLite's order of the values
// must be mingo's. SQLite orders NULL < numbers < text (UTF-8 bytes) < BLOBs and indexes booleans
// and Dates as numbers; mingo sorts missing and null as one value, then numbers < strings (UTF-16
// units) < objects < arrays < booleans < Dates. They agree only on some mixes of kinds of values,
// so the storage keeps, per collection, the kinds each indexed field has held (FieldKinds), and
// pushes an order down only when every sort field's kinds are such a mix.
import { isPlainObject, type Doc } from './codec';
import type { IndexDecl, IndexKey } from './indexes';

/** A query's order as parsed from the SDK's request: field to direction, in priority order. */
export type SortOrder = Record<string, 1 | -1>;

export const ID_FIELD = '_id';

/** What kind of value a document holds in a field, as far as ordering it in SQL is concerned. */
export type ValueKind = 'nullish' | 'number' | 'string' | 'wideString' | 'boolean' | 'date' | 'other';

/** UTF-16 units from U+D800 up (surrogates, U+E000..U+FFFF): where UTF-8 and UTF-16 order may disagree. */
const WIDE_UNITS = /[\ud800-\uffff]/;

/**
 * Whether SQLite (UTF-8 bytes) compares `s` with any other string as JavaScript (UTF-16 units) does:
 * the two differ only between a supplementary character and one of U+E000..U+FFFF.
 */
export function comparesLikeJs(s: string): boolean {
  return !WIDE_UNITS.test(s);
}

function kindOf(value: unknown): ValueKind {
  // mingo's sort groups missing with null, SQL makes both NULL.
  if (value === undefined || value === null) return 'nullish';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'string') return comparesLikeJs(value) ? 'string' : 'wideString';
  if (typeof value === 'boolean') return 'boolean';
  if (value instanceof Date) return 'date';
  return 'other';
}

/** The kind of `doc`'s value at a dotted path; a path through an array (which mingo fans out) is 'other'. */
function kindAt(doc: Doc, path: string): ValueKind {
  let current: unknown = doc;
  for (const part of path.split('.')) {
    if (Array.isArray(current)) return 'other';
    // SQL's path finds the stored form of a Date or RegExp; mingo finds nothing.
    if (current instanceof Date || current instanceof RegExp) return 'other';
    if (!isPlainObject(current)) return 'nullish';
    current = current[part];
  }
  return kindOf(current);
}

/** Kinds SQLite indexes as the same class of number, which mingo orders apart. */
const NUMERIC_IN_SQL: ValueKind[] = ['number', 'boolean', 'date'];

/** Whether SQLite orders a field holding only these kinds (ties aside) exactly as mingo does. */
export function sqlOrdersLikeMingo(kinds: ReadonlySet<ValueKind>): boolean {
  if (kinds.has('other') || kinds.has('wideString')) return false;
  const numeric = NUMERIC_IN_SQL.filter((k) => kinds.has(k));
  if (numeric.length > 1) return false;
  // SQL puts text after all numbers; mingo puts strings after numbers but before booleans and Dates.
  return !(kinds.has('string') && numeric.length === 1 && numeric[0] !== 'number');
}

/**
 * The kinds each tracked field of a collection has held since the census was taken: only ever
 * widened by writes (a removed document's kinds stay), so it may forbid a pushdown that would have
 * been safe but never allows an unsafe one. Taken lazily per collection from its stored documents.
 */
export class FieldKinds {
  private readonly byCollection = new Map<string, Map<string, Set<ValueKind>>>();

  constructor(private readonly trackedFields: (coll: string) => string[]) {}

  /** The kinds of `field` in `coll`, taking the census from `allDocs` on first use. */
  of(coll: string, field: string, allDocs: () => Iterable<Doc>): ReadonlySet<ValueKind> {
    let fields = this.byCollection.get(coll);
    if (!fields) {
      fields = new Map(this.trackedFields(coll).map((f) => [f, new Set<ValueKind>()]));
      for (const doc of allDocs()) noteDoc(fields, doc);
      this.byCollection.set(coll, fields);
    }
    // An untracked field is never pushed down: report it as unorderable.
    return fields.get(field) ?? new Set<ValueKind>(['other']);
  }

  /** Records a written document (before the census is taken, the table itself will show it). */
  note(coll: string, doc: Doc): void {
    const fields = this.byCollection.get(coll);
    if (fields) noteDoc(fields, doc);
  }

  clear(): void {
    this.byCollection.clear();
  }
}

function noteDoc(fields: Map<string, Set<ValueKind>>, doc: Doc): void {
  for (const [field, kinds] of fields) kinds.add(kindAt(doc, field));
}

/**
 * The key columns of the SQLite index built for a declared index. A non-unique index also ends with
 * the document's _id, in the last key's direction, so that an equality on its fields reads the
 * matches in _id order: the order every `_id > cursor` page asks for.
 */
export function indexColumns(decl: IndexDecl): IndexKey[] {
  const last = decl.keys[decl.keys.length - 1];
  return decl.unique || !last ? decl.keys : [...decl.keys, { name: ID_FIELD, direction: last.direction }];
}

/** The order fields that decide: those after a unique _id never do. */
export function decidingOrder(order: SortOrder): IndexKey[] {
  const keys: IndexKey[] = [];
  for (const [name, direction] of Object.entries(order)) {
    keys.push({ name, direction });
    if (name === ID_FIELD) break;
  }
  return keys;
}

/**
 * Whether scanning an index with these columns, forwards or backwards, reads the candidates in
 * `order`. Pinned fields (an equality leaves one SQL value) neither break the index order nor need
 * ordering; ties are left to the caller's tie-breaker.
 */
export function indexServesOrder(columns: IndexKey[], order: IndexKey[], pinned: ReadonlySet<string>): boolean {
  const ordering = columns.filter((c) => !pinned.has(c.name));
  const wanted = order.filter((o) => !pinned.has(o.name));
  if (wanted.length > ordering.length) return false;
  const matches = (flip: 1 | -1) => wanted.every((w, i) => w.name === ordering[i]?.name && w.direction === flip * (ordering[i]?.direction ?? 0));
  return matches(1) || matches(-1);
}
