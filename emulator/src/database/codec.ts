// Value codecs of the database module: EJSON from the SDK into plain JS values (numbers, Dates,
// RegExps) for mingo, the tagged JSON kept in SQLite, and canonical EJSON strings sent back.
import { BSONRegExp, EJSON, ObjectId } from 'bson';
import { unsupported, invalidParam } from './errors';

export type Doc = Record<string, unknown>;

/** `db.serverDate({ offset })` arrives as `{ $tcb_server_date: { offset } }`. */
const SERVER_DATE_KEY = '$tcb_server_date';
/** Tags of the JSON stored in SQLite (JSON has no Date or RegExp). */
const DATE_TAG = '$date';
const REGEX_TAG = '$regex';
const REGEX_OPTIONS_TAG = '$options';
/** JS RegExp flags mingo can use; BSON's x/l have no JS equivalent. */
const JS_REGEX_FLAGS = /^[imsu]*$/;

/**
 * Parses one EJSON string from the SDK into JS values: $numberInt/$numberDouble/$numberLong become
 * numbers, $date a Date, regular expressions a RegExp, serverDate the emulator clock plus its offset.
 */
export function decodeEjson(text: unknown, nowMs: () => number, what: string): unknown {
  if (typeof text !== 'string') throw invalidParam(`${what} must be an EJSON string`);
  let parsed: unknown;
  try {
    parsed = EJSON.parse(text, { relaxed: true });
  } catch (err) {
    throw invalidParam(`${what} is not valid EJSON: ${(err as Error).message}`);
  }
  return normalise(parsed, nowMs);
}

function normalise(value: unknown, nowMs: () => number): unknown {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw unsupported(`non-finite number ${String(value)}`);
    if (typeof value === 'bigint') throw unsupported('64-bit integers outside the safe range');
    return value;
  }
  if (value instanceof Date) return value;
  if (value instanceof RegExp) return value;
  if (value instanceof BSONRegExp) {
    if (!JS_REGEX_FLAGS.test(value.options)) throw unsupported(`regular expression options "${value.options}"`);
    return new RegExp(value.pattern, value.options);
  }
  if (value instanceof ObjectId) return value.toHexString();
  if (Array.isArray(value)) return value.map((v) => normalise(v, nowMs));
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) {
    const bsonType = (value as { _bsontype?: string })._bsontype ?? (value as object).constructor.name;
    throw unsupported(`BSON type ${bsonType}`);
  }
  const obj = value as Doc;
  const keys = Object.keys(obj);
  if (keys.length === 1 && keys[0] === SERVER_DATE_KEY) {
    const spec = obj[SERVER_DATE_KEY] as { offset?: unknown } | null;
    const offset = typeof spec?.offset === 'number' ? spec.offset : 0;
    return new Date(nowMs() + offset);
  }
  const out: Doc = {};
  for (const k of keys) out[k] = normalise(obj[k], nowMs);
  return out;
}

/** Canonical EJSON string, as the SDK parses `data.list` items with EJSON.parse. */
export function encodeEjson(doc: unknown): string {
  return EJSON.stringify(doc as Doc, { relaxed: false });
}

/** JSON text stored in SQLite; Dates become `{ $date: epochMs }` so that indexes compare them as numbers. */
export function toStored(doc: Doc): string {
  return JSON.stringify(tagValue(doc));
}

function tagValue(value: unknown): unknown {
  if (value instanceof Date) return { [DATE_TAG]: value.getTime() };
  if (value instanceof RegExp) return { [REGEX_TAG]: value.source, [REGEX_OPTIONS_TAG]: value.flags };
  if (Array.isArray(value)) return value.map(tagValue);
  if (value !== null && typeof value === 'object') {
    const out: Doc = {};
    for (const [k, v] of Object.entries(value as Doc)) if (v !== undefined) out[k] = tagValue(v);
    return out;
  }
  return value;
}

export function fromStored(text: string): Doc {
  return JSON.parse(text, (_key, value: unknown) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const o = value as Doc;
      const keys = Object.keys(o);
      if (keys.length === 1 && keys[0] === DATE_TAG && typeof o[DATE_TAG] === 'number') return new Date(o[DATE_TAG]);
      if (keys.length === 2 && typeof o[REGEX_TAG] === 'string' && typeof o[REGEX_OPTIONS_TAG] === 'string') {
        return new RegExp(o[REGEX_TAG], o[REGEX_OPTIONS_TAG]);
      }
    }
    return value;
  }) as Doc;
}

/** Plain JSON for the control route: Dates as ISO-8601 strings, RegExps as their source text. */
export function toPlainJson(doc: Doc): unknown {
  return JSON.parse(JSON.stringify(doc, (_k, v: unknown) => (v instanceof RegExp ? v.toString() : v)));
}

/** A document-like object (not an array, Date or RegExp). */
export function isPlainObject(v: unknown): v is Doc {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof RegExp);
}

/** Structured copy that keeps Dates and RegExps (documents are mutated by mingo's updater). */
export function cloneDoc<T>(value: T): T {
  return structuredClone(value);
}
