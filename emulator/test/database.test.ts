// The emulator's database through the real wx-server-sdk: CRUD, query operators, paging and limits,
// projection, update operators, set vs update, upsert, serverDate on the emulator clock, Dates,
// aggregation, collection rules, unsupported features and injected write faults.
import { beforeEach, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { useTestEmulator } from './helpers';

const requireCjs = createRequire(__filename);

// The tests read results the way JavaScript callers do (suite.db is untyped: see helpers.ts).
type AnyDoc = Record<string, any>;

const CLOCK_START = Date.UTC(2026, 0, 15, 8, 0, 0);
const suite = useTestEmulator({ options: { clockStartMs: CLOCK_START } });

async function seed(name: string, docs: AnyDoc[]): Promise<void> {
  await suite.db.createCollection(name);
  if (docs.length > 0) await suite.db.collection(name).add({ data: docs } as any);
}

async function list(name: string, query: AnyDoc): Promise<AnyDoc[]> {
  const res = await suite.db.collection(name).where(query).get();
  return res.data as AnyDoc[];
}

describe('add, get, doc().get and count', () => {
  it('adds one document and reads it back by id and by query', async () => {
    await suite.db.createCollection('items');
    const added = (await suite.db.collection('items').add({ data: { name: 'a', n: 1, tags: ['x'] } })) as AnyDoc;
    expect(added._id).toMatch(/^[0-9a-f]{32}$/);
    const byId = await suite.db.collection('items').doc(added._id).get();
    expect(byId.data).toEqual({ _id: added._id, name: 'a', n: 1, tags: ['x'] });
    // Server-side writes carry no _openid (CloudBase adds it only for client-side writes).
    expect(byId.data).not.toHaveProperty('_openid');
    expect((await list('items', { name: 'a' })).map((d) => d._id)).toEqual([added._id]);
    expect((await suite.db.collection('items').where({ n: 1 }).count()).total).toBe(1);
  });

  it('adds a batch, honours a caller _id and rejects a duplicate _id', async () => {
    await suite.db.createCollection('items');
    const res = (await suite.db.collection('items').add({ data: [{ _id: 'k1', v: 1 }, { v: 2 }] } as any)) as AnyDoc;
    expect(res._ids).toHaveLength(2);
    expect(res._ids[0]).toBe('k1');
    await expect(suite.db.collection('items').add({ data: { _id: 'k1', v: 3 } as any })).rejects.toThrow(/E11000 duplicate key/);
    expect((await suite.db.collection('items').count()).total).toBe(2);
  });

  it('fails a read on a collection that does not exist, like CloudBase', async () => {
    const err = (await suite.db
      .collection('nope')
      .get()
      .catch((e: unknown) => e)) as AnyDoc;
    // wx-server-sdk turns the server's code into errCode (DATABASE_COLLECTION_NOT_EXIST -> -502005).
    expect(err.errCode).toBe(-502005);
    expect(String(err.errMsg)).toContain('nope');
    await expect(suite.db.collection('nope').add({ data: { a: 1 } })).rejects.toThrow(/not exist/);
  });

  it('auto-creates the collections declared in the indexes file and refuses to create one twice', async () => {
    expect((await suite.db.collection('example_orders').count()).total).toBe(0);
    await suite.db.createCollection('fresh');
    await expect(suite.db.createCollection('fresh')).rejects.toThrow(/exist/);
  });

  it('doc().get of a missing document fails as in wx-server-sdk', async () => {
    await suite.db.createCollection('items');
    const res = await suite.db
      .collection('items')
      .doc('missing')
      .get()
      .catch((e: unknown) => e);
    // wx-server-sdk reports a missing document as a failure of doc().get.
    expect(String((res as AnyDoc).errMsg ?? (res as AnyDoc).message)).toMatch(/not exist|cannot find/i);
  });
});

describe('query operators', () => {
  const docs = [
    { _id: 'a', n: 1, s: 'apple', tags: ['red', 'fruit'], nested: { x: 1 }, items: [{ q: 1 }, { q: 5 }] },
    { _id: 'b', n: 5, s: 'banana', tags: ['yellow', 'fruit'], nested: { x: 2 }, items: [{ q: 2 }] },
    { _id: 'c', n: 10, s: 'Cherry', tags: ['red'], opt: null },
  ];
  beforeEach(() => seed('q', docs));

  const ids = (rows: AnyDoc[]) => rows.map((d) => d._id).sort();

  it('compares with eq, neq, gt, gte, lt, lte, in and nin', async () => {
    const _ = suite.db.command;
    expect(ids(await list('q', { n: _.eq(5) }))).toEqual(['b']);
    expect(ids(await list('q', { n: _.neq(5) }))).toEqual(['a', 'c']);
    expect(ids(await list('q', { n: _.gt(1) }))).toEqual(['b', 'c']);
    expect(ids(await list('q', { n: _.gte(5) }))).toEqual(['b', 'c']);
    expect(ids(await list('q', { n: _.lt(5) }))).toEqual(['a']);
    expect(ids(await list('q', { n: _.lte(5) }))).toEqual(['a', 'b']);
    expect(ids(await list('q', { n: _.in([1, 10]) }))).toEqual(['a', 'c']);
    expect(ids(await list('q', { n: _.nin([1, 10]) }))).toEqual(['b']);
  });

  it('combines with and, or, nor and not', async () => {
    const _ = suite.db.command;
    expect(ids(await list('q', { n: _.gt(1).and(_.lt(10)) }))).toEqual(['b']);
    expect(ids(await list('q', _.or([{ n: 1 }, { s: 'Cherry' }]) as any))).toEqual(['a', 'c']);
    expect(ids(await list('q', _.and([{ n: _.gt(1) }, { tags: 'red' }]) as any))).toEqual(['c']);
    expect(ids(await list('q', _.nor([{ n: 1 }, { n: 5 }]) as any))).toEqual(['c']);
    expect(ids(await list('q', { n: _.not(_.eq(5)) }))).toEqual(['a', 'c']);
  });

  it('tests arrays and presence with exists, size, all and elemMatch', async () => {
    const _ = suite.db.command;
    expect(ids(await list('q', { opt: _.exists(true) }))).toEqual(['c']);
    expect(ids(await list('q', { nested: _.exists(false) }))).toEqual(['c']);
    expect(ids(await list('q', { tags: _.size(2) }))).toEqual(['a', 'b']);
    expect(ids(await list('q', { tags: _.all(['red', 'fruit']) }))).toEqual(['a']);
    expect(ids(await list('q', { items: _.elemMatch({ q: _.gt(4) }) }))).toEqual(['a']);
    expect(ids(await list('q', { tags: 'red' }))).toEqual(['a', 'c']);
  });

  it('matches regular expressions and nested paths', async () => {
    expect(ids(await list('q', { s: suite.db.RegExp({ regexp: '^c', options: 'i' }) }))).toEqual(['c']);
    expect(ids(await list('q', { s: /an/ }))).toEqual(['b']);
    expect(ids(await list('q', { 'nested.x': 2 }))).toEqual(['b']);
    expect(ids(await list('q', { nested: { x: 1 } }))).toEqual(['a']);
    expect(ids(await list('q', { 'items.q': suite.db.command.gte(2) }))).toEqual(['a', 'b']);
  });

  it('rejects an operator the emulator lacks with an error naming it', async () => {
    const err = (await suite.db
      .collection('q')
      .where({ loc: (suite.db.command as any).geoNear({ geometry: suite.db.Geo.Point(1, 2) }) })
      .get()
      .catch((e: unknown) => e)) as AnyDoc;
    expect(String(err.errMsg)).toMatch(/emulator does not support .*\$nearSphere/);
  });
});

describe('order, paging, limits and projection', () => {
  it('pages with orderBy, skip and limit', async () => {
    await seed(
      'p',
      Array.from({ length: 25 }, (_, i) => ({ i, group: i % 2 })),
    );
    const page = await suite.db.collection('p').orderBy('group', 'desc').orderBy('i', 'asc').skip(5).limit(5).get();
    expect(page.data.map((d: AnyDoc) => d.i)).toEqual([11, 13, 15, 17, 19]);
  });

  it('returns 100 documents by default and 1000 at most', async () => {
    await suite.db.createCollection('big');
    const docs = Array.from({ length: 1100 }, (_, i) => ({ i }));
    await suite.db.collection('big').add({ data: docs } as any);
    expect((await suite.db.collection('big').get()).data).toHaveLength(100);
    expect((await suite.db.collection('big').limit(1000).get()).data).toHaveLength(1000);
    expect((await suite.db.collection('big').skip(1000).limit(1000).get()).data).toHaveLength(100);
    // The SDK already caps at 1000; the server does too when a caller asks for more.
    const raw = await fetch(`${suite.emu.url}/admin`, {
      method: 'POST',
      body: JSON.stringify({ action: 'database.getDocument', collectionName: 'big', queryType: 'WHERE', limit: 5000 }),
    });
    expect(((await raw.json()) as AnyDoc).data.list).toHaveLength(1000);
  });

  it('projects fields with field()', async () => {
    await seed('f', [{ _id: 'x', a: 1, b: 2, c: { d: 3, e: 4 } }]);
    expect((await suite.db.collection('f').field({ a: true, 'c.d': true }).get()).data).toEqual([{ _id: 'x', a: 1, c: { d: 3 } }]);
    expect((await suite.db.collection('f').field({ b: false, c: false }).get()).data).toEqual([{ _id: 'x', a: 1 }]);
    expect((await suite.db.collection('f').doc('x').field({ b: true }).get()).data).toEqual({ _id: 'x', b: 2 });
  });

  it('sorts before projecting away the sort key', async () => {
    await seed('f', [
      { a: 1, k: 2 },
      { a: 2, k: 1 },
    ]);
    const res = await suite.db.collection('f').orderBy('k', 'asc').field({ a: true, _id: false }).get();
    expect(res.data).toEqual([{ a: 2 }, { a: 1 }]);
  });
});

describe('updates', () => {
  beforeEach(() => seed('u', [{ _id: 'd', n: 1, m: 3, list: [1, 2, 3], set: ['a'], obj: { keep: 1, old: 2 }, gone: true }]));
  const read = async () => (await suite.db.collection('u').doc('d').get()).data as AnyDoc;

  it('applies every update operator the SDK has', async () => {
    const _ = suite.db.command;
    const res = await suite.db
      .collection('u')
      .doc('d')
      .update({
        data: {
          n: _.inc(2),
          m: _.mul(2),
          list: _.push({ each: [0], position: 0 }),
          set: _.addToSet('b'),
          gone: _.remove(),
          'obj.new': 5,
          fresh: _.set({ a: 1 }),
        },
      });
    expect(res.stats.updated).toBe(1);
    const d = await read();
    expect(d).toMatchObject({ n: 3, m: 6, list: [0, 1, 2, 3], set: ['a', 'b'], obj: { keep: 1, old: 2, new: 5 }, fresh: { a: 1 } });
    expect(d).not.toHaveProperty('gone');

    await suite.db
      .collection('u')
      .doc('d')
      .update({ data: { list: _.pull(_.gt(1)), set: _.addToSet('a') } });
    expect(await read()).toMatchObject({ list: [0, 1], set: ['a', 'b'] });

    await suite.db
      .collection('u')
      .doc('d')
      .update({ data: { n: _.min(0), m: _.max(100), list: _.push({ each: [7, 8, 9], slice: -3 }) } });
    expect(await read()).toMatchObject({ n: 0, m: 100, list: [7, 8, 9] });

    await suite.db
      .collection('u')
      .doc('d')
      .update({ data: { obj: _.rename('renamed') as any, list: _.pop() } });
    const after = await read();
    expect(after.renamed).toEqual({ keep: 1, old: 2, new: 5 });
    expect(after).not.toHaveProperty('obj');
    expect(after.list).toEqual([7, 8]);

    await suite.db
      .collection('u')
      .doc('d')
      .update({ data: { list: _.shift(), set: _.pullAll(['a']) } });
    expect(await read()).toMatchObject({ list: [8], set: ['b'] });
    await suite.db
      .collection('u')
      .doc('d')
      .update({ data: { list: _.unshift([1, 2]) } });
    expect((await read()).list).toEqual([1, 2, 8]);
  });

  it('set replaces the whole document and upserts; update merges', async () => {
    await suite.db
      .collection('u')
      .doc('d')
      .update({ data: { obj: { only: 1 } } });
    expect((await read()).obj).toEqual({ keep: 1, old: 2, only: 1 });
    const setRes = await suite.db
      .collection('u')
      .doc('d')
      .set({ data: { replaced: true } });
    expect(setRes.stats.updated).toBe(1);
    expect(await read()).toEqual({ _id: 'd', replaced: true });
    const upserted = (await suite.db
      .collection('u')
      .doc('new-id')
      .set({ data: { v: 1 } })) as AnyDoc;
    expect(upserted._id).toBe('new-id');
    expect(upserted.stats.updated).toBe(0);
    expect((await suite.db.collection('u').doc('new-id').get()).data).toEqual({ _id: 'new-id', v: 1 });
  });

  it('reports updated 0 when nothing changes or nothing matches', async () => {
    expect(
      (
        await suite.db
          .collection('u')
          .doc('d')
          .update({ data: { n: 1 } })
      ).stats.updated,
    ).toBe(0);
    expect(
      (
        await suite.db
          .collection('u')
          .doc('missing')
          .update({ data: { n: 2 } })
      ).stats.updated,
    ).toBe(0);
    expect(
      (
        await suite.db
          .collection('u')
          .where({ n: 99 })
          .update({ data: { n: 2 } })
      ).stats.updated,
    ).toBe(0);
  });

  it('updates and removes many with where()', async () => {
    await suite.db.collection('u').add({ data: [{ n: 1 }, { n: 1 }, { n: 2 }] } as any);
    expect(
      (
        await suite.db
          .collection('u')
          .where({ n: 1 })
          .update({ data: { hit: true } })
      ).stats.updated,
    ).toBe(3);
    expect((await suite.db.collection('u').where({ hit: true }).count()).total).toBe(3);
    expect((await suite.db.collection('u').where({ n: 1 }).remove()).stats.removed).toBe(3);
    expect((await suite.db.collection('u').count()).total).toBe(1);
    expect((await suite.db.collection('u').doc('missing').remove()).stats.removed).toBe(0);
  });

  it('upserts from the query equalities with the node SDK update options', async () => {
    // wx-server-sdk's where().update has no upsert; send the SDK's own request shape for it.
    const res = await fetch(`${suite.emu.url}/admin`, {
      method: 'POST',
      body: JSON.stringify({
        action: 'database.modifyDocument',
        collectionName: 'u',
        queryType: 'WHERE',
        query: JSON.stringify({ key: 'k9', 'meta.kind': 'x' }),
        data: JSON.stringify({ $inc: { count: { $numberInt: '1' } } }),
        multi: false,
        merge: true,
        upsert: true,
      }),
    });
    const body = (await res.json()) as AnyDoc;
    expect(body.data.updated).toBe(0);
    expect(body.data.upsert_id).toMatch(/^[0-9a-f]{32}$/);
    expect((await list('u', { key: 'k9' }))[0]).toEqual({ _id: body.data.upsert_id, key: 'k9', meta: { kind: 'x' }, count: 1 });
  });

  it('updates and returns the new document (node SDK updateAndReturn -> modifyAndReturnDoc)', async () => {
    // wx-server-sdk does not expose updateAndReturn; @cloudbase/node-sdk (which it wraps) does.
    const tcb = requireCjs('@cloudbase/node-sdk') as { init(c: object): { database(): any } };
    const ndb = tcb.init({ env: process.env.TCB_ENV }).database();
    const res = await ndb
      .collection('u')
      .where({ _id: 'd' })
      .updateAndReturn({ n: ndb.command.inc(41) });
    expect(res.updated).toBe(1);
    expect(res.doc).toMatchObject({ _id: 'd', n: 42 });
    const none = await ndb.collection('u').where({ _id: 'nobody' }).updateAndReturn({ n: 1 });
    expect(none.updated).toBe(0);
    expect(none.doc).toBeNull();
  });

  it('refuses an update that would change _id or uses an unknown operator', async () => {
    await expect(
      suite.db
        .collection('u')
        .doc('d')
        .update({ data: { _id: 'x' } as any }),
    ).rejects.toThrow(/_id/);
    const raw = await fetch(`${suite.emu.url}/admin`, {
      method: 'POST',
      body: JSON.stringify({ action: 'database.modifyDocument', collectionName: 'u', query: '{}', data: '{"$frobnicate":{"a":1}}', merge: true }),
    });
    const body = (await raw.json()) as AnyDoc;
    expect(body.code).toBe('EMULATOR_UNSUPPORTED');
    expect(body.message).toContain('$frobnicate');
  });
});

describe('dates and serverDate', () => {
  it('stamps serverDate from the emulator clock, offset included', async () => {
    await suite.db.createCollection('t');
    await suite.emu.control.setClock(Date.UTC(2027, 5, 1, 12, 0, 0));
    const { _id } = (await suite.db.collection('t').add({ data: { at: suite.db.serverDate(), later: suite.db.serverDate({ offset: 60_000 }) } })) as AnyDoc;
    const doc = (await suite.db.collection('t').doc(_id).get()).data as AnyDoc;
    expect(doc.at).toBeInstanceOf(Date);
    expect(Math.abs(doc.at.getTime() - Date.UTC(2027, 5, 1, 12, 0, 0))).toBeLessThan(5_000);
    expect(doc.later.getTime() - doc.at.getTime()).toBe(60_000);

    await suite.emu.control.advance(3_600_000);
    await suite.db
      .collection('t')
      .doc(_id)
      .update({ data: { at: suite.db.serverDate() } });
    const moved = (await suite.db.collection('t').doc(_id).get()).data as AnyDoc;
    expect(moved.at.getTime() - doc.at.getTime()).toBeGreaterThanOrEqual(3_600_000);
  });

  it('round-trips Dates and compares them in queries', async () => {
    await suite.db.createCollection('t');
    const when = new Date(Date.UTC(2020, 1, 29, 23, 59, 59, 123));
    const old = new Date(Date.UTC(1960, 0, 1));
    await suite.db.collection('t').add({
      data: [
        { k: 1, when },
        { k: 2, when: old },
        { k: 3, when: 'not a date' },
      ],
    } as any);
    const rows = await list('t', { when: suite.db.command.gt(new Date(Date.UTC(2000, 0, 1))) });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.when).toBeInstanceOf(Date);
    expect(rows[0]!.when.getTime()).toBe(when.getTime());
    expect((await list('t', { when: old }))[0]!.k).toBe(2);
    const plain = (await suite.emu.control.collection('t')) as AnyDoc[];
    expect(plain[0]!.when).toBe(when.toISOString());
  });
});

