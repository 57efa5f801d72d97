// Loads the indexes file (config.indexesFile): the collections an app needs and their indexes, in the
// format of CloudBase's console export (see the package README). Declared collections exist from the
// start, as if created in the console.
import fs from 'node:fs';
import { invalidParam } from './errors';

export interface IndexKey {
  name: string;
  direction: 1 | -1;
}

export interface IndexDecl {
  collectionName: string;
  name: string;
  keys: IndexKey[];
  unique: boolean;
}

export interface IndexesFile {
  collections: string[];
  indexes: IndexDecl[];
}

const ASCENDING = ['1', 1];
const DESCENDING = ['-1', -1];

export function loadIndexesFile(file: string | null): IndexesFile {
  if (file === null || !fs.existsSync(file)) return { collections: [], indexes: [] };
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  return parseIndexes(raw, file);
}

export function parseIndexes(raw: unknown, source: string): IndexesFile {
  const bad = (why: string) => invalidParam(`${source}: ${why}`);
  const list = (raw as { collections?: unknown } | null)?.collections;
  if (!Array.isArray(list)) throw bad('expected { "collections": [ ... ] }');
  const out: IndexesFile = { collections: [], indexes: [] };
  for (const entry of list as unknown[]) {
    const c = entry as { collectionName?: unknown; indexes?: unknown };
    if (typeof c.collectionName !== 'string' || c.collectionName === '') throw bad('every collection needs a "collectionName"');
    const collectionName = c.collectionName;
    out.collections.push(collectionName);
    const indexes = c.indexes ?? [];
    if (!Array.isArray(indexes)) throw bad(`"indexes" of ${collectionName} must be an array`);
    for (const idx of indexes as unknown[]) {
      const i = idx as { name?: unknown; keys?: unknown; unique?: unknown };
      if (typeof i.name !== 'string' || i.name === '') throw bad(`an index of ${collectionName} has no "name"`);
      if (!Array.isArray(i.keys) || i.keys.length === 0) throw bad(`index ${collectionName}.${i.name} needs "keys"`);
      const keys = (i.keys as unknown[]).map((k) => {
        const key = k as { name?: unknown; direction?: unknown };
        if (typeof key.name !== 'string' || key.name === '' || key.name.startsWith('$')) {
          throw bad(`index ${collectionName}.${i.name}: every key needs a field "name"`);
        }
        const dir = key.direction ?? '1';
        if (ASCENDING.includes(dir as string)) return { name: key.name, direction: 1 as const };
        if (DESCENDING.includes(dir as string)) return { name: key.name, direction: -1 as const };
        // 2dsphere and text indexes would need geo/text search, which the emulator lacks.
        throw bad(`index ${collectionName}.${i.name}: direction ${JSON.stringify(dir)} is not supported by the emulator (use "1" or "-1")`);
      });
      out.indexes.push({ collectionName, name: i.name, keys, unique: i.unique === true });
    }
  }
  return out;
}
