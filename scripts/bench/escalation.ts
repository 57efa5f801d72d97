// A burst of requests all falling due at once, escalated by the sweeper (for scripts/bench.ts; prints
// nothing itself). One request per grid is submitted through submitRequest (quotas off), then copied
// under new ids by the bulk import until the burst is `requests` strong — every copy unanswered,
// owing nothing but its escalation. Then the plan's quotas apply, the clock jumps to just before the
// shared deadline without firing timers, and the sweeper's ticks run for WINDOW_AFTER_LEVEL_1_MS;
// each request's escalation events say how late level 1 and level 2 came after their deadlines.
import type { EmulatorInstance, PlanName } from '../../emulator/src';
import { COLLECTIONS } from '../../backend/src/collections';
import { buildDemoStreet, demoStreetDocuments } from '../../backend/src/seed';
import { SWEEP_INTERVAL_MS } from '../../core/src/policy';
import { percentileNearestRank } from '../../core/src/reports';
import { callAs } from '../lib/demo-street';

export interface EscalationFigures {
  requests: number;
  /** How long the sweeps ran after the level-1 deadline. */
  windowS: number;
  /** Requests at level 1 within 60 s of its deadline. */
  level1Within60s: number;
  /** Seconds after its deadline each request reached level 1 (p50, p90, max), and how many never did. */
  level1LagS: { p50: number; p90: number; max: number };
  level1Missing: number;
  /** The same for level 2 (its own deadline). */
  level2LagS: { p50: number; p90: number; max: number };
  level2Missing: number;
  wallMs: number;
  databaseWrites: number;
  databaseReads: number;
  refused: Record<string, number>;
}

/** Grids of the burst's street (10 villages × 10): one submitted request each, copied to the burst's size. */
const BURST_STREET = { villages: 10, gridsPerVillage: 10, householdsPerGrid: 5, joinedHouseholdsPerGrid: 5 };
/** The jump stops this far before the deadline, so the first sweep after it finds nothing due. */
const BEFORE_DEADLINE_MS = SWEEP_INTERVAL_MS;
/**
 * How long after the level-1 deadline the sweeps run before the figures are read: past the level-2
 * deadline (ten minutes after level 1 by the default policy) by LEVEL_1_GOAL_MS twice over. On the
 * emulator a sweep's wall time is simulated time too; a request not at level 1 (or 2) by then counts
 * as never reached.
 */
const WINDOW_AFTER_LEVEL_1_MS = 12 * 60_000;
const IMPORT_CHUNK = 2_000;
/** The goal: every request at level 1 within a minute of its deadline. */
const LEVEL_1_GOAL_MS = 60_000;

interface RequestDoc {
  _id: string;
  idempotencyKey: string;
  responseDueAt: number;
  escalationPlan: Array<{ level: number; dueAt: number }>;
  effects?: Record<string, { state: string }>;
  events: Array<{ kind: string; at: number; toLevel?: number; escalationLevel?: number }>;
  escalationLevel: number;
}

async function post(url: string, body: unknown): Promise<unknown> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

async function requestDocs(url: string): Promise<RequestDoc[]> {
  return ((await (await fetch(`${url}/__emulator/collections/${COLLECTIONS.requests}`)).json()) as { documents: RequestDoc[] }).documents;
}

function lagFigures(lagsMs: number[]): { p50: number; p90: number; max: number } {
  const s = (q: number) => Math.round((percentileNearestRank(lagsMs, q) ?? 0) / 100) / 10;
  return { p50: s(50), p90: s(90), max: s(100) };
}

/** When the request reached `level`: the instant of the escalation event that took it there. */
function reachedAt(doc: RequestDoc, level: number): number | undefined {
  let current = 0;
  for (const event of doc.events) {
    if (event.kind !== 'escalate') continue;
    current += 1;
    if (current === level) return event.at;
  }
  return undefined;
}

export async function benchEscalationBurst(emulator: EmulatorInstance, opts: { requests: number; plan: PlanName | null }): Promise<EscalationFigures> {
  const now = emulator.clock.now();
  const street = buildDemoStreet(BURST_STREET, now);
  for (const [collection, documents] of demoStreetDocuments(street)) await post(`${emulator.url}/__emulator/database/import`, { collection, documents });
  for (const grid of street.people.grids) {
    const resident = grid.residents[0]?.openid ?? '';
    const reply = await callAs(
      emulator.url,
      'submitRequest',
      { category: 'supplies', text: '家里缺米面，请帮忙代购', idempotencyKey: `burst-${grid.gridId}` },
      resident,
    );
    if (!reply.ok) throw new Error(`submitRequest failed: ${reply.code} ${reply.message}`);
  }
  // Copies of the submitted ones, unanswered, owing nothing but their escalation.
  const originals = (await requestDocs(emulator.url)).map((d) => ({ ...d, effects: {}, effectsDueAt: null }));
  const copies: RequestDoc[] = [];
  for (let i = originals.length; i < opts.requests; i += 1) {
    const original = originals[i % originals.length] as RequestDoc;
    copies.push({ ...original, _id: `${original._id}-copy${i}`, idempotencyKey: `${original.idempotencyKey}-copy${i}` });
  }
  for (let i = 0; i < copies.length; i += IMPORT_CHUNK) {
    await post(`${emulator.url}/__emulator/database/import`, { collection: COLLECTIONS.requests, documents: copies.slice(i, i + IMPORT_CHUNK) });
  }

  const level1Due = Math.max(...originals.map((d) => d.escalationPlan.find((s) => s.level === 1)?.dueAt ?? d.responseDueAt));
  emulator.setPlan(opts.plan);
  emulator.resetUsage();
  await post(`${emulator.url}/__emulator/clock`, { setMs: level1Due - BEFORE_DEADLINE_MS, skipTimers: true });
  const started = performance.now();
  const target = level1Due + WINDOW_AFTER_LEVEL_1_MS;
  // A tick at a time: one sweep may run for its whole budget, and one move of the clock answers only once its ticks have run.
  while (emulator.clock.now() < target) await post(`${emulator.url}/__emulator/clock`, { advanceMs: SWEEP_INTERVAL_MS });
  const wallMs = performance.now() - started;
  const usage = emulator.usage();

  const docs = await requestDocs(emulator.url);
  const dueOf = (doc: RequestDoc, level: number) => doc.escalationPlan.find((s) => s.level === level)?.dueAt ?? 0;
  const lags = (level: number) =>
    docs.flatMap((d) => {
      const at = reachedAt(d, level);
      return at === undefined ? [] : [at - dueOf(d, level)];
    });
  const missing = (level: number) => docs.filter((d) => reachedAt(d, level) === undefined).length;
  return {
    requests: docs.length,
    windowS: WINDOW_AFTER_LEVEL_1_MS / 1000,
    level1Within60s: lags(1).filter((lag) => lag <= LEVEL_1_GOAL_MS).length,
    level1LagS: lagFigures(lags(1)),
    level1Missing: missing(1),
    level2LagS: lagFigures(lags(2)),
    level2Missing: missing(2),
    wallMs,
    databaseWrites: usage.databaseWrites,
    databaseReads: usage.databaseReads,
    refused: usage.refused,
  };
}
