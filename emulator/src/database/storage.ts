// Durable document storage in the shared SQLite store: one row per document, keyed by
// (collection, _id), JSON text in `doc`, a per-document version for transaction conflict checks.
// Declared indexes become SQLite expression indexes; queries are pre-filtered through them in SQL
// and mingo then applies the full query semantics to the (smaller) candidate set.
import type { Statement } from 'better-sqlite3';
import type { Store } from '../store';
import { fromStored, toStored, type Doc } from './codec';
import { duplicateKey, invalidParam } from './errors';
import type { IndexDecl } from './indexes';

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
 * (an array field matches an equality on any of its elements, which SQL cannot see).
 */
function indexExpr(field: string): string {
  const p = sqlString(jsonPath(field));
  const date = sqlString(`${jsonPath(field)}."$date"`);
  return (
    `(CASE json_type(doc, ${p}) WHEN 'array' THEN CAST(json_extract(doc, ${p}) AS BLOB) ` +
    `WHEN 'object' THEN COALESCE(json_extract(doc, ${date}), CAST(json_extract(doc, ${p}) AS BLOB)) ` +
    `ELSE json_extract(doc, ${p}) END)`
  );
}

function sqlIndexName(decl: IndexDecl): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_]/g, '_');
  return `${INDEX_PREFIX}${safe(decl.collectionName)}__${safe(decl.name)}`;
}

/** Bindable SQL value of a query constant, or undefined when the pre-filter cannot use it. */
function sqlScalar(v: unknown, forRange: boolean): number | string | undefined {
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  // Strings only for equality: SQLite orders UTF-8 bytes, JS orders UTF-16 units.
  if (typeof v === 'string') return forRange ? undefined : v;
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
  candidateRows: number;
  /** SQLite's EXPLAIN QUERY PLAN of the pre-filter (proves that declared indexes are used). */
  plan: string[];
}

/** Distinct statement texts kept prepared: they vary only with the collection and the fields filtered. */
const PREPARED_STATEMENTS_MAX = 1000;

export class DocumentStorage {
  private readonly indexes: IndexDecl[];
  private lastScan: { collection: string; sql: string; params: (string | number)[]; candidateRows: number } | undefined;
  /** Prepared statements by their SQL: preparing on every write cost a fan-out a quarter of its CPU. */
  private readonly statements = new Map<string, Statement<unknown[]>>();

  constructor(
    private readonly db: Store,
    indexes: IndexDecl[],
  ) {
    this.indexes = indexes;
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
    `);
    this.rebuildIndexes();
  }

  /** Drops the previous declared indexes and builds the current ones (the file may have changed). */
  private rebuildIndexes(): void {
    const old = this.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '${INDEX_PREFIX}%'`).all() as { name: string }[];
    for (const { name } of old) this.db.exec(`DROP INDEX "${name}"`);
    for (const decl of this.indexes) {
      const cols = decl.keys.map((k) => `${indexExpr(k.name)}${k.direction === -1 ? ' DESC' : ''}`).join(', ');
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
    // The literal collection name lets SQLite see that the partial indexes (WHERE coll = '...') apply.
    const where = [`coll = ${sqlString(coll)}`];
    const params: (string | number)[] = [];
    const collIndexes = this.indexes.filter((i) => i.collectionName === coll);
    const indexed = new Set(collIndexes.flatMap((i) => i.keys.map((k) => k.name)));
    const filtered = new Set<string>();
    let byId = false;
    for (const [field, conds] of conjunctionConditions(query)) {
      if (field === '_id') {
        for (const c of conds) {
          const ids = c.op === '$eq' ? [c.value] : c.op === '$in' ? c.value : [];
          if (ids.length === 0 || !ids.every((v) => typeof v === 'string' || typeof v === 'number')) continue;
          where.push(`key IN (${ids.map(() => '?').join(', ')})`);
          params.push(...ids.map(idKey));
          byId = true;
          break;
        }
        continue;
      }
      if (!indexed.has(field)) continue;
      const expr = indexExpr(field);
      // OR-ing in the BLOBs (arrays, objects) keeps such documents as candidates but stops SQLite from
      // seeking the index; skip it when the collection has no such value in this field.
      const orBlobs = this.mayHoldNonScalars(coll, field, collIndexes) ? ` OR ${expr} >= ${SMALLEST_BLOB}` : '';
      for (const c of conds) {
        if (c.op === '$in') {
          const vals = c.value.map((v) => sqlScalar(v, false));
          if (vals.length === 0 || vals.some((v) => v === undefined)) continue;
          where.push(`(${expr} IN (${vals.map(() => '?').join(', ')})${orBlobs})`);
          params.push(...(vals as (string | number)[]));
          filtered.add(field);
          continue;
        }
        const v = sqlScalar(c.value, c.op !== '$eq');
        if (v === undefined) continue;
        // BLOBs sort after every number and string, so $gt/$gte keep them without help.
        if (c.op === '$eq') where.push(`(${expr} = ?${orBlobs})`);
        else if (c.op === '$gt') where.push(`${expr} > ?`);
        else if (c.op === '$gte') where.push(`${expr} >= ?`);
        else if (c.op === '$lt') where.push(`(${expr} < ?${orBlobs})`);
        else where.push(`(${expr} <= ?${orBlobs})`);
        params.push(v);
        filtered.add(field);
      }
    }
    // Without statistics SQLite prefers the (coll, key) index; name the declared index that covers
    // the most leading filtered keys (an _id lookup is better served by the primary key).
    const best = byId ? undefined : bestIndex(collIndexes, filtered);
    const body = `WHERE ${where.join(' AND ')} ORDER BY seq`;
    let sql = best ? `SELECT seq, key, ver, doc FROM db_documents INDEXED BY "${sqlIndexName(best)}" ${body}` : '';
    let stmt: Statement<unknown[]> | undefined;
    try {
      stmt = sql ? this.prepared(sql) : undefined;
    } catch {
      stmt = undefined; // "no query solution": the conditions cannot use that index after all
    }
    if (!stmt) {
      sql = `SELECT seq, key, ver, doc FROM db_documents ${body}`;
      stmt = this.prepared(sql);
    }
    const rows = stmt.all(...params) as RawRow[];
    this.lastScan = { collection: coll, sql, params, candidateRows: rows.length };
    return rows.map((r) => ({ ...r, doc: fromStored(r.doc) }));
  }

  /**
   * Whether some document of `coll` holds an array or object in `field`: one index seek when an index
   * leads with that field, otherwise assumed (the pre-filter then stays correct, only less selective).
   */
  private mayHoldNonScalars(coll: string, field: string, collIndexes: IndexDecl[]): boolean {
    const leading = collIndexes.find((i) => i.keys[0]?.name === field);
    if (!leading) return true;
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
    return { collection: s.collection, sql: s.sql, candidateRows: s.candidateRows, plan };
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
  }
}

function bestIndex(indexes: IndexDecl[], filtered: Set<string>): IndexDecl | undefined {
  let best: IndexDecl | undefined;
  let bestScore = 0;
  for (const decl of indexes) {
    let score = 0;
    for (const key of decl.keys) {
      if (!filtered.has(key.name)) break;
      score += 1;
    }
    if (score > bestScore) [best, bestScore] = [decl, score];
  }
  return best;
}

function fieldValue(doc: Doc, path: string): unknown {
  let cur: unknown = doc;
  for (const part of path.split('.')) cur = isPlainObject(cur) ? cur[part] : undefined;
  return cur;
}
