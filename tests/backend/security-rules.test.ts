// Every collection the backend declares has a client security rule, and only the inbox is readable.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COLLECTIONS } from '../../backend/src/collections';

const ROOT = path.resolve(__dirname, '..', '..');
const readJson = (file: string): unknown => JSON.parse(fs.readFileSync(path.join(ROOT, file), 'utf8'));

describe('database declarations', () => {
  const indexes = readJson('database/indexes.json') as { collections: Array<{ collectionName: string }> };
  const rules = readJson('database/security-rules.json') as { collections: Record<string, { read: unknown; write: unknown }> };
  const declared = indexes.collections.map((c) => c.collectionName);

  it('declares every collection the backend uses', () => {
    for (const name of Object.values(COLLECTIONS)) expect(declared).toContain(name);
  });

  it('gives every backend collection a rule, with no client writes and only the inbox readable', () => {
    for (const name of Object.values(COLLECTIONS)) {
      const rule = rules.collections[name];
      expect(rule, name).toBeDefined();
      expect(rule?.write, name).toBe(false);
      if (name === COLLECTIONS.inbox) expect(rule?.read).toBe('doc.userId == auth.openid');
      else expect(rule?.read, name).toBe(false);
    }
  });
});