describe('aggregation', () => {
  beforeEach(() =>
    seed('sales', [
      { item: 'a', qty: 2, price: 10, city: 'sh' },
      { item: 'b', qty: 1, price: 20, city: 'bj' },
      { item: 'a', qty: 5, price: 10, city: 'bj' },
      { item: 'c', qty: 1, price: 99, city: 'sh' },
    ]),
  );

  it('runs match, group, sort, project, skip, limit and count', async () => {
    const $ = suite.db.command.aggregate;
    const res = await suite.db
      .collection('sales')
      .aggregate()
      .match({ price: suite.db.command.lt(50) })
      .group({ _id: '$item', total: $.sum($.multiply(['$qty', '$price'])), n: $.sum(1) })
      .sort({ total: -1 })
      .project({ _id: 0, item: '$_id', total: 1 })
      .skip(0)
      .limit(10)
      .end();
    expect(res.list).toEqual([
      { item: 'a', total: 70 },
      { item: 'b', total: 20 },
    ]);
    const counted = await suite.db.collection('sales').aggregate().match({ city: 'sh' }).count('n').end();
    expect(counted.list).toEqual([{ n: 2 }]);
  });

  it('supports lookup, unwind and addFields', async () => {
    await seed('cities', [
      { code: 'sh', name: 'Shanghai' },
      { code: 'bj', name: 'Beijing' },
    ]);
    const res = await suite.db
      .collection('sales')
      .aggregate()
      .match({ item: 'b' })
      .lookup({ from: 'cities', localField: 'city', foreignField: 'code', as: 'c' })
      .unwind('$c')
      .addFields({ cityName: '$c.name' })
      .project({ _id: 0, item: 1, cityName: 1 })
      .end();
    expect(res.list).toEqual([{ item: 'b', cityName: 'Beijing' }]);
  });

  it('returns 20 records when the pipeline has no limit, like CloudBase', async () => {
    await seed(
      'many',
      Array.from({ length: 30 }, (_, i) => ({ i })),
    );
    expect((await suite.db.collection('many').aggregate().match({}).end()).list).toHaveLength(20);
    expect((await suite.db.collection('many').aggregate().match({}).limit(30).end()).list).toHaveLength(30);
  });

  it('refuses $geoNear by name', async () => {
    await expect(
      suite.db
        .collection('sales')
        .aggregate()
        .geoNear({ near: suite.db.Geo.Point(1, 2), distanceField: 'd', spherical: true })
        .end(),
    ).rejects.toThrow(/\$geoNear/);
  });
});

