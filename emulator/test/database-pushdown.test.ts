// Sort, limit and _id ranges pushed into SQLite: a page in an order an index gives reads only the
// rows it returns (EXPLAIN QUERY PLAN and the rows read prove it), and randomised mixed-type data
// gives exactly mingo's answer over all documents, whether the order was pushed down or not.
import path from 'node:path';
import { find as mingoFind } from 'mingo';
import { describe, expect, it } from 'vitest';
import { useTestEmulator } from './helpers';

type AnyDoc = Record<string, any>;

interface ScanReport {
  collection: string;
  sql: string;
  candidateRows: number;
  pushedDown: boolean;
  plan: string[];
}

const INDEXES = path.join(__dirname, 'fixtures', 'indexes.pushdown.json');
const MEMBERS = 'example_members';
const MIXED = 'example_mixed';
const IMPORT_ROUTE = '/__emulator/database/import';

const MEMBER_COUNT = 5_000;
/** One member in this many lives in a small village; the rest in one big village. */
const SMALL_VILLAGE_EVERY = 11;
const BIG_VILLAGE = 'v-big';
const PAGE = 100;
/** Members joined in this many distinct minutes, so that sorting by joinedAt has ties. */
const JOIN_MINUTES = 1_000;
const MINUTE_MS = 60_000;
const T0 = Date.UTC(2026, 0, 1);

const suite = useTestEmulator({ options: { indexesFile: INDEXES } });

/** A small deterministic PRNG (mulberry32): the same data and queries on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function pick<T>(rnd: () => number, items: readonly T[]): T {
  return items[Math.floor(rnd() * items.length)]!;
}

async function lastScan(): Promise<ScanReport> {
  const health = (await (await fetch(`${suite.emu.url}/__emulator/health`)).json()) as { database: { lastScan: ScanReport } };
  return health.database.lastScan;
}

async function importDocs(collection: string, documents: AnyDoc[]): Promise<void> {
  const res = await fetch(`${suite.emu.url}${IMPORT_ROUTE}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ collection, documents }),
  });
  expect(res.status).toBe(200);
}

/** CloudBase-like members: random 32-hex ids (so villages interleave in _id order), joinedAt with ties. */
function members(): AnyDoc[] {
  const rnd = random(1);
  const hex = () => Array.from({ length: 32 }, () => Math.floor(rnd() * 16).toString(16)).join('');
  return Array.from({ length: MEMBER_COUNT }, (_, i) => ({
    _id: hex(),
    villageId: i % SMALL_VILLAGE_EVERY === 0 ? `v-small-${i % 3}` : BIG_VILLAGE,
    joinedAt: T0 + (i % JOIN_MINUTES) * MINUTE_MS,
    n: i,
  }));
}

/** What mingo answers over every document, in insertion order: the reference for every read. */
function expected(docs: AnyDoc[], query: AnyDoc, order: Record<string, 1 | -1>, skip = 0, limit = PAGE): AnyDoc[] {
  let cursor = mingoFind(docs, query);
  if (Object.keys(order).length > 0) cursor = cursor.sort(order);
  return cursor.skip(skip).limit(limit).all() as AnyDoc[];
}

