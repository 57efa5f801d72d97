// The emulator's CloudBase database: the `database.*` actions wx-server-sdk (@cloudbase/database 1.4.3)
// sends, answered in the shapes the SDK reads (data.list of EJSON strings, data.insertedIds,
// data.updated / data.upsert_id, data.deleted, transactionId). Query matching, projection, updates
// and aggregation are mingo's, after MongoDB's type rules for updates (update-checks.ts); storage and
// indexes are SQLite (storage.ts); transactions are optimistic (transactions.ts). Collections must
// exist first, as on CloudBase (declared in the indexes file or created; see the package README).
import { randomBytes } from 'node:crypto';
import { aggregate as mingoAggregate, find as mingoFind, Query as MingoQuery, update as mingoUpdate } from 'mingo';
import type { Options as MingoOptions } from 'mingo/types';
import { EmulatorError, type ActionParams, type EmulatorContext, type EmulatorModule, type ModuleFactory } from '../context';
import { readJson, sendJson } from '../http-util';
import { cloneDoc, decodeEjson, encodeEjson, isPlainObject, toPlainJson, toStored, type Doc } from './codec';
import { DB_ERR, batchWriteInTransaction, collectionNotExist, fromMingo, invalidParam, unsupported } from './errors';
import { loadIndexesFile } from './indexes';
import type { SortOrder } from './order-pushdown';
import { DocumentStorage, idKey } from './storage';
import { TransactionManager, type DocView, type Transaction } from './transactions';
import { checkUpdateApplicable } from './update-checks';

/** Server-side query limits of CloudBase (云函数端): 100 by default, 1000 at most. */
const DEFAULT_QUERY_LIMIT = 100;
const MAX_QUERY_LIMIT = 1000;
/** An aggregation without a $limit stage returns 20 records on CloudBase's server side. */
const DEFAULT_AGGREGATE_LIMIT = 20;
/** CloudBase document ids are 32 hex characters. */
const ID_BYTES = 16;
const COLLECTIONS_ROUTE = '/__emulator/collections/';
const IMPORT_ROUTE = '/__emulator/database/import';
/** Aggregation stages that write or need geo search: refused by name rather than half-emulated. */
const UNSUPPORTED_STAGES = ['$out', '$merge', '$geoNear'];
/** Update operators whose meaning depends on the real clock or that the SDK never sends. */
const UNSUPPORTED_UPDATE_OPERATORS = ['$currentDate', '$setOnInsert'];
/** The SDK's queryType of collection.where(...) requests; doc(id) requests say 'DOC'. */
const WHERE_QUERY = 'WHERE';

type WriteKind = 'insert' | 'replace' | 'remove';

interface Target {
  /** Documents possibly matching `query`, in natural (insertion) order. */
  documents(coll: string, query: Doc): DocView[];
  /**
   * The first `count` documents matching `query` in `order`, read in that order and no further;
   * undefined when only sorting every candidate gives mingo's order.
   */
  firstMatches(coll: string, query: Doc, order: SortOrder | undefined, count: number): Doc[] | undefined;
  write(coll: string, key: string, doc: Doc | null, kind: WriteKind): void;
  /** Reads the transaction must validate at commit (no-op outside transactions). */
  noteRead(coll: string, keys: string[]): void;
  /** Runs the action's writes atomically. */
  atomically<T>(fn: () => T): T;
}

function newId(): string {
  return randomBytes(ID_BYTES).toString('hex');
}

