// Updates MongoDB (and so CloudBase) refuses, through the real wx-server-sdk: $inc/$mul on a
// non-number, array operators on a non-array, a dotted path through null or a scalar, and batch
// (where) writes inside a transaction. Each refusal rejects the call and writes nothing; the
// positive controls show what stays allowed.
import { createRequire } from 'node:module';
import { beforeEach, describe, expect, it } from 'vitest';
import { useTestEmulator } from './helpers';

const requireCjs = createRequire(__filename);

type AnyDoc = Record<string, any>;

/** wx-server-sdk's errCode for the server's DATABASE_REQUEST_FAILED. */
const ERRCODE_DATABASE_REQUEST_FAILED = -502001;

const COLL = 'strict';
const SEED: AnyDoc = {
  _id: 'd',
  nothing: null,
  text: 'hello',
  flag: true,
  count: 1,
  list: [1, 2],
  items: [{ q: 1 }],
  obj: { k: 1 },
};

const suite = useTestEmulator({
  seed: async () => {
    await suite.db.createCollection(COLL);
    await suite.db.collection(COLL).add({ data: SEED });
  },
});

const read = async (id = 'd'): Promise<AnyDoc> => (await suite.db.collection(COLL).doc(id).get()).data as AnyDoc;
const update = (data: AnyDoc, id = 'd') => suite.db.collection(COLL).doc(id).update({ data });

/** The call rejects with DATABASE_REQUEST_FAILED and MongoDB's message. */
async function expectRefused(call: Promise<unknown>, message: RegExp): Promise<void> {
  const err = (await call.then(
    () => ({ errMsg: 'resolved' }),
    (e: unknown) => e,
  )) as AnyDoc;
  expect(String(err.errMsg)).toMatch(message);
  expect(err.errCode).toBe(ERRCODE_DATABASE_REQUEST_FAILED);
}

describe('$inc and $mul on a value that is not a number', () => {
  it('refuses $inc of null, a string and a boolean, and writes nothing', async () => {
    const _ = suite.db.command;
    await expectRefused(
      update({ nothing: _.inc(1) }),
      /Cannot apply \$inc to a value of non-numeric type\. \{_id: "d"\} has the field 'nothing' of non-numeric type null/,
    );
    await expectRefused(update({ text: _.inc(1) }), /Cannot apply \$inc .* non-numeric type string/);
    await expectRefused(update({ flag: _.inc(1) }), /Cannot apply \$inc .* non-numeric type bool/);
    expect(await read()).toEqual(SEED);
  });

  it('refuses $mul of null and fails the whole update when one operator fails', async () => {
    const _ = suite.db.command;
    await expectRefused(update({ nothing: _.mul(2) }), /Cannot apply \$mul to a value of non-numeric type/);
    // The valid $inc of `count` in the same update is not applied either.
    await expectRefused(update({ count: _.inc(1), nothing: _.inc(1) }), /non-numeric type null/);
    expect(await read()).toEqual(SEED);
  });

  it('creates a missing field (positive control)', async () => {
    const _ = suite.db.command;
    await update({ fresh: _.inc(5), other: _.mul(3), count: _.inc(1) });
    expect(await read()).toMatchObject({ fresh: 5, other: 0, count: 2 });
  });
});

describe('array operators on a value that is not an array', () => {
  it('refuses $push onto null and onto a string, and writes nothing', async () => {
    const _ = suite.db.command;
    await expectRefused(update({ nothing: _.push(['x']) }), /The field 'nothing' must be an array but is of type null in document \{_id: "d"\}/);
    await expectRefused(update({ text: _.push(['x']) }), /The field 'text' must be an array but is of type string/);
    expect(await read()).toEqual(SEED);
  });

  it('refuses $addToSet, $pull, $pullAll and $pop on a non-array', async () => {
    const _ = suite.db.command;
    await expectRefused(update({ nothing: _.addToSet('x') }), /Cannot apply \$addToSet to non-array field\. Field named 'nothing' has non-array type null/);
    await expectRefused(update({ text: _.pull('h') }), /Cannot apply \$pull to a non-array value/);
    await expectRefused(update({ count: _.pullAll([1]) }), /Cannot apply \$pullAll to a non-array value/);
    await expectRefused(update({ obj: _.pop() }), /Path 'obj' contains an element of non-array type 'object'/);
    expect(await read()).toEqual(SEED);
  });

  it('creates an array on a missing field; $pull and $pop of a missing field change nothing (positive control)', async () => {
    const _ = suite.db.command;
    await update({ tags: _.push(['a']), set: _.addToSet('b'), list: _.push([3]) });
    expect(await read()).toMatchObject({ tags: ['a'], set: ['b'], list: [1, 2, 3] });
    const res = await update({ absent: _.pull(1), alsoAbsent: _.pop() });
    expect(res.stats.updated).toBe(0);
  });
});

