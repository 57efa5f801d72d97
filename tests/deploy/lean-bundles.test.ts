// Cloud functions validate with the standalone code scripts/build-validators.ts precompiles
// (backend/generated/validators.js): a bundle that held ajv's compiler would pay for it at every cold
// start and compile a schema with `new Function` at its first call. Each built bundle must hold none of
// it, only ajv's runtime helpers, and only its own function's validator.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FUNCTION_NAMES } from '../../core/src/schemas';
import { functionNames } from '../../scripts/build-functions';

const FUNCTIONS_DIR = path.resolve(__dirname, '..', '..', 'cloudfunctions');

/**
 * What esbuild leaves of the compiler and its dependencies: their module paths, and the names around
 * the compiler's `new Function` (a bare `new Function` is no mark: exceljs's dependencies use it too).
 */
const COMPILER_MARKS = [
  /node_modules\/ajv\/dist\/(?!runtime\/)/,
  /node_modules\/ajv-formats\//,
  /node_modules\/fast-uri\//,
  /node_modules\/json-schema-traverse\//,
  /\bmakeValidate\b/,
  /\bstandaloneCode\b/,
];
/** A standalone validator's function; the schemas use no $ref, so there is one per schema. */
const STANDALONE_VALIDATOR = /\bfunction validate\d+\(/g;

/** The compiler's marks a bundle carries. */
function compilerMarks(source: string): string[] {
  return COMPILER_MARKS.filter((mark) => mark.test(source)).map(String);
}

function validatorCount(source: string): number {
  return [...source.matchAll(STANDALONE_VALIDATOR)].length;
}

function isUserFunction(name: string): boolean {
  return (FUNCTION_NAMES as readonly string[]).includes(name);
}

function bundleOf(name: string): string {
  const file = path.join(FUNCTIONS_DIR, name, 'index.js');
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run npm run build:functions`);
  return fs.readFileSync(file, 'utf8');
}

describe('lean function bundles', () => {
  it('recognises the compiler in a bundle, and not the runtime helpers', () => {
    expect(compilerMarks('// node_modules/ajv/dist/compile/index.js\nconst makeValidate = new Function("self", "scope", code);')).toHaveLength(2);
    expect(compilerMarks('// node_modules/ajv/dist/runtime/ucs2length.js\nvar func2 = require_ucs2length().default;')).toEqual([]);
    expect(validatorCount('function validate10(data, { instancePath = "" } = {}) {}\nfunction validate23(data) {}')).toBe(2);
  });

  it.each(functionNames())('%s holds no schema compiler', (name) => {
    expect(compilerMarks(bundleOf(name))).toEqual([]);
  });

  it.each(functionNames())('%s holds its own validator and no other (a timer function none)', (name) => {
    expect(validatorCount(bundleOf(name))).toBe(isUserFunction(name) ? 1 : 0);
  });
});
