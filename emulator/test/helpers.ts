// The emulator's own suites: the package's test harness over the generic fixtures in ./fixtures
// (example collections and small cloud functions); no app's functions or collections are involved.
import path from 'node:path';
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
