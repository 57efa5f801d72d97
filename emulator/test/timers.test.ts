// Timer triggers: CloudBase's 7-field cron in China time, fired in order on the emulator clock, and
// (with realtimeTimers) by the poller as time passes, never twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmulatorClock } from '../src/clock';
import { resolveConfig } from '../src/config';
import type { EmulatorContext } from '../src/context';
import { CronSchedule, MAX_TICKS_PER_ADVANCE, REALTIME_POLL_MS, TimerService } from '../src/functions/timers';
import { FIXTURE_FUNCTIONS as FIXTURES, startTestEmulator, type TestEmulator } from './helpers';

/** 08:00:05 in China: five seconds past a 10-second tick, an hour before the 09:00 trigger. */
const START_MS = Date.UTC(2026, 10, 24, 0, 0, 5);
const TICK_MS = 10_000;

interface TickRecord {
  functionName: string;
  caller: string;
  source: string;
  ok: boolean;
  event: { Type: string; TriggerName: string; Time: string; Message: string };
  result: { now: number; wxContext: Record<string, unknown> };
}

async function ticks(emu: TestEmulator, fn: string): Promise<TickRecord[]> {
  const res = await fetch(`${emu.url}/__emulator/invocations?function=${fn}`);
  return ((await res.json()) as { invocations: TickRecord[] }).invocations;
}

/** SCF's Time format: whole seconds, UTC. */
function scfTime(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** The 10-second instants in (fromMs, toMs]. */
function tenSecondInstants(fromMs: number, toMs: number): string[] {
  const out: string[] = [];
  for (let t = Math.floor(fromMs / TICK_MS) * TICK_MS + TICK_MS; t <= toMs; t += TICK_MS) out.push(scfTime(t));
  return out;
}

describe('CronSchedule (7-field CloudBase cron, China time)', () => {
  it('evaluates hours in Asia/Shanghai: 09:00 is 01:00 UTC', () => {
    const s = new CronSchedule('0 0 9 * * * *');
    expect(s.nextAfter(Date.UTC(2026, 10, 24, 2, 0, 0))).toBe(Date.UTC(2026, 10, 25, 1, 0, 0));
  });

  it('honours the year field', () => {
    const s = new CronSchedule('0 0 0 1 1 * 2028');
    // Midnight of 1 January 2028 in China is 16:00 UTC on 31 December 2027.
    expect(s.nextAfter(Date.UTC(2026, 5, 1))).toBe(Date.UTC(2027, 11, 31, 16, 0, 0));
    expect(s.nextAfter(Date.UTC(2028, 5, 1))).toBeUndefined();
  });

  it('fires strictly after the given instant, every 10 seconds', () => {
    const s = new CronSchedule('*/10 * * * * * *');
    expect(s.nextAfter(START_MS - 5_000)).toBe(START_MS + 5_000);
  });

  it('rejects a cron without exactly 7 fields and an unreadable field, clearly', () => {
    expect(() => new CronSchedule('0 0 9 * * *')).toThrow(/must have 7 fields/);
    expect(() => new CronSchedule('0 0 9 * * * twenty')).toThrow(/year field/);
    expect(() => new CronSchedule('0 0 25 * * * *')).toThrow();
  });
});

describe('TimerService on a bare clock', () => {
  it('bounds a huge clock jump to the last MAX_TICKS_PER_ADVANCE ticks, in order, one at a time, and says so', async () => {
    const clock = new EmulatorClock(START_MS);
    const lines: string[] = [];
    const ctx = { config: resolveConfig({ realtimeTimers: false, log: (l) => lines.push(l) }), clock } as unknown as EmulatorContext;
    const fired: number[] = [];
    let running = 0;
    let overlapped = false;
    const timers = new TimerService(ctx, async (_fn, _trigger, atMs) => {
      running += 1;
      if (running > 1) overlapped = true;
      await Promise.resolve();
      fired.push(atMs);
      running -= 1;
    });
    timers.register({ name: 'fast', dir: '', entry: '', timeoutSec: 3, triggers: [{ name: 't', cron: '*/10 * * * * * *', message: '' }] });
    const THIRTY_DAYS_MS = 30 * 24 * 3600_000;
    const target = await clock.advanceTo(START_MS + THIRTY_DAYS_MS);
    timers.close();
    expect(fired).toHaveLength(MAX_TICKS_PER_ADVANCE);
    expect(fired[fired.length - 1]).toBe(Math.floor(target / TICK_MS) * TICK_MS);
    expect(fired.every((t, i) => i === 0 || t - (fired[i - 1] ?? 0) === TICK_MS)).toBe(true);
    expect(overlapped).toBe(false);
    expect(lines.some((l) => /more than 10000 ticks/.test(l))).toBe(true);
  });
});

describe('timer triggers under clock control', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator({ functionsDir: FIXTURES, clockStartMs: START_MS });
  });
  afterAll(() => emu.stop());

  it('fires exactly the 6 ticks of a 10-second trigger when the clock advances 60 s, in order', async () => {
    const after = await emu.control.advance(60_000);
    const fired = await ticks(emu, 'ticker');
    // Ticks before the emulator started are not replayed; the start is 5 s past a tick.
    const expected = tenSecondInstants(START_MS, after);
    expect(expected).toHaveLength(6);
    expect(fired.map((r) => r.event.Time)).toEqual(expected);
    for (const r of fired) {
      expect(r.ok).toBe(true);
      expect(r.caller).toBe('timer:every10s');
      expect(r.event).toEqual({ Type: 'Timer', TriggerName: 'every10s', Time: r.event.Time, Message: '' });
      // Inside the instance the clock reads the tick instant (plus the moment it took to run).
      expect(r.result.now).toBeGreaterThanOrEqual(Date.parse(r.event.Time));
      expect(r.result.now).toBeLessThan(Date.parse(r.event.Time) + TICK_MS);
      expect(r.result.wxContext.OPENID).toBeUndefined();
      expect(r.result.wxContext.SOURCE).toBe('wx_trigger');
    }
  });

  it('fires every tick of 10 minutes once, in order, continuing from the last one', async () => {
    const before = (await ticks(emu, 'ticker')).length;
    const after = await emu.control.advance(10 * 60_000);
    const fired = (await ticks(emu, 'ticker')).map((r) => r.event.Time);
    expect(fired.length - before).toBe(60);
    expect(fired).toEqual(tenSecondInstants(START_MS, after));
  });

  it('fires a 09:00 China-time trigger at 01:00 UTC, once', async () => {
    expect(await ticks(emu, 'morning')).toHaveLength(0);
    await emu.control.setClock(Date.UTC(2026, 10, 24, 0, 59, 50));
    expect(await ticks(emu, 'morning')).toHaveLength(0);
    await emu.control.advance(30_000);
    const fired = await ticks(emu, 'morning');
    expect(fired.map((r) => r.event.Time)).toEqual(['2026-11-24T01:00:00Z']);
    expect(fired[0]?.event.TriggerName).toBe('nineAm');
  });
  it('skips every tick of a jump made with skipTimers, then fires the next tick as usual', async () => {
    const before = (await ticks(emu, 'ticker')).length;
    const jumped = await emu.control.advance(3 * 60 * 60_000, { skipTimers: true });
    expect((await ticks(emu, 'ticker')).length).toBe(before);
    await emu.control.advance(TICK_MS);
    const fired = (await ticks(emu, 'ticker')).slice(before).map((r) => Date.parse(r.event.Time));
    expect(fired).toHaveLength(1);
    expect(fired[0]).toBeGreaterThan(jumped);
    expect(fired[0]).toBeLessThanOrEqual(jumped + TICK_MS);
  });
});

