// Durable document storage in the shared SQLite store: one row per document, keyed by
// (collection, _id), JSON text in `doc`, a per-document version for transaction conflict checks.
// Declared indexes become SQLite expression indexes; queries are pre-filtered through them in SQL
// and mingo then applies the full query semantics to the (smaller) candidate set. A page whose order
// an index gives is read in that order and no further (firstMatches; see order-pushdown.ts).
import type { Statement } from 'better-sqlite3';
import type { Store } from '../store';
import { fromStored, toStored, type Doc } from './codec';
import { duplicateKey, invalidParam } from './errors';
import type { IndexDecl, IndexKey } from './indexes';
import { comparesLikeJs, decidingOrder, FieldKinds, ID_FIELD, indexColumns, indexServesOrder, sqlOrdersLikeMingo, type SortOrder } from './order-pushdown';

export interface StoredRow {
  seq: number;
  key: string;
  ver: number;
  doc: Doc;
}

interface RawRow {
  seq: number;
  key: string;
  ver: number;
  doc: string;
}

/** Prefix of every SQLite index made from the indexes file (dropped and rebuilt on start). */
const INDEX_PREFIX = 'dbidx_';
/** The unique (collection, _id) key, reported like MongoDB's built-in _id index. */
export const ID_INDEX_NAME = '_id_';
/** SQLite sorts every BLOB after all numbers and text: arrays and objects are indexed as BLOBs. */
const SMALLEST_BLOB = "x''";
/** A row's _id as SQLite compares it (the key is the _id's JSON text): a number, or the string unescaped. */
const ID_VALUE = "json_extract(key, '$')";
/** The index on (collection, _id value) that serves _id ranges and _id order. */
const ID_VALUE_INDEX = 'db_documents_id_value';
const ROW_COLUMNS = 'seq, key, ver, doc';
/** SQLite's insertion order: mingo's natural order, and its tie-breaker when sorting. */
const NATURAL_ORDER = 'seq';

type Cond = { op: '$eq' | '$gt' | '$gte' | '$lt' | '$lte'; value: unknown } | { op: '$in'; value: unknown[] };

/** Stable text key of an _id (CloudBase ids are strings; doc(5) gives a number). */
export function idKey(id: unknown): string {
  if (typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id))) return JSON.stringify(id);
  throw invalidParam(`_id must be a string or a number, got ${JSON.stringify(id)}`);
}

function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

function jsonPath(field: string): string {
  return (
    '$' +
    field
      .split('.')
      .map((p) => `."${p.replace(/"/g, '\\"')}"`)
      .join('')
  );
}

/**
 * The indexed value of one field: scalars as themselves, Dates (stored as {"$date": ms}) as their
 * epoch ms, arrays and other objects as BLOBs so that a pre-filter can always let them through
 * (an array field matches an equality on any of its elements, which SQL cannot see). An array on
 * the way down a dotted path makes a BLOB too: mingo matches `a.b` inside `{ a: [{ b }] }`, where
 * SQL's path finds nothing.
 */
function indexExpr(field: string): string {
  const p = sqlString(jsonPath(field));
  const date = sqlString(`${jsonPath(field)}."$date"`);
  const leaf =
    `(CASE json_type(doc, ${p}) WHEN 'array' THEN CAST(json_extract(doc, ${p}) AS BLOB) ` +
    `WHEN 'object' THEN COALESCE(json_extract(doc, ${date}), CAST(json_extract(doc, ${p}) AS BLOB)) ` +
    `ELSE json_extract(doc, ${p}) END)`;
  const parts = field.split('.');
  const arraysOnPath = parts.slice(0, -1).map((_, i) => {
    const prefix = sqlString(jsonPath(parts.slice(0, i + 1).join('.')));
    return `WHEN json_type(doc, ${prefix}) = 'array' THEN CAST(json_extract(doc, ${prefix}) AS BLOB) `;
  });
  return arraysOnPath.length === 0 ? leaf : `(CASE ${arraysOnPath.join('')}ELSE ${leaf} END)`;
}

