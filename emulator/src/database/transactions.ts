// Multi-document transactions with optimistic concurrency. A transaction keeps its reads and writes
// in memory (invisible to everyone else) and applies its writes in one SQLite transaction on commit.
// Like MongoDB (which CloudBase runs on): reads are repeatable (a document keeps the state this
// transaction first saw); a write conflicts when another open transaction has written the document
// (first writer wins) or when the document changed since this transaction first saw it; the commit
// fails when a document this transaction wrote was changed meanwhile by a plain write (MongoDB would
// make that plain write wait instead). A conflict aborts the transaction with
// DATABASE_TRANSACTION_CONFLICT; the SDK's runTransaction retries when the commit reports it.
import { randomBytes } from 'node:crypto';
import { EmulatorError } from '../context';
import { cloneDoc, type Doc } from './codec';
import { DB_ERR, duplicateKey, transactionConflict } from './errors';
import { ID_INDEX_NAME, type DocumentStorage, type StoredRow } from './storage';

const TRANSACTION_ID_BYTES = 16;
/** Forget finished transaction ids after this many, so that a long-running emulator stays bounded. */
const FINISHED_MEMORY = 1000;
/** Documents a transaction inserts sort after every committed row, in insertion order. */
const INSERT_ORDER_BASE = Number.MAX_SAFE_INTEGER / 2;

interface Entry {
  coll: string;
  key: string;
  /** Committed version when first seen; null when the document did not exist. */
  baseVer: number | null;
  /** This transaction's view of the document; null when absent or deleted. */
  doc: Doc | null;
  written: boolean;
  /** Position for natural order: the committed row's seq, or after all rows for inserts. */
  order: number;
}

export interface DocView {
  key: string;
  doc: Doc;
}

export class Transaction {
  readonly entries = new Map<string, Entry>();
  private insertCounter = 0;

  constructor(
    readonly id: string,
    private readonly manager: TransactionManager,
  ) {}

  private entryKey(coll: string, key: string): string {
    return `${coll}\u0000${key}`;
  }

  /** This transaction's entry for a document, created from the committed row on first sight. */
  private touch(coll: string, key: string, row: StoredRow | undefined): Entry {
    const k = this.entryKey(coll, key);
    const existing = this.entries.get(k);
    if (existing) return existing;
    const entry: Entry = {
      coll,
      key,
      baseVer: row?.ver ?? null,
      doc: row ? row.doc : null,
      written: false,
      order: row?.seq ?? INSERT_ORDER_BASE + this.insertCounter++,
    };
    this.entries.set(k, entry);
    return entry;
  }

  /** Documents of `coll` as this transaction sees them, limited to possible matches of `query`. */
  documents(storage: DocumentStorage, coll: string, query: Doc): DocView[] {
    const seen = new Set<string>();
    const out: { order: number; view: DocView }[] = [];
    for (const row of storage.candidates(coll, query)) {
      seen.add(row.key);
      const e = this.entries.get(this.entryKey(coll, row.key));
      if (e) {
        if (e.doc) out.push({ order: e.order, view: { key: row.key, doc: cloneDoc(e.doc) } });
      } else {
        out.push({ order: row.seq, view: { key: row.key, doc: row.doc } });
      }
    }
    for (const e of this.entries.values()) {
      if (e.coll !== coll || seen.has(e.key) || !e.doc) continue;
      out.push({ order: e.order, view: { key: e.key, doc: cloneDoc(e.doc) } });
    }
    return out.sort((a, b) => a.order - b.order).map((x) => x.view);
  }

  /** Records the state of documents the transaction read, so that re-reads repeat it. */
  noteRead(storage: DocumentStorage, coll: string, keys: string[]): void {
    for (const key of keys) {
      if (!this.entries.has(this.entryKey(coll, key))) this.touch(coll, key, storage.getByKey(coll, key));
    }
  }