describe('a dotted path through null or a scalar', () => {
  it('refuses a nested update through null, as the SDK sends it ({ a: { b } } becomes $set a.b)', async () => {
    await expectRefused(update({ nothing: { b: 1 } }), /Cannot create field 'b' in element \{nothing: null\}/);
    expect(await read()).toEqual(SEED);
  });

  it('refuses dotted paths through a string, a number, a boolean, a nested scalar and an array', async () => {
    const _ = suite.db.command;
    await expectRefused(update({ 'text.b': 1 }), /Cannot create field 'b' in element \{text: "hello"\}/);
    await expectRefused(update({ 'count.b': 1 }), /Cannot create field 'b' in element \{count: 1\}/);
    await expectRefused(update({ flag: { b: 1 } }), /Cannot create field 'b' in element \{flag: true\}/);
    await expectRefused(update({ obj: { k: { deeper: 1 } } }), /Cannot create field 'deeper' in element \{k: 1\}/);
    // Other operators that create their path are refused the same way.
    await expectRefused(update({ 'nothing.n': _.inc(1) }), /Cannot create field 'n' in element \{nothing: null\}/);
    // An array takes numeric indexes only.
    await expectRefused(update({ 'items.q': 2 }), /Cannot create field 'q' in element \{items: \[\{"q":1\}\]\}/);
    expect(await read()).toEqual(SEED);
  });

  it('creates through a missing field, merges into an object, indexes an array, replaces null with _.set (positive control)', async () => {
    const _ = suite.db.command;
    await update({ fresh: { deep: { x: 1 } }, obj: { extra: 2 }, 'list.0': 9, 'items.0.q': 5, nothing: _.set({ b: 1 }) });
    expect(await read()).toMatchObject({
      fresh: { deep: { x: 1 } },
      obj: { k: 1, extra: 2 },
      list: [9, 2],
      items: [{ q: 5 }],
      nothing: { b: 1 },
    });
  });
});

describe('multi-document updates', () => {
  beforeEach(async () => {
    await suite.db.collection(COLL).add({
      data: [
        { _id: 'm1', group: 'g', v: 1 },
        { _id: 'm2', group: 'g', v: null },
        { _id: 'm3', group: 'g', v: 2 },
      ],
    });
  });

  it('fails the whole where().update() when one matched document would fail, writing none of them', async () => {
    const _ = suite.db.command;
    await expectRefused(
      suite.db
        .collection(COLL)
        .where({ group: 'g' })
        .update({ data: { v: _.inc(1) } }),
      /\{_id: "m2"\} has the field 'v' of non-numeric type null/,
    );
    // m1 comes before m2 in natural order: MongoDB would have kept its update, the emulator writes nothing.
    expect((await read('m1')).v).toBe(1);
    expect((await read('m2')).v).toBeNull();
    expect((await read('m3')).v).toBe(2);
  });

  it('updates every document when none fails (positive control)', async () => {
    const _ = suite.db.command;
    const res = await suite.db
      .collection(COLL)
      .where({ group: 'g', v: _.neq(null) })
      .update({ data: { v: _.inc(10) } });
    expect(res.stats.updated).toBe(2);
    expect([(await read('m1')).v, (await read('m3')).v]).toEqual([11, 12]);
  });
});

