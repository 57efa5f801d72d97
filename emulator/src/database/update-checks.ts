// MongoDB's type rules for update operators, checked before mingo applies an update. mingo skips an
// operator it cannot apply ($inc on null, $push onto a string, $set of 'a.b' through a: null) and
// reports success with nothing changed; MongoDB, and so CloudBase, fails the whole update instead.
// Backend code must see that failure in the emulator too, or it would pass locally and break live.
import { isPlainObject, type Doc } from './codec';
import { writeFailed } from './errors';

/** What an operator needs of the value already at its path (a missing value is always fine). */
type Expectation = 'any' | 'number' | 'array';

interface OperatorRule {
  expects: Expectation;
  /**
   * True when the operator creates a missing path, so a path through a scalar is an error (MongoDB's
   * PathNotViable). $pull, $pullAll and $pop only remove: MongoDB treats such a path as a no-op.
   */
  createsPath: boolean;
}

const OPERATOR_RULES: Record<string, OperatorRule> = {
  $set: { expects: 'any', createsPath: true },
  $min: { expects: 'any', createsPath: true },
  $max: { expects: 'any', createsPath: true },
  $inc: { expects: 'number', createsPath: true },
  $mul: { expects: 'number', createsPath: true },
  $push: { expects: 'array', createsPath: true },
  $addToSet: { expects: 'array', createsPath: true },
  $pull: { expects: 'array', createsPath: false },
  $pullAll: { expects: 'array', createsPath: false },
  $pop: { expects: 'array', createsPath: false },
};

/** Largest magnitude BSON stores as a 32-bit int (the SDK sends other numbers as doubles). */
const INT32_MAX = 2 ** 31 - 1;
/** Longest rendering of a value inside an error message, so that a big document stays readable. */
const MAX_VALUE_TEXT = 80;
const ARRAY_INDEX = /^\d+$/;

/** The BSON type name MongoDB prints for a value. */
function bsonTypeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'date';
  if (value instanceof RegExp) return 'regex';
  if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) <= INT32_MAX ? 'int' : 'double';
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
}

function render(value: unknown): string {
  let text: string;
  if (value instanceof Date) text = `new Date(${value.getTime()})`;
  else if (value instanceof RegExp) text = String(value);
  else if (value === undefined) text = 'undefined';
  else text = JSON.stringify(value);
  return text.length > MAX_VALUE_TEXT ? `${text.slice(0, MAX_VALUE_TEXT)}...` : text;
}

type Resolved =
  | { kind: 'missing' }
  | { kind: 'present'; value: unknown }
  /** A positional part ($, $[], $[id]): mingo resolves the rest against the query and array filters. */
  | { kind: 'positional' }
  /** `field` cannot be created inside `element`, the value at `elementName`. */
  | { kind: 'blocked'; field: string; elementName: string; element: unknown };

function resolvePath(doc: Doc, parts: string[]): Resolved {
  let current: unknown = doc;
  let currentName = '';
  for (const part of parts) {
    if (part.startsWith('$')) return { kind: 'positional' };
    let next: unknown;
    if (isPlainObject(current)) next = current[part];
    else if (Array.isArray(current) && ARRAY_INDEX.test(part)) next = current[Number(part)];
    else return { kind: 'blocked', field: part, elementName: currentName, element: current };
    if (next === undefined) return { kind: 'missing' };
    current = next;
    currentName = part;
  }
  return { kind: 'present', value: current };
}

function typeMismatch(operator: string, path: string, value: unknown, doc: Doc): string {
  const field = path.split('.').pop() ?? path;
  const type = bsonTypeName(value);
  const id = `{_id: ${render(doc._id)}}`;
  switch (operator) {
    case '$inc':
    case '$mul':
      return `Cannot apply ${operator} to a value of non-numeric type. ${id} has the field '${field}' of non-numeric type ${type}`;
    case '$push':
      return `The field '${path}' must be an array but is of type ${type} in document ${id}`;
    case '$addToSet':
      return `Cannot apply $addToSet to non-array field. Field named '${field}' has non-array type ${type}`;
    case '$pop':
      return `Path '${path}' contains an element of non-array type '${type}'`;
    default:
      return `Cannot apply ${operator} to a non-array value`;
  }
}

function fits(expects: Expectation, value: unknown): boolean {
  if (expects === 'number') return typeof value === 'number';
  if (expects === 'array') return Array.isArray(value);
  return true;
}

/**
 * Throws the error MongoDB would raise applying `modifier` to `doc`: DATABASE_REQUEST_FAILED with
 * MongoDB's message. Checked against the document before the update, as MongoDB refuses two
 * operators on overlapping paths (so no operator sees another's result).
 */
export function checkUpdateApplicable(doc: Doc, modifier: Doc): void {
  for (const [operator, fields] of Object.entries(modifier)) {
    const rule = OPERATOR_RULES[operator];
    if (!rule || !isPlainObject(fields)) continue;
    for (const path of Object.keys(fields)) {
      const resolved = resolvePath(doc, path.split('.'));
      if (resolved.kind === 'blocked' && rule.createsPath) {
        const element = `{${resolved.elementName}: ${render(resolved.element)}}`;
        throw writeFailed(`Cannot create field '${resolved.field}' in element ${element}`);
      }
      if (resolved.kind === 'present' && !fits(rule.expects, resolved.value)) {
        throw writeFailed(typeMismatch(operator, path, resolved.value, doc));
      }
    }
  }
}