describe('injected write faults', () => {
  it('fails the write with the armed error and writes nothing', async () => {
    await suite.db.createCollection('w');
    await suite.emu.control.injectFault({ target: 'databaseWrite', name: 'w', count: 1 });
    const err = (await suite.db
      .collection('w')
      .add({ data: { a: 1 } })
      .catch((e: unknown) => e)) as AnyDoc;
    expect(err.errCode).toBe(-502001);
    expect(String(err.errMsg)).toContain('injected database write fault');
    expect((await suite.db.collection('w').count()).total).toBe(0);
    // Only one write was armed: the next one succeeds.
    await suite.db.collection('w').add({ data: { a: 2 } });
    expect(await suite.emu.control.collection('w')).toHaveLength(1);

    await suite.emu.control.injectFault({ target: 'databaseWrite', count: 1, errcode: 'DATABASE_PERMISSION_DENIED', errmsg: 'denied' });
    const denied = (await suite.db
      .collection('w')
      .where({ a: 2 })
      .update({ data: { a: 3 } })
      .catch((e: unknown) => e)) as AnyDoc;
    expect(denied.errCode).toBe(-502003);
    expect(String(denied.errMsg)).toContain('denied');
    expect(await list('w', { a: 2 })).toHaveLength(1);
  });

  it('lets `skip` writes through first, so a test can fail the k-th write of a use case', async () => {
    await suite.db.createCollection('k');
    await suite.emu.control.injectFault({ target: 'databaseWrite', name: 'k', count: 1, skip: 2 });
    const attempts: string[] = [];
    for (const n of [1, 2, 3, 4]) {
      const outcome = await suite.db
        .collection('k')
        .add({ data: { _id: `d${n}` } })
        .then(
          () => 'written',
          () => 'failed',
        );
      attempts.push(outcome);
    }
    expect(attempts).toEqual(['written', 'written', 'failed', 'written']);
    expect(((await suite.emu.control.collection('k')) as AnyDoc[]).map((d) => d._id).sort()).toEqual(['d1', 'd2', 'd4']);
  });
});

describe('control route and health', () => {
  it('lists documents as plain JSON and counts collections in health', async () => {
    await seed('h', [{ a: 1 }, { a: 2 }]);
    const docs = (await suite.emu.control.collection('h')) as AnyDoc[];
    expect(docs.map((d) => d.a)).toEqual([1, 2]);
    const health = (await (await fetch(`${suite.emu.url}/__emulator/health`)).json()) as AnyDoc;
    expect(health.database.collections.h).toBe(2);
    expect(await suite.emu.control.collection('absent')).toEqual([]);
  });
});