export const createDatabaseModule: ModuleFactory = (ctx: EmulatorContext): EmulatorModule => {
  const declared = loadIndexesFile(ctx.config.indexesFile);
  const storage = new DocumentStorage(ctx.store, declared.indexes);
  const transactions = new TransactionManager();
  const now = () => ctx.clock.now();
  const mingoOptions: Partial<MingoOptions> = {
    // $where/$function would run code sent by a client; CloudBase refuses them too.
    scriptEnabled: false,
    collectionResolver: (name: string) => {
      requireCollection(name);
      return storage.all(name).map((r) => r.doc);
    },
  };

  const createDeclared = () => {
    for (const name of declared.collections) storage.createCollection(name, now());
  };
  createDeclared();

  function requireCollection(name: unknown): string {
    if (typeof name !== 'string' || name === '') throw invalidParam('collectionName is required');
    if (!storage.hasCollection(name)) throw collectionNotExist(name);
    return name;
  }

  function decodeObject(text: unknown, what: string): Doc {
    if (text === undefined || text === null || text === '') return {};
    const value = decodeEjson(text, now, what);
    if (!isPlainObject(value)) throw invalidParam(`${what} must be an object`);
    return value;
  }

  function takeWriteFault(coll: string): void {
    const fault = ctx.faults.take('databaseWrite', coll);
    if (fault) {
      throw new EmulatorError(
        fault.errcode === undefined ? DB_ERR.REQUEST_FAILED : String(fault.errcode),
        fault.errmsg ?? `injected database write fault on collection ${coll}`,
      );
    }
  }

  const committed: Target = {
    documents: (coll, query) => storage.candidates(coll, query).map((r) => ({ key: r.key, doc: r.doc })),
    firstMatches: (coll, query, order, count) => storage.firstMatches(coll, query, order, count, matcher(query))?.map((r) => r.doc),
    write(coll, key, doc, kind) {
      if (kind === 'remove') storage.remove(coll, key);
      else if (doc && kind === 'insert') storage.insert(coll, doc);
      else if (doc) storage.replace(coll, doc);
    },
    noteRead: () => undefined,
    atomically: (fn) => storage.transaction(fn),
  };

  function inTransaction(tx: Transaction): Target {
    return {
      documents: (coll, query) => tx.documents(storage, coll, query),
      // The transaction's own writes are merged in memory, so its reads sort every candidate.
      firstMatches: () => undefined,
      write: (coll, key, doc, kind) => tx.write(storage, coll, key, kind === 'remove' ? null : doc, kind === 'insert'),
      noteRead: (coll, keys) => tx.noteRead(storage, coll, keys),
      // Staged writes only touch memory; a failure leaves the transaction to be aborted by the caller.
      atomically: (fn) => fn(),
    };
  }

  function targetFor(params: ActionParams): Target {
    const id = params.transactionId;
    return id === undefined || id === null || id === '' ? committed : inTransaction(transactions.get(id));
  }

  /**
   * Inside a transaction CloudBase allows doc(id) operations and add only. Note that wx-server-sdk
   * 4.0.2 (@cloudbase/database 1.4.3) sends a transaction's where().update()/remove() without the
   * transactionId, so those arrive here, and on CloudBase, as ordinary writes outside the transaction;
   * this refuses the requests that do carry one (other SDKs, @cloudbase/node-sdk's updateAndReturn).
   */
  function refuseBatchInTransaction(target: Target, params: ActionParams, operation: string): void {
    if (target === committed) return;
    if (params.multi === true || params.queryType === WHERE_QUERY) throw batchWriteInTransaction(operation);
  }

  /** mingo's test of `query`, for reads that match documents one by one. */
  function matcher(query: Doc): (doc: Doc) => boolean {
    let compiled: MingoQuery;
    try {
      compiled = new MingoQuery(query, mingoOptions);
    } catch (err) {
      throw fromMingo(err, 'query');
    }
    return (doc) => {
      try {
        return compiled.test(doc);
      } catch (err) {
        throw fromMingo(err, 'query');
      }
    };
  }

  /** mingo matches in natural order; keeps the storage key next to each matching document. */
  function match(views: DocView[], query: Doc): DocView[] {
    try {
      const byDoc = new Map<Doc, string>(views.map((v) => [v.doc, v.key]));
      const docs = mingoFind(
        views.map((v) => v.doc),
        query,
        undefined,
        mingoOptions,
      ).all() as Doc[];
      return docs.map((doc) => ({ doc, key: byDoc.get(doc) ?? idKey(doc._id) }));
    } catch (err) {
      throw fromMingo(err, 'query');
    }
  }

  function parseOrder(text: unknown): SortOrder | undefined {
    if (text === undefined || text === null || text === '') return undefined;
    const raw = decodeEjson(text, now, 'order');
    // Older SDKs send [{ field, direction }]; 1.4.x sends { field: 1 | -1 }.
    const entries: [string, unknown][] = Array.isArray(raw)
      ? raw.map((o: { field?: unknown; direction?: unknown }) => [String(o.field), o.direction === 'desc' ? -1 : o.direction === 'asc' ? 1 : o.direction])
      : isPlainObject(raw)
        ? Object.entries(raw)
        : [];
    const order: SortOrder = {};
    for (const [field, dir] of entries) {
      if (dir !== 1 && dir !== -1) throw invalidParam(`order direction of ${field} must be 1 or -1`);
      order[field] = dir;
    }
    return order;
  }

  /** Update data as a mingo modifier; with merge:false it is a whole replacement document. */
  function toModifier(data: Doc): Doc {
    const keys = Object.keys(data);
    const ops = keys.filter((k) => k.startsWith('$'));
    if (ops.length === 0) return keys.length === 0 ? {} : { $set: data };
    if (ops.length !== keys.length) throw invalidParam('update data mixes operators and plain fields');
    for (const op of ops) if (UNSUPPORTED_UPDATE_OPERATORS.includes(op)) throw unsupported(`the update operator ${op}`);
    return data;
  }

  function applyModifier(doc: Doc, modifier: Doc, query: Doc): Doc {
    checkUpdateApplicable(doc, modifier);
    const next = cloneDoc(doc);
    try {
      if (Object.keys(modifier).length > 0) {
        mingoUpdate(next, modifier, undefined, query, { cloneMode: 'deep', queryOptions: mingoOptions });
      }
    } catch (err) {
      throw fromMingo(err, 'update');
    }
    if (idKey(next._id) !== idKey(doc._id)) throw invalidParam('不能更新_id的值 (an update cannot change _id)');
    return next;
  }

  /** The document an upsert creates: the query's equality conditions, then the update. */
  function upsertBase(query: Doc): Doc {
    const base: Doc = {};
    const collect = (q: Doc) => {
      for (const [k, v] of Object.entries(q)) {
        if (k === '$and' && Array.isArray(v)) {
          for (const s of v) if (isPlainObject(s)) collect(s);
        } else if (k.startsWith('$')) continue;
        else if (isPlainObject(v) && Object.keys(v).every((o) => o.startsWith('$'))) {
          if ('$eq' in v) base[k] = v.$eq;
        } else base[k] = v;
      }
    };
    collect(query);
    // mingo's $set refuses _id, so it is copied directly; dotted paths become nested fields.
    const { _id, ...fields } = base;
    const doc: Doc = _id === undefined ? {} : { _id };
    if (Object.keys(fields).length > 0) mingoUpdate(doc, { $set: fields }, undefined, undefined, { cloneMode: 'deep' });
    return doc;
  }

  function checkInsertable(doc: Doc): void {
    for (const k of Object.keys(doc)) if (k.startsWith('$')) throw invalidParam(`field names cannot start with "$": ${k}`);
  }

  // ---- actions -------------------------------------------------------------------------------

  function insertDocument(params: ActionParams) {
    const coll = requireCollection(params.collectionName);
    const data = params.data;
    if (!Array.isArray(data) || data.length === 0) throw invalidParam('data must be a non-empty array of EJSON documents');
    const target = targetFor(params);
    takeWriteFault(coll);
    const docs = data.map((text, i) => decodeObject(text, `data[${i}]`));
    const ids: unknown[] = [];
    target.atomically(() => {
      for (const doc of docs) {
        checkInsertable(doc);
        const id = doc._id ?? newId();
        const full = { _id: id, ...doc };
        target.write(coll, idKey(id), full, 'insert');
        ids.push(id);
      }
    });
    return { data: { insertedIds: ids } };
  }

  function getDocument(params: ActionParams) {
    const coll = requireCollection(params.collectionName);
    const target = targetFor(params);
    const query = decodeObject(params.query, 'query');
    const order = parseOrder(params.order);
    const projection = params.projection ? decodeObject(params.projection, 'projection') : undefined;
    const requested = Number(params.limit ?? DEFAULT_QUERY_LIMIT);
    const limit = Number.isInteger(requested) && requested > 0 ? Math.min(requested, MAX_QUERY_LIMIT) : DEFAULT_QUERY_LIMIT;
    const offset = Math.max(0, Number(params.offset ?? 0) || 0);
    // mingo still matches, sorts and pages a page read in order; it just sees no other documents.
    const docs = target.firstMatches(coll, query, order, offset + limit) ?? target.documents(coll, query).map((v) => v.doc);
    let list: Doc[];
    try {
      let cursor = mingoFind(docs, query, projection && Object.keys(projection).length > 0 ? projection : undefined, mingoOptions);
      if (order && Object.keys(order).length > 0) cursor = cursor.sort(order);
      list = cursor.skip(offset).limit(limit).all() as Doc[];
    } catch (err) {
      throw fromMingo(err, 'query');
    }
    // A doc().get of a missing document is a read too: a concurrent insert of it must conflict.
    const asked = typeof query._id === 'string' || typeof query._id === 'number' ? [idKey(query._id)] : [];
    target.noteRead(coll, [...asked, ...list.filter((d) => d._id !== undefined).map((d) => idKey(d._id))]);
    return { data: { list: list.map(encodeEjson), limit, offset } };
  }

  function calculateDocument(params: ActionParams) {
    const coll = requireCollection(params.collectionName);
    const query = decodeObject(params.query, 'query');
    const target = targetFor(params);
    return { data: { total: match(target.documents(coll, query), query).length } };
  }

  function modifyDocument(params: ActionParams) {
    const coll = requireCollection(params.collectionName);
    const target = targetFor(params);
    refuseBatchInTransaction(target, params, 'where().update()');
    takeWriteFault(coll);
    const query = decodeObject(params.query, 'query');
    const data = decodeObject(params.data, 'data');
    const merge = params.merge !== false;
    const multi = params.multi === true;
    const upsert = params.upsert === true;
    if (!merge) {
      if (Object.keys(data).some((k) => k.startsWith('$'))) throw invalidParam('a replacement (set) cannot contain update operators');
    }
    const modifier = merge ? toModifier(data) : {};
    return target.atomically(() => {
      const matched = match(target.documents(coll, query), query);
      const chosen = multi ? matched : matched.slice(0, 1);
      // MongoDB runs a multi-update document by document and stops at the first one that fails,
      // leaving the documents before it updated. The emulator is stricter: it computes every new
      // document first, so one failing document fails the whole update and nothing is written.
      const changes = chosen
        .map(({ key, doc }) => ({ key, doc, next: merge ? applyModifier(doc, modifier, query) : { _id: doc._id, ...data } }))
        .filter(({ doc, next }) => toStored(next) !== toStored(doc));
      for (const { key, next } of changes) target.write(coll, key, next, 'replace');
      const updated = changes.length;
      if (chosen.length > 0 || !upsert) return { data: { updated, matched: chosen.length } };
      const base = upsertBase(query);
      const id = base._id ?? newId();
      const created = merge ? applyModifier({ ...base, _id: id }, modifier, {}) : { ...base, ...data, _id: id };
      checkInsertable(created);
      target.write(coll, idKey(id), created, 'insert');
      return { data: { updated: 0, matched: 0, upsert_id: id } };
    });
  }

  function removeDocument(params: ActionParams) {
    const coll = requireCollection(params.collectionName);
    const target = targetFor(params);
    refuseBatchInTransaction(target, params, 'where().remove()');
    takeWriteFault(coll);
    const query = decodeObject(params.query, 'query');
    const multi = params.multi === true;
    return target.atomically(() => {
      const matched = match(target.documents(coll, query), query);
      const chosen = multi ? matched : matched.slice(0, 1);
      for (const { key } of chosen) target.write(coll, key, null, 'remove');
      return { data: { deleted: chosen.length } };
    });
  }

  /** findOneAndUpdate: the SDK's updateAndReturn reads data.updated and data.doc (the updated document). */
  function modifyAndReturnDoc(params: ActionParams) {
    const coll = requireCollection(params.collectionName);
    const target = targetFor(params);
    refuseBatchInTransaction(target, params, 'where().updateAndReturn()');
    takeWriteFault(coll);
    const query = decodeObject(params.query, 'query');
    const modifier = toModifier(decodeObject(params.data, 'data'));
    return target.atomically(() => {
      const first = match(target.documents(coll, query), query)[0];
      if (!first) return { data: { updated: 0, doc: null } };
      const next = applyModifier(first.doc, modifier, query);
      const changed = toStored(next) !== toStored(first.doc);
      if (changed) target.write(coll, first.key, next, 'replace');
      return { data: { updated: changed ? 1 : 0, doc: encodeEjson(next) } };
    });
  }

  function aggregateDocuments(params: ActionParams) {
    const coll = requireCollection(params.collectionName);
    const stages = params.stages;
    if (!Array.isArray(stages)) throw invalidParam('stages must be an array');
    const pipeline: Doc[] = stages.map((s: { stageKey?: unknown; stageValue?: unknown }, i) => {
      if (typeof s.stageKey !== 'string' || !s.stageKey.startsWith('$')) throw invalidParam(`stages[${i}].stageKey must be "$<stage>"`);
      if (UNSUPPORTED_STAGES.includes(s.stageKey)) throw unsupported(`the aggregation stage ${s.stageKey}`);
      return { [s.stageKey]: decodeEjson(s.stageValue, now, `stages[${i}].stageValue`) };
    });
    if (!pipeline.some((s) => '$limit' in s)) pipeline.push({ $limit: DEFAULT_AGGREGATE_LIMIT });
    // A leading $match can use the declared indexes.
    const firstMatch = pipeline[0]?.$match;
    const docs = committed.documents(coll, isPlainObject(firstMatch) ? firstMatch : {}).map((v) => v.doc);
    let out: Doc[];
    try {
      out = mingoAggregate(docs, pipeline, mingoOptions) as Doc[];
    } catch (err) {
      throw fromMingo(err, 'aggregation');
    }
    return { data: { list: out.map(encodeEjson) } };
  }

  function addCollection(params: ActionParams) {
    const name = params.collectionName;
    if (typeof name !== 'string' || name === '') throw invalidParam('collectionName is required');
    if (!storage.createCollection(name, now())) {
      throw new EmulatorError(DB_ERR.COLLECTION_ALREADY_EXIST, `[ResourceInUse] Table exist: ${name}`);
    }
    return {};
  }

  function startTransaction() {
    return { transactionId: transactions.start().id };
  }

  function commitTransaction(params: ActionParams) {
    const tx = transactions.get(params.transactionId);
    try {
      storage.transaction(() => tx.apply(storage));
    } catch (err) {
      // A failed commit (conflict, duplicate key) ends the transaction, as on MongoDB.
      transactions.finish(tx, 'aborted', err instanceof EmulatorError && err.code === DB_ERR.TRANSACTION_CONFLICT ? err : undefined);
      throw err;
    }
    transactions.finish(tx, 'committed');
    return {};
  }

  function abortTransaction(params: ActionParams) {
    transactions.abort(params.transactionId);
    return {};
  }

  return {
    name: 'database',
    actions: {
      'database.insertDocument': insertDocument,
      'database.getDocument': getDocument,
      'database.calculateDocument': calculateDocument,
      'database.modifyDocument': modifyDocument,
      'database.removeDocument': removeDocument,
      'database.modifyAndReturnDoc': modifyAndReturnDoc,
      'database.aggregateDocuments': aggregateDocuments,
      'database.addCollection': addCollection,
      'database.startTransaction': startTransaction,
      'database.commitTransaction': commitTransaction,
      'database.abortTransaction': abortTransaction,
    },
    routes: [
      {
        // Bulk import for seeding large data sets (benchmarks): plain JSON documents, each with its
        // _id, in one SQLite transaction. A control route, so no plan's quota is spent on it.
        method: 'POST',
        path: IMPORT_ROUTE,
        async handle(req, res) {
          const { collection, documents } = await readJson(req);
          if (typeof collection !== 'string' || !Array.isArray(documents) || !documents.every((d) => isPlainObject(d) && typeof d._id === 'string')) {
            throw new EmulatorError('INVALID_PARAM', 'body must be { collection: string, documents: [{ _id: string, ... }] }', 400);
          }
          storage.transaction(() => {
            storage.createCollection(collection, ctx.clock.now());
            for (const doc of documents as Doc[]) storage.insert(collection, doc);
          });
          sendJson(res, 200, { collection, imported: documents.length });
        },
      },
      {
        method: 'GET',
        path: COLLECTIONS_ROUTE,
        handle(_req, res, url) {
          const name = decodeURIComponent(url.pathname.slice(COLLECTIONS_ROUTE.length));
          const exists = storage.hasCollection(name);
          const documents = exists ? storage.all(name).map((r) => toPlainJson(r.doc)) : [];
          sendJson(res, 200, { collection: name, exists, documents });
        },
      },
    ],
    reset() {
      transactions.clear();
      storage.clear();
      createDeclared();
    },
    health() {
      return {
        collections: storage.collectionCounts(),
        openTransactions: transactions.openCount(),
        lastScan: storage.lastScanReport() ?? null,
      };
    },
  };
};