describe('an _id-cursor page of an indexed equality', () => {
  it('reads only the page through the index and pages through the village exactly', async () => {
    const docs = members();
    await importDocs(MEMBERS, docs);
    const _ = suite.db.command;
    const got: AnyDoc[] = [];
    const rowsRead: number[] = [];
    let cursor: string | null = null;
    for (;;) {
      const where: AnyDoc = cursor === null ? { villageId: BIG_VILLAGE } : { villageId: BIG_VILLAGE, _id: _.gt(cursor) };
      const page = (await suite.db.collection(MEMBERS).where(where).orderBy('_id', 'asc').limit(PAGE).get()).data as AnyDoc[];
      const scan = await lastScan();
      expect(scan.pushedDown).toBe(true);
      expect(scan.plan.join('\n')).toMatch(/SEARCH db_documents USING INDEX dbidx_example_members__villageId \(/);
      expect(scan.plan.join('\n')).not.toMatch(/TEMP B-TREE/);
      rowsRead.push(scan.candidateRows);
      got.push(...page);
      if (page.length < PAGE) break;
      cursor = page[page.length - 1]!._id;
    }
    expect(got).toEqual(expected(docs, { villageId: BIG_VILLAGE }, { _id: 1 }, 0, MEMBER_COUNT));
    expect(Math.max(...rowsRead)).toBeLessThanOrEqual(PAGE);
  });

  it('pages backwards with _id < cursor by scanning the index in reverse', async () => {
    const docs = members();
    await importDocs(MEMBERS, docs);
    const _ = suite.db.command;
    const all = expected(docs, { villageId: BIG_VILLAGE }, { _id: -1 }, 0, MEMBER_COUNT);
    const cursor = all[PAGE - 1]!._id as string;
    const page = await suite.db
      .collection(MEMBERS)
      .where({ villageId: BIG_VILLAGE, _id: _.lt(cursor) })
      .orderBy('_id', 'desc')
      .limit(PAGE)
      .get();
    expect(page.data).toEqual(all.slice(PAGE, 2 * PAGE));
    const scan = await lastScan();
    expect(scan.candidateRows).toBe(PAGE);
    expect(scan.plan.join('\n')).not.toMatch(/TEMP B-TREE/);
  });

  it('reads an _id range over an unindexed condition in _id order through the _id index', async () => {
    const docs = members();
    await importDocs(MEMBERS, docs);
    const _ = suite.db.command;
    const cursor = expected(docs, {}, { _id: 1 }, 0, MEMBER_COUNT)[MEMBER_COUNT / 2]!._id as string;
    const query = { n: _.gte(0), _id: _.gt(cursor) };
    const page = await suite.db.collection(MEMBERS).where(query).orderBy('_id', 'asc').skip(10).limit(PAGE).get();
    expect(page.data).toEqual(expected(docs, { n: { $gte: 0 }, _id: { $gt: cursor } }, { _id: 1 }, 10));
    const scan = await lastScan();
    expect(scan.plan.join('\n')).toMatch(/SEARCH db_documents USING INDEX db_documents_id_value \(coll=\? AND <expr>>\?\)/);
    expect(scan.candidateRows).toBe(10 + PAGE);
  });
});

describe('a sort a declared index gives', () => {
  it('reads newest-first pages of a village without sorting the village', async () => {
    const docs = members();
    await importDocs(MEMBERS, docs);
    const page = await suite.db.collection(MEMBERS).where({ villageId: BIG_VILLAGE }).orderBy('joinedAt', 'desc').orderBy('_id', 'desc').limit(PAGE).get();
    expect(page.data).toEqual(expected(docs, { villageId: BIG_VILLAGE }, { joinedAt: -1, _id: -1 }));
    const scan = await lastScan();
    expect(scan.plan.join('\n')).toMatch(/USING INDEX dbidx_example_members__villageId_joinedAt/);
    expect(scan.plan.join('\n')).not.toMatch(/TEMP B-TREE/);
    expect(scan.candidateRows).toBe(PAGE);
  });

  it('breaks ties in insertion order, as mingo does, sorting only within each tie', async () => {
    const docs = members();
    await importDocs(MEMBERS, docs);
    const page = await suite.db.collection(MEMBERS).where({ villageId: BIG_VILLAGE }).orderBy('joinedAt', 'desc').skip(7).limit(PAGE).get();
    expect(page.data).toEqual(expected(docs, { villageId: BIG_VILLAGE }, { joinedAt: -1 }, 7));
    const scan = await lastScan();
    expect(scan.pushedDown).toBe(true);
    expect(scan.plan.join('\n')).not.toMatch(/USE TEMP B-TREE FOR ORDER BY/);
    expect(scan.candidateRows).toBe(7 + PAGE);
  });

  it('serves an order after equalities on several of an index’s fields', async () => {
    const docs = Array.from({ length: 400 }, (_, i) => ({ _id: `d${i}`, group: `g${i % 2}`, flag: i % 3 === 0, at: new Date(T0 + (i % 50) * MINUTE_MS) }));
    await suite.db.collection(MIXED).add({ data: docs });
    const query = { group: 'g1', flag: true };
    const page = await suite.db.collection(MIXED).where(query).orderBy('at', 'asc').limit(20).get();
    expect(page.data).toEqual(expected(docs, query, { at: 1 }, 0, 20));
    const scan = await lastScan();
    expect(scan.plan.join('\n')).toMatch(/SEARCH db_documents USING INDEX dbidx_example_mixed__group_flag_at \(<expr>=\? AND <expr>=\?\)/);
    expect(scan.plan.join('\n')).not.toMatch(/USE TEMP B-TREE FOR ORDER BY/);
    expect(scan.candidateRows).toBe(20);
  });

  it('stops at the page in natural order when the query has no order', async () => {
    const docs = members();
    await importDocs(MEMBERS, docs);
    const page = await suite.db.collection(MEMBERS).where({ villageId: BIG_VILLAGE }).limit(10).get();
    expect(page.data).toEqual(expected(docs, { villageId: BIG_VILLAGE }, {}, 0, 10));
    expect((await lastScan()).candidateRows).toBe(10);
  });

  it('sorts in JS once a sort field mixes kinds SQL orders unlike mingo', async () => {
    const coll = suite.db.collection(MIXED);
    await coll.add({ data: [{ value: 3 }, { value: 1 }, { value: 2 }] });
    expect((await coll.orderBy('value', 'asc').get()).data.map((d: AnyDoc) => d.value)).toEqual([1, 2, 3]);
    expect((await lastScan()).pushedDown).toBe(true);
    // SQL indexes a Date as its epoch ms, a number; mingo sorts every Date after every number.
    await coll.add({ data: { value: new Date(0) } });
    expect((await coll.orderBy('value', 'asc').get()).data.map((d: AnyDoc) => d.value)).toEqual([1, 2, 3, new Date(0)]);
    expect((await lastScan()).pushedDown).toBe(false);
  });
});

describe('the pre-filter never drops a match', () => {
  it('compares string ranges on _id and indexed fields as JS does (UTF-16 units, JSON escapes aside)', async () => {
    // UTF-8 bytes put U+E000..U+FFFF before supplementary characters, UTF-16 units after them.
    const strings = ['a', 'a b', 'a!', 'ab', 'a"b', 'a\\b', 'a\nb', '中', '\ue000x', '\uffff', '😀', '😀a'];
    const docs = strings.map((s) => ({ _id: s, value: s }));
    await suite.db.collection(MIXED).add({ data: docs });
    const _ = suite.db.command;
    for (const bound of strings) {
      for (const op of ['gt', 'gte', 'lt', 'lte'] as const) {
        for (const field of ['_id', 'value']) {
          const got = await suite.db
            .collection(MIXED)
            .where({ [field]: _[op](bound) })
            .orderBy('_id', 'asc')
            .get();
          const context = `${field} ${op} ${JSON.stringify(bound)}`;
          expect(got.data, context).toEqual(expected(docs, { [field]: { [`$${op}`]: bound } }, { _id: 1 }));
        }
      }
    }
  });

  it('finds a dotted path inside an array, which SQL paths do not see', async () => {
    const coll = suite.db.collection(MIXED);
    await coll.add({ data: [{ meta: [{ rank: 3 }, { rank: 4 }] }, { meta: { rank: 3 } }, { meta: { rank: 5 } }] });
    expect((await coll.where({ 'meta.rank': 3 }).count()).total).toBe(2);
    const _ = suite.db.command;
    expect((await coll.where({ 'meta.rank': _.gte(4) }).count()).total).toBe(2);
  });
});

// ---- randomised mixed-type data -------------------------------------------------------------------

const ROUNDS = 24;
const DOCS_PER_ROUND = 120;
const QUERIES_PER_ROUND = 40;
const MAX_SKIP = 20;
const MAX_LIMIT = 40;
const ADD_BATCH = 40;
/** Queries with an order each path (pushed down, sorted in JS) must have answered. */
const MIN_QUERIES_PER_PATH = ROUNDS * 2;

/** Id pieces that stress SQL vs JS order: prefixes, characters below '"', JSON escapes, non-ASCII. */
const ID_PIECES = ['a', 'b', 'ab', ' ', '!', '"', '\\', '#', '~', '中', 'é', '\n', '0'];
/** Pieces UTF-8 and UTF-16 order differently (a supplementary character against U+E000..U+FFFF). */
const WIDE_ID_PIECES = ['😀', '\ue000', '\uffff'];
const STRINGS = ['', 'a', 'A', 'ab', 'a b', 'a!', 'b', 'z', '~', '中文', 'é', '😀', '\ue000x', 'x"y', 'x\\y', '10', '9'];
const NUMBERS = [-7, -1.5, 0, 1, 2, 2.5, 10, 1e6, 1e21];
const ASCII_STRINGS = STRINGS.filter((s) => /^[\x20-\x7e]*$/.test(s));
const INTEGERS = NUMBERS.filter((n) => Number.isSafeInteger(n));
const DAY_MS = 86_400_000;
const DATES = [new Date(-2 * DAY_MS), new Date(0), new Date(T0), new Date(T0 + DAY_MS), new Date(T0 + 30 * DAY_MS)];

/** Generators of one kind of value; a round draws each field from a few kinds. */
const KINDS: Record<string, (rnd: () => number) => unknown> = {
  number: (rnd) => pick(rnd, NUMBERS),
  string: (rnd) => pick(rnd, ASCII_STRINGS),
  unicode: (rnd) => pick(rnd, STRINGS),
  boolean: (rnd) => rnd() < 0.5,
  date: (rnd) => pick(rnd, DATES),
  null: () => null,
  missing: () => undefined,
  array: (rnd) => [pick(rnd, NUMBERS), pick(rnd, STRINGS)],
  object: (rnd) => ({ x: pick(rnd, NUMBERS) }),
};
/** Mixes of kinds per field: several SQL can order like mingo, several it cannot. */
const PALETTES = [
  ['number'],
  ['number', 'string'],
  ['string', 'missing'],
  ['unicode'],
  ['date'],
  ['date', 'null'],
  ['boolean', 'missing'],
  ['boolean', 'string'],
  ['date', 'string', 'null'],
  ['number', 'date'],
  ['number', 'boolean', 'string'],
  ['missing', 'null', 'number'],
  ['array', 'number'],
  ['object', 'string'],
  Object.keys(KINDS),
];
const GROUPS = ['g1', 'g2', 'g3'];

function randomId(rnd: () => number, pieces: string[], numeric: boolean): string | number {
  if (numeric) return pick(rnd, INTEGERS) * 1000 + Math.floor(rnd() * 1000);
  return Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => pick(rnd, pieces)).join('');
}

