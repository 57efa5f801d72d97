// Prints each cloud function bundle's size and its cold start beside a bundle that only requires
// wx-server-sdk (what every function pays anyway): a fresh `node` process per run loads the bundle and
// answers one call, input no schema accepts (every schema forbids unknown fields), so the time includes
// the validator's first use. Times are medians over the runs, in ms since the process began: `load` is
// the require of the bundle, `answer` when the first reply came back.
//   npx tsx scripts/bench-bundles.ts [--runs 7] [--only submitRequest,getReport] [--before <dir>]
// --before <dir> measures a second set of bundles laid out as cloudfunctions/ is (<dir>/<name>/index.js),
// e.g. a copy taken before a build change, and prints both.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { FUNCTION_NAMES } from '../core/src/schemas';
import { functionNames } from './build-functions';

const ROOT = path.resolve(__dirname, '..');
const FUNCTIONS_DIR = path.join(ROOT, 'cloudfunctions');
const KIB = 1024;
const DEFAULT_RUNS = 7;
/** Room for the longest function name and ' (before)'. */
const LABEL_WIDTH = 32;
/** Every input schema sets additionalProperties: false, so this field alone is refused with INPUT.INVALID. */
const REFUSED_INPUT = { benchUnknownField: true };
/** The code a user function's first answer must carry: proof that the call reached its validator. */
const EXPECTED_USER_CODE = 'INPUT.INVALID';
/** A timer function called by a user answers this without touching the database. */
const EXPECTED_TIMER_CODE = 'AUTH.FORBIDDEN';
/** What every function does before it validates: load the SDK, initialise it and read the caller. */
const BARE_SDK_BUNDLE = `const cloud = require('wx-server-sdk');
exports.main = async () => {
  cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });
  cloud.getWXContext();
  return { ok: true };
};
`;
/** Runs in the fresh process: load the bundle, answer one call, report the times (ms since the process began). */
const PROBE = `const { performance } = require('node:perf_hooks');
const loadStartedAt = performance.now();
const fn = require(process.argv[1]);
const loadedAt = performance.now();
Promise.resolve(fn.main(JSON.parse(process.argv[2]), { request_id: 'bench' })).then((reply) => {
  const answeredAt = performance.now();
  process.stdout.write(JSON.stringify({ loadMs: loadedAt - loadStartedAt, answerMs: answeredAt, code: reply && reply.code }));
  process.exit(0);
});`;

interface ColdStart {
  loadMs: number;
  answerMs: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** One fresh process: load `file`, answer one call; throws when the reply is not the expected one. */
function coldStart(file: string, expectedCode: string | undefined): ColdStart {
  const out = execFileSync(process.execPath, ['-e', PROBE, file, JSON.stringify(REFUSED_INPUT)], {
    encoding: 'utf8',
    // The caller's identity, as CloudBase passes it; NODE_PATH lets a copied bundle find wx-server-sdk.
    env: { PATH: process.env.PATH, WX_CONTEXT_KEYS: 'WX_OPENID', WX_OPENID: 'bench-openid', NODE_PATH: path.join(ROOT, 'node_modules') },
  });
  const sample = JSON.parse(out) as ColdStart & { code?: string };
  if (sample.code !== expectedCode) throw new Error(`${file} answered ${String(sample.code)}, expected ${String(expectedCode)}`);
  return { loadMs: sample.loadMs, answerMs: sample.answerMs };
}

function medianOf(samples: ColdStart[]): ColdStart {
  return { loadMs: median(samples.map((s) => s.loadMs)), answerMs: median(samples.map((s) => s.answerMs)) };
}

interface Measured extends ColdStart {
  bytes: number;
}

const kib = (bytes: number): string => `${(bytes / KIB).toFixed(1)} KiB`.padStart(11);
const ms = (value: number): string => `${value.toFixed(1)}`.padStart(7);
const overBare = (value: number, bare: number): string => {
  const more = value - bare;
  return `${more >= 0 ? '+' : ''}${more.toFixed(1)}`.padStart(8);
};

function row(label: string, m: Measured, bare: Measured): string {
  return `${label.padEnd(LABEL_WIDTH)}${kib(m.bytes)}${ms(m.loadMs)}${overBare(m.loadMs, bare.loadMs)}${ms(m.answerMs)}${overBare(m.answerMs, bare.answerMs)}`;
}

function main(): void {
  const { values } = parseArgs({ options: { runs: { type: 'string' }, only: { type: 'string' }, before: { type: 'string' } } });
  const runs = Number(values.runs ?? DEFAULT_RUNS);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a whole number ≥ 1');
  const only = values.only?.split(',');
  const names = functionNames().filter((name) => !only || only.includes(name));
  const sets: { label: string; dir: string }[] = [
    ...(values.before ? [{ label: 'before', dir: path.resolve(values.before) }] : []),
    { label: 'now', dir: FUNCTIONS_DIR },
  ];

  const bareDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bare-sdk-'));
  const bareFile = path.join(bareDir, 'index.js');
  fs.writeFileSync(bareFile, BARE_SDK_BUNDLE);
  const bareSize = fs.statSync(bareFile).size;

  console.log(
    `node ${process.version}, ${runs} fresh process(es) per bundle (medians; the bare bundle runs in turn with each function's), load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    `${'function'.padEnd(LABEL_WIDTH)}${'size'.padStart(11)}${'load'.padStart(7)}${'vs bare'.padStart(8)}${'answer'.padStart(7)}${'vs bare'.padStart(8)}   (ms)`,
  );
  const totals = new Map<string, Measured[]>(sets.map((s) => [s.label, []]));
  const allBare: ColdStart[] = [];
  for (const name of names) {
    const expected = (FUNCTION_NAMES as readonly string[]).includes(name) ? EXPECTED_USER_CODE : EXPECTED_TIMER_CODE;
    const files = sets.map((set) => path.join(set.dir, name, 'index.js'));
    for (const file of files) if (!fs.existsSync(file)) throw new Error(`${file} is missing: run npm run build:functions`);
    // In turn, run by run, so a change in the machine's load falls on the bare bundle and each set alike.
    const bareSamples: ColdStart[] = [];
    const samples: ColdStart[][] = files.map(() => []);
    for (let run = 0; run < runs; run++) {
      bareSamples.push(coldStart(bareFile, undefined));
      files.forEach((file, i) => void samples[i]?.push(coldStart(file, expected)));
    }
    allBare.push(...bareSamples);
    const bare = { bytes: bareSize, ...medianOf(bareSamples) };
    sets.forEach((set, i) => {
      const m = { bytes: fs.statSync(files[i] as string).size, ...medianOf(samples[i] ?? []) };
      totals.get(set.label)?.push(m);
      console.log(row(sets.length > 1 ? `${name} (${set.label})` : name, m, bare));
    });
  }
  fs.rmSync(bareDir, { recursive: true });
  const bare = { bytes: bareSize, ...medianOf(allBare) };
  console.log(row('bare wx-server-sdk (all runs)', bare, bare));
  for (const [label, all] of totals) {
    const sizes = all.map((m) => m.bytes);
    console.log(
      `${label}: ${all.length} bundles, size median ${kib(median(sizes)).trim()} (${kib(Math.min(...sizes)).trim()}–${kib(Math.max(...sizes)).trim()}), ` +
        `load median ${median(all.map((m) => m.loadMs)).toFixed(1)} ms, first answer median ${median(all.map((m) => m.answerMs)).toFixed(1)} ms ` +
        `(bare wx-server-sdk: load ${bare.loadMs.toFixed(1)} ms, answer ${bare.answerMs.toFixed(1)} ms)`,
    );
  }
}

main();