/** The SQL expression of an index column or sort key. */
function columnExpr(field: string): string {
  return field === ID_FIELD ? ID_VALUE : indexExpr(field);
}

function sqlIndexName(decl: IndexDecl): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_]/g, '_');
  return `${INDEX_PREFIX}${safe(decl.collectionName)}__${safe(decl.name)}`;
}

/** Bindable SQL value of a query constant, or undefined when the pre-filter cannot use it. */
function sqlScalar(v: unknown, forRange: boolean): number | string | undefined {
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  // A range bound only when SQLite's UTF-8 order agrees with JS's UTF-16 order against it.
  if (typeof v === 'string') return forRange && !comparesLikeJs(v) ? undefined : v;
  if (typeof v === 'boolean') return forRange ? undefined : v ? 1 : 0;
  return undefined;
}

function isPlainObject(v: unknown): v is Doc {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof RegExp);
}

/** Conditions of the query's top-level conjunction that SQL can pre-filter, per field path. */
function conjunctionConditions(query: Doc, out = new Map<string, Cond[]>()): Map<string, Cond[]> {
  for (const [key, value] of Object.entries(query)) {
    if (key === '$and' && Array.isArray(value)) {
      for (const sub of value) if (isPlainObject(sub)) conjunctionConditions(sub, out);
      continue;
    }
    if (key.startsWith('$')) continue;
    const conds = out.get(key) ?? [];
    if (isPlainObject(value)) {
      const ops = Object.keys(value);
      if (ops.length === 0 || !ops.every((o) => o.startsWith('$'))) continue;
      for (const op of ops) {
        const v = value[op];
        if (op === '$eq' || op === '$gt' || op === '$gte' || op === '$lt' || op === '$lte') conds.push({ op, value: v });
        else if (op === '$in' && Array.isArray(v)) conds.push({ op, value: v });
      }
    } else {
      conds.push({ op: '$eq', value });
    }
    if (conds.length > 0) out.set(key, conds);
  }
  return out;
}

export interface ScanInfo {
  collection: string;
  sql: string;
  /** Rows read from SQLite: every candidate, or on a pushed-down read only up to the page's last match. */
  candidateRows: number;
  /** The rows were read in the query's order (or natural order) and reading stopped after the page. */
  pushedDown: boolean;
  /** SQLite's EXPLAIN QUERY PLAN of the pre-filter (proves that declared indexes are used). */
  plan: string[];
}

/** Distinct statement texts kept prepared: they vary only with the collection and the fields filtered. */
const PREPARED_STATEMENTS_MAX = 1000;

/** An SQLite index a query may be read through, with its key columns. */
interface SqlIndex {
  name: string;
  columns: IndexKey[];
}

/** The SQL part of a query: conditions that may only drop non-matching rows. */
interface Prefilter {
  where: string[];
  params: (string | number)[];
  /** Fields with a condition in `where`, for choosing the index. */
  filtered: Set<string>;
  /** Fields an equality holds to a single SQL value. */
  pinned: Set<string>;
  /** The query names its _id values: the primary key finds those rows. */
  byId: boolean;
}

/** How to read candidates: through which index, in which order. */
interface ReadPlan {
  index: SqlIndex | undefined;
  orderBy: string;
}

export class DocumentStorage {
  private readonly indexes: IndexDecl[];
  private lastScan: { collection: string; sql: string; params: (string | number)[]; candidateRows: number; pushedDown: boolean } | undefined;
  /** Prepared statements by their SQL: preparing on every write cost a fan-out a quarter of its CPU. */
  private readonly statements = new Map<string, Statement<unknown[]>>();
  /** Kinds of values in _id and the indexed fields: whether SQL may order by them (see order-pushdown.ts). */
  private readonly fieldKinds: FieldKinds;