/** A round's documents: each field drawn from a palette of kinds, ids from a palette of pieces. */
function mixedDocs(rnd: () => number): AnyDoc[] {
  const palette = (field: string) => [field, pick(rnd, PALETTES)] as const;
  const fields = new Map([palette('value'), palette('flag'), palette('at'), palette('rank')]);
  const idPieces = rnd() < 0.3 ? [...ID_PIECES, ...WIDE_ID_PIECES] : ID_PIECES;
  const numericIds = rnd() < 0.3;
  const oddGroups = rnd() < 0.3;
  const ids = new Set<string>();
  const docs: AnyDoc[] = [];
  while (docs.length < DOCS_PER_ROUND) {
    const id = randomId(rnd, idPieces, numericIds && rnd() < 0.5);
    if (ids.has(JSON.stringify(id))) continue;
    ids.add(JSON.stringify(id));
    const group = oddGroups && rnd() < 0.1 ? pick(rnd, [['g1', 'g2'], 1, null]) : pick(rnd, GROUPS);
    const doc: AnyDoc = { _id: id, group };
    for (const [field, kinds] of fields) {
      const value = KINDS[pick(rnd, kinds)]!(rnd);
      if (value === undefined) continue;
      if (field === 'rank') doc.meta = rnd() < 0.9 ? { rank: value } : [{ rank: value }];
      else doc[field] = value;
    }
    docs.push(doc);
  }
  return docs;
}

