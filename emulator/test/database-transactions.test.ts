// Database transactions through the real wx-server-sdk: runTransaction commit/abort/retry,
// startTransaction commit/rollback, isolation of uncommitted writes and write conflicts.
import { describe, expect, it } from 'vitest';
import { useTestEmulator } from './helpers';

type AnyDoc = Record<string, any>;

const suite = useTestEmulator({
  seed: async () => {
    await suite.db.createCollection('acct');
    await suite.db.collection('acct').add({
      data: [
        { _id: 'alice', balance: 100 },
        { _id: 'bob', balance: 0 },
      ],
    });
  },
});

const balance = async (id: string): Promise<number> => ((await suite.db.collection('acct').doc(id).get()).data as AnyDoc).balance;

describe('runTransaction', () => {
  it('commits all writes together and returns the callback result', async () => {
    const result = await suite.db.runTransaction(async (t: any) => {
      const from = (await t.collection('acct').doc('alice').get()).data as AnyDoc;
      await t
        .collection('acct')
        .doc('alice')
        .update({ data: { balance: from.balance - 30 } });
      await t
        .collection('acct')
        .doc('bob')
        .update({ data: { balance: suite.db.command.inc(30) } });
      await t.collection('acct').add({ data: { _id: 'log1', amount: 30 } });
      return 'done';
    });
    expect(result).toBe('done');
    expect(await balance('alice')).toBe(70);
    expect(await balance('bob')).toBe(30);
    expect((await suite.db.collection('acct').doc('log1').get()).data).toEqual({ _id: 'log1', amount: 30 });
  });

  it('discards every write when the callback throws', async () => {
    await expect(
      suite.db.runTransaction(async (t: any) => {
        await t
          .collection('acct')
          .doc('alice')
          .update({ data: { balance: 0 } });
        await t.collection('acct').add({ data: { _id: 'ghost' } });
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    expect(await balance('alice')).toBe(100);
    expect((await suite.db.collection('acct').where({ _id: 'ghost' }).count()).total).toBe(0);
    const health = (await (await fetch(`${suite.emu.url}/__emulator/health`)).json()) as AnyDoc;
    expect(health.database.openTransactions).toBe(0);
  });

  it('rejects with the rollback reason and writes nothing', async () => {
    await expect(
      suite.db.runTransaction(async (t: any) => {
        await t
          .collection('acct')
          .doc('bob')
          .set({ data: { balance: 999 } });
        await t.rollback('insufficient funds');
      }),
    ).rejects.toBe('insufficient funds');
    expect(await balance('bob')).toBe(0);
  });

  it('retries when the commit reports a conflict, then succeeds', async () => {
    let attempts = 0;
    await suite.db.runTransaction(async (t: any) => {
      attempts += 1;
      await t
        .collection('acct')
        .doc('bob')
        .update({ data: { balance: suite.db.command.inc(10) } });
      // A plain write changes the document this attempt wrote: its commit must fail with a conflict.
      if (attempts === 1)
        await suite.db
          .collection('acct')
          .doc('bob')
          .update({ data: { balance: 50 } });
    });
    expect(attempts).toBe(2);
    expect(await balance('bob')).toBe(60);
  });
});

describe('startTransaction', () => {
  it('hides uncommitted writes from plain reads and publishes them on commit', async () => {
    const t = await suite.db.startTransaction();
    await t
      .collection('acct')
      .doc('alice')
      .update({ data: { balance: 1 } });
    await t.collection('acct').add({ data: { _id: 'carol', balance: 5 } });
    // Inside, the transaction sees its own writes.
    expect(((await t.collection('acct').doc('alice').get()).data as AnyDoc).balance).toBe(1);
    expect(((await t.collection('acct').doc('carol').get()).data as AnyDoc).balance).toBe(5);
    // Outside, nothing changed yet.
    expect(await balance('alice')).toBe(100);
    expect((await suite.db.collection('acct').where({ _id: 'carol' }).count()).total).toBe(0);
    expect(await suite.emu.control.collection('acct')).toHaveLength(2);
    await t.commit();
    expect(await balance('alice')).toBe(1);
    expect(await balance('carol')).toBe(5);
  });

  it('rolls back: writes vanish and the transaction is closed', async () => {
    const t = await suite.db.startTransaction();
    await t.collection('acct').doc('alice').remove();
    await t
      .collection('acct')
      .doc('bob')
      .set({ data: { balance: 7 } });
    await t.rollback();
    expect(await balance('alice')).toBe(100);
    expect(await balance('bob')).toBe(0);
    await expect(t.commit()).rejects.toBeTruthy();
  });

  it('keeps reads repeatable while another writer commits', async () => {
    const t = await suite.db.startTransaction();
    expect(((await t.collection('acct').doc('alice').get()).data as AnyDoc).balance).toBe(100);
    await suite.db
      .collection('acct')
      .doc('alice')
      .update({ data: { balance: 5 } });
    expect(((await t.collection('acct').doc('alice').get()).data as AnyDoc).balance).toBe(100);
    // Writing the document that changed underneath is a write conflict.
    const err = (await t
      .collection('acct')
      .doc('alice')
      .update({ data: { balance: 0 } })
      .catch((e: unknown) => e)) as AnyDoc;
    expect(String(err.errMsg)).toMatch(/TransactionConflict/);
    expect(await balance('alice')).toBe(5);
  });

  it('fails the second of two transactions that write the same document', async () => {
    const t1 = await suite.db.startTransaction();
    const t2 = await suite.db.startTransaction();
    await t1
      .collection('acct')
      .doc('bob')
      .update({ data: { balance: 1 } });
    const err = (await t2
      .collection('acct')
      .doc('bob')
      .update({ data: { balance: 2 } })
      .catch((e: unknown) => e)) as AnyDoc;
    expect(String(err.errMsg)).toMatch(/TransactionConflict/);
    // The loser is aborted: its commit reports the same conflict code the SDK retries on.
    const commitErr = (await t2.commit().catch((e: unknown) => e)) as AnyDoc;
    expect(commitErr.code).toBe('DATABASE_TRANSACTION_CONFLICT');
    await t1.commit();
    expect(await balance('bob')).toBe(1);
  });

  it('rejects a duplicate _id inserted in a transaction at the insert', async () => {
    const t = await suite.db.startTransaction();
    await expect(t.collection('acct').add({ data: { _id: 'alice' } })).rejects.toThrow(/E11000/);
    await t.rollback();
  });
});