describe('timer triggers in real time', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator({ functionsDir: FIXTURES, clockStartMs: START_MS, realtimeTimers: true });
  });
  afterAll(() => emu.stop());

  /** Waits (polling, not timing) until `fn`'s invocation count reaches `n`. */
  async function waitForTicks(n: number): Promise<TickRecord[]> {
    for (;;) {
      const fired = await ticks(emu, 'ticker');
      if (fired.length >= n) return fired;
      await new Promise((r) => setTimeout(r, REALTIME_POLL_MS));
    }
  }

  it('fires a tick as real time reaches it, and never twice', async () => {
    const { clock } = emu.emulator;
    const nextTick = Math.floor(clock.now() / TICK_MS) * TICK_MS + TICK_MS;
    // Place the clock just before the tick and let real time carry it over.
    clock.jumpTo(nextTick - REALTIME_POLL_MS);
    const fired = await waitForTicks(1);
    expect(fired.map((r) => r.event.Time)).toEqual([scfTime(nextTick)]);
    // Several poll rounds later the same tick has not fired again.
    await new Promise((r) => setTimeout(r, 4 * REALTIME_POLL_MS));
    const later = (await ticks(emu, 'ticker')).filter((r) => r.event.Time === scfTime(nextTick));
    expect(later).toHaveLength(1);
  });

  it('after a gap fires only the latest missed tick, as CloudBase does not replay', async () => {
    const before = (await ticks(emu, 'ticker')).length;
    const { clock } = emu.emulator;
    const target = Math.floor(clock.now() / TICK_MS) * TICK_MS + 6 * TICK_MS + 1_000;
    clock.jumpTo(target);
    const fired = await waitForTicks(before + 1);
    await new Promise((r) => setTimeout(r, 4 * REALTIME_POLL_MS));
    const all = await ticks(emu, 'ticker');
    expect(all).toHaveLength(before + 1);
    expect(fired[before]?.event.Time).toBe(scfTime(target - 1_000));
  });
});