describe('transactions', () => {
  /** The SDK's own request shape, posted with a transaction id as an SDK that sends one would. */
  const admin = async (body: AnyDoc): Promise<AnyDoc> => {
    const res = await fetch(`${suite.emu.url}/admin`, { method: 'POST', body: JSON.stringify(body) });
    return (await res.json()) as AnyDoc;
  };

  it('refuses batch writes (where().update / where().remove) that carry a transaction id, writing nothing', async () => {
    const { transactionId } = await admin({ action: 'database.startTransaction' });
    expect(transactionId).toEqual(expect.any(String));
    const where = { collectionName: COLL, queryType: 'WHERE', query: JSON.stringify({ _id: 'd' }), multi: true, transactionId };
    const updated = await admin({ action: 'database.modifyDocument', ...where, merge: true, upsert: false, data: JSON.stringify({ $set: { hit: true } }) });
    expect(updated.code).toBe('DATABASE_REQUEST_FAILED');
    expect(updated.message).toMatch(/where\(\)\.update\(\) is a batch \(where\) write, which CloudBase does not support inside a transaction/);
    const removed = await admin({ action: 'database.removeDocument', ...where });
    expect(removed.code).toBe('DATABASE_REQUEST_FAILED');
    expect(removed.message).toMatch(/where\(\)\.remove\(\)/);
    // The transaction is still usable for single-document writes and commits them.
    const single = await admin({
      action: 'database.modifyDocument',
      ...where,
      queryType: 'DOC',
      multi: false,
      merge: true,
      upsert: false,
      data: JSON.stringify({ $set: { viaDoc: true } }),
    });
    expect(single.data.updated).toBe(1);
    await admin({ action: 'database.abortTransaction', transactionId });
    expect(await read()).toEqual(SEED);
  });

  it('refuses @cloudbase/node-sdk updateAndReturn (a where write) inside a transaction', async () => {
    // wx-server-sdk wraps @cloudbase/node-sdk; its updateAndReturn is the one where() write that sends the transaction id.
    const tcb = requireCjs('@cloudbase/node-sdk') as { init(c: object): { database(): any } };
    const ndb = tcb.init({ env: process.env.TCB_ENV }).database();
    const t = await ndb.startTransaction();
    const err = (await t
      .collection(COLL)
      .where({ _id: 'd' })
      .updateAndReturn({ count: 99 })
      .catch((e: unknown) => e)) as AnyDoc;
    expect(err.code).toBe('DATABASE_REQUEST_FAILED');
    expect(String(err.message)).toMatch(/updateAndReturn\(\) is a batch \(where\) write/);
    await t.rollback();
    expect(await read()).toEqual(SEED);
  });

  it('wx-server-sdk sends a transaction where().update() without the transaction id: it is an ordinary write a rollback does not undo', async () => {
    // @cloudbase/database 1.4.3 drops the id from where().update()/remove() (not from doc() or add), so
    // neither the emulator nor CloudBase can tell the write belongs to the transaction. This pins that
    // hazard: use doc(id) writes inside transactions (the backend does).
    await expect(
      suite.db.runTransaction(async (t: any) => {
        await t
          .collection(COLL)
          .where({ _id: 'd' })
          .update({ data: { escaped: true } });
        await t.rollback('undo');
      }),
    ).rejects.toBe('undo');
    expect((await read()).escaped).toBe(true);
  });

  it('refuses an invalid doc().update inside runTransaction and commits nothing of the transaction', async () => {
    const _ = suite.db.command;
    await expectRefused(
      suite.db.runTransaction(async (t: any) => {
        await t.collection(COLL).add({ data: { _id: 'staged' } });
        await t
          .collection(COLL)
          .doc('d')
          .update({ data: { nothing: _.inc(1) } });
      }),
      /Cannot apply \$inc to a value of non-numeric type/,
    );
    expect(await read()).toEqual(SEED);
    expect((await suite.db.collection(COLL).where({ _id: 'staged' }).count()).total).toBe(0);
  });

  it('still runs doc() updates, set, remove and add inside a transaction (positive control)', async () => {
    const _ = suite.db.command;
    await suite.db.collection(COLL).add({ data: { _id: 'gone' } });
    await suite.db.runTransaction(async (t: any) => {
      await t
        .collection(COLL)
        .doc('d')
        .update({ data: { count: _.inc(1), list: _.push([3]), obj: { extra: true } } });
      await t
        .collection(COLL)
        .doc('other')
        .set({ data: { v: 1 } });
      await t.collection(COLL).doc('gone').remove();
      await t.collection(COLL).add({ data: { _id: 'added' } });
    });
    expect(await read()).toMatchObject({ count: 2, list: [1, 2, 3], obj: { k: 1, extra: true } });
    expect(await read('other')).toEqual({ _id: 'other', v: 1 });
    expect(await read('added')).toEqual({ _id: 'added' });
    expect((await suite.db.collection(COLL).where({ _id: 'gone' }).count()).total).toBe(0);
  });
});