type Op = 'eq' | 'gt' | 'gte' | 'lt' | 'lte' | 'in';
type Order = [string, 1 | -1][];

const SORT_FIELDS = ['_id', 'value', 'group', 'flag', 'at', 'meta.rank'];
/** Orders the indexes of indexes.pushdown.json give (each also reversed), and a few they do not. */
const INDEX_ORDERS: ((d: 1 | -1) => Order)[] = [
  (d) => [['_id', d]],
  (d) => [['value', d]],
  (d) => [
    ['value', d],
    ['_id', d],
  ],
  (d) => [
    ['group', 1],
    ['value', d],
  ],
  (d) => [
    ['flag', d],
    ['at', -d as 1 | -1],
  ],
  (d) => [
    ['flag', d],
    ['at', -d as 1 | -1],
    ['_id', -d as 1 | -1],
  ],
  (d) => [['meta.rank', d]],
  (d) => [
    ['meta.rank', d],
    ['_id', d],
  ],
  (d) => [
    ['value', d],
    ['_id', -d as 1 | -1],
  ],
];

interface RandomQuery {
  conditions: [string, Op, unknown][];
  order: Order;
  skip: number;
  limit: number;
}

function randomQuery(rnd: () => number, docs: AnyDoc[]): RandomQuery {
  const someValue = (field: string) => {
    const doc = pick(rnd, docs);
    const value = field === 'meta.rank' ? doc.meta?.rank : doc[field];
    return value ?? pick(rnd, [...NUMBERS, ...STRINGS]);
  };
  const direction = () => (rnd() < 0.5 ? 1 : -1);
  const order = rnd() < 0.7 ? pick(rnd, INDEX_ORDERS)(direction()) : SORT_FIELDS.filter(() => rnd() < 0.35).map((f) => [f, direction()] as [string, 1 | -1]);
  const conditions: [string, Op, unknown][] = [];
  if (rnd() < 0.6) conditions.push(rnd() < 0.8 ? ['group', 'eq', pick(rnd, GROUPS)] : ['group', 'in', GROUPS.slice(0, 2)]);
  if (rnd() < 0.5) conditions.push(['_id', pick(rnd, ['gt', 'gte', 'lt', 'lte'] as const), someValue('_id')]);
  for (const field of ['value', 'flag', 'at', 'meta.rank']) {
    if (rnd() < 0.2) conditions.push([field, pick(rnd, ['eq', 'gt', 'lte'] as const), someValue(field)]);
  }
  return { conditions, order, skip: rnd() < 0.5 ? 0 : Math.floor(rnd() * MAX_SKIP), limit: 1 + Math.floor(rnd() * MAX_LIMIT) };
}