  constructor(
    private readonly db: Store,
    indexes: IndexDecl[],
  ) {
    this.indexes = indexes;
    this.fieldKinds = new FieldKinds((coll) => [ID_FIELD, ...new Set(this.declaredFor(coll).flatMap((i) => i.keys.map((k) => k.name)))]);
    db.exec(`
      CREATE TABLE IF NOT EXISTS db_collections (name TEXT PRIMARY KEY, created_ms INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS db_documents (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        coll TEXT NOT NULL,
        key TEXT NOT NULL,
        ver INTEGER NOT NULL,
        doc TEXT NOT NULL,
        UNIQUE (coll, key)
      );
      CREATE INDEX IF NOT EXISTS ${ID_VALUE_INDEX} ON db_documents (coll, ${ID_VALUE});
    `);
    this.rebuildIndexes();
  }

  private declaredFor(coll: string): IndexDecl[] {
    return this.indexes.filter((i) => i.collectionName === coll);
  }

  /** The indexes a query of `coll` may be read through: the declared ones, then the _id index. */
  private sqlIndexes(coll: string): SqlIndex[] {
    const declared = this.declaredFor(coll).map((decl) => ({ name: sqlIndexName(decl), columns: indexColumns(decl) }));
    return [...declared, { name: ID_VALUE_INDEX, columns: [{ name: ID_FIELD, direction: 1 }] }];
  }

