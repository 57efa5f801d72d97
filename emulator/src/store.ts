// The embedded durable store: one SQLite file (WAL) under the data folder, or an in-memory database
// for tests. Every emulator module keeps its state in its own tables here.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';

export type Store = Database.Database;

export function openStore(dataDir: string | null): Store {
  if (dataDir === null) return new Database(':memory:');
  fs.mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, 'emulator.sqlite'));
  db.pragma('journal_mode = WAL');
  // FULL: a write the emulator has acknowledged is on disk before the HTTP response goes out,
  // so it survives kill -9 (and a power cut).
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  return db;
}