function mongoQuery(q: RandomQuery): AnyDoc {
  return Object.fromEntries(q.conditions.map(([field, op, value]) => [field, op === 'eq' ? value : { [`$${op}`]: value }]));
}

async function run(q: RandomQuery): Promise<AnyDoc[]> {
  const _ = suite.db.command;
  const where = Object.fromEntries(q.conditions.map(([field, op, value]) => [field, op === 'eq' ? value : _[op](value)]));
  let query = suite.db.collection(MIXED).where(where);
  for (const [field, direction] of q.order) query = query.orderBy(field, direction === 1 ? 'asc' : 'desc');
  if (q.skip > 0) query = query.skip(q.skip);
  return (await query.limit(q.limit).get()).data as AnyDoc[];
}

describe('randomised mixed-type data', () => {
  it('gives mingo’s answer over all documents for every where/orderBy/skip/limit, pushed down or not', async () => {
    const rnd = random(42);
    let pushed = 0;
    let sortedInJs = 0;
    for (let round = 0; round < ROUNDS; round++) {
      await suite.emu.control.reset();
      const docs = mixedDocs(rnd);
      // Through the SDK (numeric ids, Dates, arrays keep their types), in batches like an app would.
      for (let i = 0; i < docs.length; i += ADD_BATCH) await suite.db.collection(MIXED).add({ data: docs.slice(i, i + ADD_BATCH) });
      for (let n = 0; n < QUERIES_PER_ROUND; n++) {
        const q = randomQuery(rnd, docs);
        const want = expected(docs, mongoQuery(q), Object.fromEntries(q.order), q.skip, q.limit);
        const context = `round ${round}, query ${JSON.stringify(q)}`;
        expect(await run(q), context).toEqual(want);
        const scan = await lastScan();
        if (q.order.length > 0 && scan.pushedDown) pushed++;
        else if (q.order.length > 0) sortedInJs++;
      }
    }
    expect(pushed).toBeGreaterThan(MIN_QUERIES_PER_PATH);
    expect(sortedInJs).toBeGreaterThan(MIN_QUERIES_PER_PATH);
  });
});