  /** Stages a write: `doc` null deletes. */
  write(storage: DocumentStorage, coll: string, key: string, doc: Doc | null, isInsert: boolean): void {
    const row = storage.getByKey(coll, key);
    const entry = this.touch(coll, key, row);
    if ((row?.ver ?? null) !== entry.baseVer) {
      throw this.manager.fail(this, `document ${key} of ${coll} was changed outside transaction ${this.id}`);
    }
    if (isInsert && entry.doc) {
      throw duplicateKey(coll, ID_INDEX_NAME, `{ _id: ${key} }`);
    }
    const other = this.manager.writerOf(this, entry.coll, key);
    if (other) throw this.manager.fail(this, `document ${key} of ${coll} is being written by transaction ${other.id}`);
    entry.doc = doc === null ? null : cloneDoc(doc);
    entry.written = true;
  }

  isWriting(coll: string, key: string): boolean {
    return this.entries.get(this.entryKey(coll, key))?.written === true;
  }

  /** Validates the documents written and applies the writes; the caller wraps it in SQLite's transaction. */
  apply(storage: DocumentStorage): void {
    for (const e of this.entries.values()) {
      if (!e.written) continue;
      const row = storage.getByKey(e.coll, e.key);
      if ((row?.ver ?? null) !== e.baseVer) {
        throw this.manager.fail(this, `document ${e.key} of ${e.coll} was changed outside transaction ${this.id}`);
      }
    }
    for (const e of this.entries.values()) {
      if (!e.written) continue;
      const exists = e.baseVer !== null;
      if (e.doc === null) {
        if (exists) storage.remove(e.coll, e.key);
      } else if (exists) {
        storage.replace(e.coll, e.doc);
      } else {
        storage.insert(e.coll, e.doc);
      }
    }
  }
}

export class TransactionManager {
  private readonly open = new Map<string, Transaction>();
  /** Why a finished transaction ended, so that late calls get a meaningful answer. */
  private readonly finished = new Map<string, { state: 'committed' | 'aborted'; reason?: EmulatorError }>();

  start(): Transaction {
    const tx = new Transaction(randomBytes(TRANSACTION_ID_BYTES).toString('hex'), this);
    this.open.set(tx.id, tx);
    return tx;
  }

  get(id: unknown): Transaction {
    const tx = typeof id === 'string' ? this.open.get(id) : undefined;
    if (tx) return tx;
    const done = typeof id === 'string' ? this.finished.get(id) : undefined;
    if (done?.reason) throw done.reason;
    throw new EmulatorError(DB_ERR.TRANSACTION_FAIL, done ? `transaction ${String(id)} is already ${done.state}` : `transaction ${String(id)} does not exist`);
  }

  /** The other open transaction that has written this document, if any. */
  writerOf(self: Transaction, coll: string, key: string): Transaction | undefined {
    for (const tx of this.open.values()) if (tx !== self && tx.isWriting(coll, key)) return tx;
    return undefined;
  }

  /** Aborts `tx` because of a conflict and returns the error to throw. */
  fail(tx: Transaction, detail: string): EmulatorError {
    const err = transactionConflict(detail);
    this.finish(tx, 'aborted', err);
    return err;
  }

  finish(tx: Transaction, state: 'committed' | 'aborted', reason?: EmulatorError): void {
    this.open.delete(tx.id);
    this.finished.set(tx.id, { state, reason });
    if (this.finished.size > FINISHED_MEMORY) {
      const oldest = this.finished.keys().next();
      if (!oldest.done) this.finished.delete(oldest.value);
    }
  }

  /** Abort is idempotent for transactions that already ended by abort (the SDK rolls back after errors). */
  abort(id: unknown): void {
    const tx = typeof id === 'string' ? this.open.get(id) : undefined;
    if (tx) {
      this.finish(tx, 'aborted');
      return;
    }
    const done = typeof id === 'string' ? this.finished.get(id) : undefined;
    if (done?.state === 'aborted') return;
    throw new EmulatorError(DB_ERR.TRANSACTION_FAIL, done ? `transaction ${String(id)} is already committed` : `transaction ${String(id)} does not exist`);
  }

  openCount(): number {
    return this.open.size;
  }

  clear(): void {
    this.open.clear();
    this.finished.clear();
  }
}