  /** Drops the previous declared indexes and builds the current ones (the file may have changed). */
  private rebuildIndexes(): void {
    const old = this.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '${INDEX_PREFIX}%'`).all() as { name: string }[];
    for (const { name } of old) this.db.exec(`DROP INDEX "${name}"`);
    for (const decl of this.indexes) {
      const cols = indexColumns(decl)
        .map((k) => `${columnExpr(k.name)}${k.direction === -1 ? ' DESC' : ''}`)
        .join(', ');
      const sql =
        `CREATE ${decl.unique ? 'UNIQUE ' : ''}INDEX "${sqlIndexName(decl)}" ON db_documents (${cols}) ` + `WHERE coll = ${sqlString(decl.collectionName)}`;
      try {
        this.db.exec(sql);
      } catch (err) {
        throw invalidParam(`cannot build index ${decl.collectionName}.${decl.name}: ${(err as Error).message}`);
      }
    }
  }

  /**
   * The prepared statement for `sql`, prepared once. The indexes are built in the constructor and never
   * change afterwards, so a statement naming one stays valid. The query texts are few (values are
   * parameters; only the collection and field names vary), and the cache is emptied if it ever grows past
   * its bound.
   */
  private prepared(sql: string): Statement<unknown[]> {
    let stmt = this.statements.get(sql);
    if (stmt === undefined) {
      stmt = this.db.prepare(sql);
      if (this.statements.size >= PREPARED_STATEMENTS_MAX) this.statements.clear();
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  hasCollection(name: string): boolean {
    return this.prepared('SELECT 1 FROM db_collections WHERE name = ?').get(name) !== undefined;
  }

  createCollection(name: string, nowMs: number): boolean {
    return this.prepared('INSERT OR IGNORE INTO db_collections (name, created_ms) VALUES (?, ?)').run(name, nowMs).changes > 0;
  }

  collectionCounts(): Record<string, number> {
    const rows = this.db
      .prepare('SELECT c.name AS name, (SELECT COUNT(*) FROM db_documents d WHERE d.coll = c.name) AS n FROM db_collections c ORDER BY c.name')
      .all() as { name: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.name, r.n]));
  }

  clear(): void {
    this.db.exec('DELETE FROM db_documents; DELETE FROM db_collections;');
    this.fieldKinds.clear();
  }

  getByKey(coll: string, key: string): StoredRow | undefined {
    const row = this.prepared('SELECT seq, key, ver, doc FROM db_documents WHERE coll = ? AND key = ?').get(coll, key) as RawRow | undefined;
    return row && { ...row, doc: fromStored(row.doc) };
  }

  all(coll: string): StoredRow[] {
    return this.candidates(coll, {});
  }

  /**
   * Rows that may match `query`, in insertion order: every row of the collection except those that
   * an indexed equality/range condition (or an _id condition) rules out. Never drops a match.
   */
  candidates(coll: string, query: Doc): StoredRow[] {
    const filter = this.prefilter(coll, query);
    // An _id lookup is best served by the primary key.
    const index = filter.byId ? undefined : bestIndex(this.sqlIndexes(coll), filter.filtered);
    const { sql, stmt } = this.select(filter, { index, orderBy: NATURAL_ORDER });
    const rows = (stmt.all(...filter.params) as RawRow[]).map(parseRow);
    this.lastScan = { collection: coll, sql, params: filter.params, candidateRows: rows.length, pushedDown: false };
    return rows;
  }

  /**
   * The first `count` rows whose documents `matches` accepts, in `order` (natural order when none):
   * read in that order through an index and no further. Undefined when no index gives that order
   * or SQL could order these values unlike mingo; the caller then sorts all candidates itself.
   */
  firstMatches(coll: string, query: Doc, order: SortOrder | undefined, count: number, matches: (doc: Doc) => boolean): StoredRow[] | undefined {
    const filter = this.prefilter(coll, query);
    if (filter.byId) return undefined; // a few rows by primary key: nothing to save
    const ordered = order !== undefined && Object.keys(order).length > 0;
    const plan = ordered ? this.orderedPlan(coll, order, filter) : { index: bestIndex(this.sqlIndexes(coll), filter.filtered), orderBy: NATURAL_ORDER };
    if (!plan) return undefined;
    const { sql, stmt } = this.select(filter, plan);
    const rows: StoredRow[] = [];
    let read = 0;
    if (count > 0) {
      for (const raw of stmt.iterate(...filter.params) as IterableIterator<RawRow>) {
        read += 1;
        const row = parseRow(raw);
        if (!matches(row.doc)) continue;
        rows.push(row);
        if (rows.length === count) break;
      }
    }
    this.lastScan = { collection: coll, sql, params: filter.params, candidateRows: read, pushedDown: true };
    return rows;
  }

  /**
   * Reading in `order` through an index that gives it, ties in natural order as mingo's stable sort
   * leaves them; undefined unless SQL orders every sort field's values as mingo does.
   */
  private orderedPlan(coll: string, order: SortOrder, filter: Prefilter): ReadPlan | undefined {
    const keys = decidingOrder(order);
    if (!keys.every((k) => sqlOrdersLikeMingo(this.fieldKinds.of(coll, k.name, () => this.docsOf(coll))))) return undefined;
    const serving = this.sqlIndexes(coll).filter((i) => indexServesOrder(i.columns, keys, filter.pinned));
    const index = bestIndex(serving, filter.filtered) ?? serving[0];
    if (!index) return undefined;
    const terms = keys.map((k) => `${columnExpr(k.name)}${k.direction === -1 ? ' DESC' : ''}`);
    // A unique _id leaves no ties to break.
    if (keys[keys.length - 1]?.name !== ID_FIELD) terms.push(NATURAL_ORDER);
    return { index, orderBy: terms.join(', ') };
  }

  /** The statement reading a plan, through its index when SQLite can use it. */
  private select(filter: Prefilter, plan: ReadPlan): { sql: string; stmt: Statement<unknown[]> } {
    // The literal collection name lets SQLite see that the partial indexes (WHERE coll = '...') apply.
    const body = `WHERE ${filter.where.join(' AND ')} ORDER BY ${plan.orderBy}`;
    // Without statistics SQLite prefers the (coll, key) index: name the index chosen.
    if (plan.index) {
      const sql = `SELECT ${ROW_COLUMNS} FROM db_documents INDEXED BY "${plan.index.name}" ${body}`;
      try {
        return { sql, stmt: this.prepared(sql) };
      } catch {
        // "no query solution": the conditions cannot use that index after all
      }
    }
    const sql = `SELECT ${ROW_COLUMNS} FROM db_documents ${body}`;
    return { sql, stmt: this.prepared(sql) };
  }

  private docsOf(coll: string): Doc[] {
    return (this.prepared('SELECT doc FROM db_documents WHERE coll = ?').all(coll) as { doc: string }[]).map((r) => fromStored(r.doc));
  }

  /** The SQL conditions of `query`'s top-level conjunction on _id and on indexed fields. */
  private prefilter(coll: string, query: Doc): Prefilter {
    const filter: Prefilter = { where: [`coll = ${sqlString(coll)}`], params: [], filtered: new Set(), pinned: new Set(), byId: false };
    const collIndexes = this.declaredFor(coll);
    const indexed = new Set(collIndexes.flatMap((i) => i.keys.map((k) => k.name)));
    for (const [field, conds] of conjunctionConditions(query)) {
      if (field === ID_FIELD) addIdConditions(conds, filter);
      else if (indexed.has(field)) this.addFieldConditions(coll, field, conds, filter, collIndexes);
    }
    return filter;
  }

  private addFieldConditions(coll: string, field: string, conds: Cond[], filter: Prefilter, collIndexes: IndexDecl[]): void {
    const expr = indexExpr(field);
    // OR-ing in the BLOBs (arrays, objects) keeps such documents as candidates but stops SQLite from
    // seeking the index; skip it when the collection has no such value in this field.
    const orBlobs = this.mayHoldNonScalars(coll, field, collIndexes) ? ` OR ${expr} >= ${SMALLEST_BLOB}` : '';
    for (const c of conds) {
      if (c.op === '$in') {
        const vals = c.value.map((v) => sqlScalar(v, false));
        if (vals.length === 0 || vals.some((v) => v === undefined)) continue;
        filter.where.push(`(${expr} IN (${vals.map(() => '?').join(', ')})${orBlobs})`);
        filter.params.push(...(vals as (string | number)[]));
        filter.filtered.add(field);
        continue;
      }
      const v = sqlScalar(c.value, c.op !== '$eq');
      if (v === undefined) continue;
      // BLOBs sort after every number and string, so $gt/$gte keep them without help.
      if (c.op === '$eq') filter.where.push(`(${expr} = ?${orBlobs})`);
      else if (c.op === '$gt') filter.where.push(`${expr} > ?`);
      else if (c.op === '$gte') filter.where.push(`${expr} >= ?`);
      else if (c.op === '$lt') filter.where.push(`(${expr} < ?${orBlobs})`);
      else filter.where.push(`(${expr} <= ?${orBlobs})`);
      filter.params.push(v);
      filter.filtered.add(field);
      if (c.op === '$eq' && orBlobs === '') filter.pinned.add(field);
    }
  }

  /**
   * Whether some document of `coll` holds an array or object in `field`: one index seek when an index
   * leads with that field, otherwise the kinds the field has held (which may include removed ones).
   */
  private mayHoldNonScalars(coll: string, field: string, collIndexes: IndexDecl[]): boolean {
    const leading = collIndexes.find((i) => i.keys[0]?.name === field);
    if (!leading) return this.fieldKinds.of(coll, field, () => this.docsOf(coll)).has('other');
    const sql =
      `SELECT 1 FROM db_documents INDEXED BY "${sqlIndexName(leading)}" ` +
      `WHERE coll = ${sqlString(coll)} AND ${indexExpr(field)} >= ${SMALLEST_BLOB} LIMIT 1`;
    return this.prepared(sql).get() !== undefined;
  }

  /** The most recent candidate scan with its query plan (computed on demand, for health/tests). */
  lastScanReport(): ScanInfo | undefined {
    const s = this.lastScan;
    if (!s) return undefined;
    const plan = (this.db.prepare(`EXPLAIN QUERY PLAN ${s.sql}`).all(...s.params) as { detail: string }[]).map((r) => r.detail);
    return { collection: s.collection, sql: s.sql, candidateRows: s.candidateRows, pushedDown: s.pushedDown, plan };
  }

  insert(coll: string, doc: Doc): void {
    this.write(coll, doc, () => this.prepared('INSERT INTO db_documents (coll, key, ver, doc) VALUES (?, ?, 1, ?)').run(coll, idKey(doc._id), toStored(doc)));
  }

  replace(coll: string, doc: Doc): void {
    this.write(coll, doc, () =>
      this.prepared('UPDATE db_documents SET doc = ?, ver = ver + 1 WHERE coll = ? AND key = ?').run(toStored(doc), coll, idKey(doc._id)),
    );
  }

  remove(coll: string, key: string): boolean {
    return this.prepared('DELETE FROM db_documents WHERE coll = ? AND key = ?').run(coll, key).changes > 0;
  }

  /** Runs one write, turning SQLite's unique-constraint failure into the server's E11000 error. */
  private write(coll: string, doc: Doc, run: () => unknown): void {
    try {
      run();
    } catch (err) {
      const e = err as { code?: string; message?: string };
      if (e.code !== 'SQLITE_CONSTRAINT_UNIQUE' && e.code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') throw err;
      const decl = this.indexes.find((i) => i.collectionName === coll && (e.message ?? '').includes(sqlIndexName(i)));
      if (!decl) throw duplicateKey(coll, ID_INDEX_NAME, `{ _id: ${JSON.stringify(doc._id)} }`);
      const keyText = decl.keys.map((k) => `${k.name}: ${JSON.stringify(fieldValue(doc, k.name))}`).join(', ');
      throw duplicateKey(coll, decl.name, `{ ${keyText} }`);
    }
    this.fieldKinds.note(coll, doc);
  }
}

/**
 * _id equality/$in through the primary key; _id ranges on the _id value. SQLite orders numbers
 * before text, like mingo, and a range only matches its own type in mingo, so a number bound is
 * exact for numbers and keeps every string, and a string bound (one SQLite compares like JS) is
 * exact for strings.
 */
function addIdConditions(conds: Cond[], filter: Prefilter): void {
  for (const c of conds) {
    if (c.op === '$eq' || c.op === '$in') {
      if (filter.byId) continue;
      const ids = c.op === '$in' ? c.value : [c.value];
      if (ids.length === 0 || !ids.every((v) => typeof v === 'string' || typeof v === 'number')) continue;
      filter.where.push(`key IN (${ids.map(() => '?').join(', ')})`);
      filter.params.push(...ids.map(idKey));
      filter.byId = true;
      continue;
    }
    const bound = c.value;
    if (!((typeof bound === 'number' && Number.isFinite(bound)) || (typeof bound === 'string' && comparesLikeJs(bound)))) continue;
    filter.where.push(`${ID_VALUE} ${ID_RANGE_OPERATORS[c.op]} ?`);
    filter.params.push(bound);
    filter.filtered.add(ID_FIELD);
  }
}

const ID_RANGE_OPERATORS = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' } as const;

function parseRow(row: RawRow): StoredRow {
  return { ...row, doc: fromStored(row.doc) };
}

/** The index whose leading columns the query filters most (none when it filters none). */
function bestIndex(indexes: SqlIndex[], filtered: Set<string>): SqlIndex | undefined {
  let best: SqlIndex | undefined;
  let bestScore = 0;
  for (const index of indexes) {
    let score = 0;
    for (const key of index.columns) {
      if (!filtered.has(key.name)) break;
      score += 1;
    }
    if (score > bestScore) [best, bestScore] = [index, score];
  }
  return best;
}

function fieldValue(doc: Doc, path: string): unknown {
  let cur: unknown = doc;
  for (const part of path.split('.')) cur = isPlainObject(cur) ? cur[part] : undefined;
  return cur;
}
