// The emulator's own suites: the package's test harness over the generic fixtures in ./fixtures
// (example collections and small cloud functions); no app's functions or collections are involved.
import path from 'node:path';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { EmulatorOptions } from '../src/config';
import { startTestEmulator as startHarness, type TestEmulator } from '../src/testing';

export type { TestEmulator };

/** Small functions (echo, sleep, thrower, caller, ticker, ...) that report what their instance sees. */
export const FIXTURE_FUNCTIONS = path.join(__dirname, 'fixtures', 'cloudfunctions');
/** Generic example collections and indexes (example_orders, ...). */
const EXAMPLE_INDEXES = path.join(__dirname, 'fixtures', 'indexes.example.json');

/** The harness with the example collections declared; `options` override anything. */
export function startTestEmulator(options: EmulatorOptions = {}): Promise<TestEmulator> {
  return startHarness({ indexesFile: EXAMPLE_INDEXES, ...options });
}

// wx-server-sdk's typings return callback-overload unions; the handle is untyped as in JavaScript callers.
type Db = any;

interface SuiteSetup {
  options?: EmulatorOptions;
  /** The openid the suite's SDK calls carry. */
  actAs?: string;
  /** Runs after every reset, before each test. */
  seed?: (db: Db) => Promise<unknown>;
}

/** One emulator per suite, emptied (and seeded) before each test: the setup the emulator's suites share. */
export function useTestEmulator({ options, actAs, seed }: SuiteSetup = {}): { readonly emu: TestEmulator; readonly db: Db } {
  let started: { emu: TestEmulator; db: Db } | undefined;
  const current = (): { emu: TestEmulator; db: Db } => {
    if (!started) throw new Error('the suite emulator starts in beforeAll');
    return started;
  };
  beforeAll(async () => {
    const emu = await startTestEmulator(options);
    if (actAs !== undefined) emu.actAs(actAs);
    started = { emu, db: emu.cloud.database() };
  });
  afterAll(() => started?.emu.stop());
  beforeEach(async () => {
    await current().emu.control.reset();
    await seed?.(current().db);
  });
  return {
    get emu() {
      return current().emu;
    },
    get db() {
      return current().db;
    },
  };
}

/** What the SDK rejects with. */
export interface SdkError {
  code?: string;
  errCode: number | string;
  errMsg: string;
}

/** Awaits `p`, expecting it to reject, and returns the SDK's error (some typings omit the Promise). */
export async function failure(p: unknown): Promise<SdkError> {
  try {
    await p;
  } catch (err) {
    return err as SdkError;
  }
  throw new Error('expected the call to fail');
}
