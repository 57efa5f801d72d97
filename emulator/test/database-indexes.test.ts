// Declared indexes (the indexes file): SQLite uses them to pre-filter queries (proved with
// EXPLAIN QUERY PLAN and the candidate row count), they never lose a match, and unique indexes
// reject duplicates with the server's E11000 error.
import { describe, expect, it } from 'vitest';
import { parseIndexes } from '../src/database/indexes';
import { useTestEmulator } from './helpers';

type AnyDoc = Record<string, any>;

interface ScanReport {
  collection: string;
  candidateRows: number;
  plan: string[];
}

const ORDERS = 'example_orders';
const TOTAL = 300;
const STATUSES = ['open', 'closed', 'pending'];
const DAY_MS = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);

const suite = useTestEmulator({
  seed: async () => {
    const docs = Array.from({ length: TOTAL }, (_, i) => ({ n: i, status: STATUSES[i % STATUSES.length], createdAt: new Date(T0 + i * DAY_MS) }));
    await suite.db.collection(ORDERS).add({ data: docs });
  },
});

async function lastScan(): Promise<ScanReport> {
  const health = (await (await fetch(`${suite.emu.url}/__emulator/health`)).json()) as { database: { lastScan: ScanReport } };
  return health.database.lastScan;
}

describe('index use', () => {
  it('pre-filters an indexed equality + range query through the SQLite index', async () => {
    const _ = suite.db.command;
    const res = await suite.db
      .collection(ORDERS)
      .where({ status: 'open', createdAt: _.gte(new Date(T0 + 150 * DAY_MS)) })
      .limit(1000)
      .get();
    expect(res.data).toHaveLength(50);
    expect(res.data.every((d: AnyDoc) => d.status === 'open' && d.n >= 150)).toBe(true);
    const scan = await lastScan();
    expect(scan.collection).toBe(ORDERS);
    expect(scan.plan.join('\n')).toMatch(/SEARCH db_documents USING INDEX dbidx_example_orders__status_createdAt/);
    // Only rows the index lets through were read, not the whole collection.
    expect(scan.candidateRows).toBeLessThanOrEqual(TOTAL / STATUSES.length);
  });

  it('scans the whole collection for a field without an index', async () => {
    await suite.db.collection(ORDERS).where({ n: 7 }).get();
    const scan = await lastScan();
    expect(scan.candidateRows).toBe(TOTAL);
    expect(scan.plan.join('\n')).not.toMatch(/dbidx_/);
  });

  it('looks documents up by _id through the primary key', async () => {
    const { _id } = (await suite.db.collection(ORDERS).add({ data: { status: 'x' } })) as AnyDoc;
    await suite.db.collection(ORDERS).doc(_id).get();
    const scan = await lastScan();
    expect(scan.candidateRows).toBe(1);
    expect(scan.plan.join('\n')).toMatch(/USING INDEX/);
  });

  it('never loses a match: array values, $in, and counts agree with an unindexed scan', async () => {
    await suite.db.collection(ORDERS).add({
      data: [
        { status: ['open', 'vip'], n: 1000 },
        { status: { nested: true }, n: 1001 },
      ],
    });
    const _ = suite.db.command;
    const open = await suite.db.collection(ORDERS).where({ status: 'open' }).limit(1000).get();
    expect(open.data.map((d: AnyDoc) => d.n)).toContain(1000);
    expect(open.data).toHaveLength(TOTAL / STATUSES.length + 1);
    const viaIn = await suite.db
      .collection(ORDERS)
      .where({ status: _.in(['vip', 'closed']) })
      .count();
    expect(viaIn.total).toBe(TOTAL / STATUSES.length + 1);
    const before = await suite.db
      .collection(ORDERS)
      .where({ createdAt: _.lt(new Date(T0 + 10 * DAY_MS)) })
      .count();
    expect(before.total).toBe(10);
  });

  it('uses an index on a nested path', async () => {
    await suite.db.collection('example_users').add({ data: [{ profile: { city: 'sh' } }, { profile: { city: 'bj' } }] });
    const res = await suite.db.collection('example_users').where({ 'profile.city': 'bj' }).get();
    expect(res.data).toHaveLength(1);
    expect((await lastScan()).plan.join('\n')).toMatch(/SEARCH db_documents USING INDEX dbidx_example_users__profile_city/);
  });
});

describe('unique indexes', () => {
  it('rejects a duplicate key on add with E11000 and keeps the first document', async () => {
    await suite.db.collection(ORDERS).add({ data: { requestKey: 'req-1', v: 1 } });
    const err = (await suite.db
      .collection(ORDERS)
      .add({ data: { requestKey: 'req-1', v: 2 } })
      .catch((e: unknown) => e)) as AnyDoc;
    expect(err.errCode).toBe(-502001);
    expect(String(err.errMsg)).toMatch(/E11000 duplicate key error collection: example_orders index: requestKey_unique/);
    const rows = await suite.db.collection(ORDERS).where({ requestKey: 'req-1' }).get();
    expect(rows.data.map((d: AnyDoc) => d.v)).toEqual([1]);
  });

  it('rejects a batch atomically and an update that would collide', async () => {
    await expect(suite.db.collection(ORDERS).add({ data: [{ requestKey: 'a' }, { requestKey: 'a' }] })).rejects.toThrow(/E11000/);
    expect((await suite.db.collection(ORDERS).where({ requestKey: 'a' }).count()).total).toBe(0);
    await suite.db.collection(ORDERS).add({
      data: [
        { _id: 'one', requestKey: 'a' },
        { _id: 'two', requestKey: 'b' },
      ],
    });
    await expect(
      suite.db
        .collection(ORDERS)
        .doc('two')
        .update({ data: { requestKey: 'a' } }),
    ).rejects.toThrow(/E11000/);
    expect(((await suite.db.collection(ORDERS).doc('two').get()).data as AnyDoc).requestKey).toBe('b');
  });

  it('fails the commit of a transaction that would duplicate a key', async () => {
    await suite.db.collection(ORDERS).add({ data: { requestKey: 'tx' } });
    await expect(
      suite.db.runTransaction(async (t: any) => {
        await t.collection(ORDERS).add({ data: { _id: 'tx-dup', requestKey: 'tx' } });
      }),
    ).rejects.toThrow(/E11000/);
    expect((await suite.db.collection(ORDERS).where({ _id: 'tx-dup' }).count()).total).toBe(0);
  });
});

describe('indexes.json format', () => {
  it('accepts the documented format and names the problem in a bad file', () => {
    const ok = parseIndexes({ collections: [{ collectionName: 'c', indexes: [{ name: 'i', keys: [{ name: 'a', direction: '-1' }], unique: true }] }] }, 'test');
    expect(ok.indexes).toEqual([{ collectionName: 'c', name: 'i', keys: [{ name: 'a', direction: -1 }], unique: true }]);
    expect(() =>
      parseIndexes({ collections: [{ collectionName: 'c', indexes: [{ name: 'g', keys: [{ name: 'loc', direction: '2dsphere' }] }] }] }, 'f.json'),
    ).toThrow(/2dsphere/);
    expect(() => parseIndexes({}, 'f.json')).toThrow(/collections/);
  });
});
