// Timer triggers from config.json: CloudBase's 7-field cron (second minute hour day month weekday
// year) evaluated in China time, fired on the emulator clock. Under test the clock's advanceTo fires
// each due tick in order; with realtimeTimers a poller also fires ticks as real time passes.
import { CronExpressionParser } from 'cron-parser';
import type { ClockListener } from '../clock';
import type { EmulatorContext } from '../context';
import type { FunctionSpec, TriggerSpec } from './discovery';

/** CloudBase evaluates timer triggers in China time. */
const TRIGGER_TIME_ZONE = 'Asia/Shanghai';
/** China has had no daylight saving since 1991, so its year boundaries sit at a fixed UTC+8. */
const CHINA_UTC_OFFSET_MS = 8 * 3600_000;
/** How often the realtime poller looks for due ticks. */
export const REALTIME_POLL_MS = 250;
/**
 * Most ticks one trigger fires in a single clock advance (a day of a 10-second trigger fits). A bigger
 * jump (setting the clock years ahead) fires only the last ones, with a log line, instead of hanging.
 */
export const MAX_TICKS_PER_ADVANCE = 10_000;
/** Fields of a CloudBase timer cron. */
const CRON_FIELDS = 7;
/** Years a restricted year field may name (well beyond any sensible schedule). */
const MIN_YEAR = 1970;
const MAX_YEAR = 2199;

/** A 7-field CloudBase cron. The first six fields go to cron-parser; the year field is ours. */
export class CronSchedule {
  private readonly sixFields: string;
  private readonly years: Set<number> | undefined;

  constructor(readonly expression: string) {
    const fields = expression.trim().split(/\s+/);
    if (fields.length !== CRON_FIELDS) {
      throw new Error(`timer cron "${expression}" must have ${CRON_FIELDS} fields (second minute hour day month weekday year), got ${fields.length}`);
    }
    this.sixFields = fields.slice(0, CRON_FIELDS - 1).join(' ');
    this.years = parseYearField(fields[CRON_FIELDS - 1] ?? '*', expression);
    // Validates the first six fields now, so a bad config fails at discovery rather than at a tick.
    CronExpressionParser.parse(this.sixFields, { tz: TRIGGER_TIME_ZONE, currentDate: new Date(0) });
  }

  /** The first tick strictly after `afterMs`, or undefined if the year field allows no more. */
  nextAfter(afterMs: number): number | undefined {
    let from = afterMs;
    for (;;) {
      const it = CronExpressionParser.parse(this.sixFields, { tz: TRIGGER_TIME_ZONE, currentDate: new Date(from) });
      const at = it.next().getTime();
      if (!this.years) return at;
      const year = chinaYear(at);
      if (this.years.has(year)) return at;
      const nextYear = [...this.years].filter((y) => y > year).sort((a, b) => a - b)[0];
      if (nextYear === undefined) return undefined;
      // Restart just before the next allowed year begins in China time.
      from = Date.UTC(nextYear, 0, 1) - CHINA_UTC_OFFSET_MS - 1;
    }
  }

  /** How many ticks lie in (fromMs, toMs], counting no further than limit + 1 (year field ignored). */
  countBetween(fromMs: number, toMs: number, limit: number): number {
    const it = CronExpressionParser.parse(this.sixFields, { tz: TRIGGER_TIME_ZONE, currentDate: new Date(fromMs) });
    let n = 0;
    while (n <= limit && it.next().getTime() <= toMs) n += 1;
    return n;
  }

  /** The instant just before the last `n` ticks at or before `toMs` (year field ignored). */
  instantBeforeLast(toMs: number, n: number): number {
    const it = CronExpressionParser.parse(this.sixFields, { tz: TRIGGER_TIME_ZONE, currentDate: new Date(toMs + 1) });
    let at = toMs;
    for (let i = 0; i < n; i += 1) at = it.prev().getTime();
    return at - 1;
  }
}

function chinaYear(ms: number): number {
  return new Date(ms + CHINA_UTC_OFFSET_MS).getUTCFullYear();
}

/** Parses the year field: *, N, N-M, N-M/S, * /S and comma lists. Undefined means every year. */
function parseYearField(field: string, expression: string): Set<number> | undefined {
  if (field === '*') return undefined;
  const years = new Set<number>();
  const bad = (): Error => new Error(`timer cron "${expression}": cannot read year field "${field}"`);
  for (const part of field.split(',')) {
    const m = /^(\*|(\d{4})(?:-(\d{4}))?)(?:\/(\d+))?$/.exec(part);
    if (!m) throw bad();
    const from = m[1] === '*' ? MIN_YEAR : Number(m[2]);
    const to = m[1] === '*' ? MAX_YEAR : m[3] !== undefined ? Number(m[3]) : m[4] !== undefined ? MAX_YEAR : from;
    const step = m[4] !== undefined ? Number(m[4]) : 1;
    if (from < MIN_YEAR || to > MAX_YEAR || from > to || step < 1) throw bad();
    for (let y = from; y <= to; y += step) years.add(y);
  }
  return years;
}

/** Runs one tick of a trigger; never rejects (failures are the host's invocation records). */
export type FireTick = (functionName: string, trigger: TriggerSpec, atMs: number) => Promise<void>;

/** One trigger of one function, as a clock listener. Ticks are serialised and never fire twice. */
class TimerTrigger implements ClockListener {
  private chain: Promise<void> = Promise.resolve();
  private running = 0;
  private nextCache: { after: number; at: number | undefined } | undefined;
  /** Replaced by a changed config.json; the clock has no removeListener, so it just stops answering. */
  retired = false;

  constructor(
    readonly functionName: string,
    readonly spec: TriggerSpec,
    readonly schedule: CronSchedule,
    /** Ticks at or before this instant are done (or predate the emulator start: not replayed). */
    public lastFiredMs: number,
    private readonly fireTick: FireTick,
    private readonly log: (line: string) => void,
  ) {}

  beginAdvance(_fromMs: number, targetMs: number): void {
    if (this.retired) return;
    if (this.schedule.countBetween(this.lastFiredMs, targetMs, MAX_TICKS_PER_ADVANCE) <= MAX_TICKS_PER_ADVANCE) return;
    const skipTo = this.schedule.instantBeforeLast(targetMs, MAX_TICKS_PER_ADVANCE);
    if (skipTo <= this.lastFiredMs) return;
    this.log(
      `[fn] ${this.functionName}: trigger "${this.spec.name}": the clock jump holds more than ${MAX_TICKS_PER_ADVANCE} ticks; ` +
        `ticks before ${new Date(skipTo + 1).toISOString()} are skipped`,
    );
    this.lastFiredMs = skipTo;
  }

  skipUntil(ms: number): void {
    if (ms > this.lastFiredMs) this.lastFiredMs = ms;
  }

  get busy(): boolean {
    return this.running > 0;
  }

  nextDueAfter(): number | undefined {
    // Counted from the last fired tick, not from the clock: a tick that real time passed while the
    // clock was not being advanced still fires (late) on the next advance instead of being lost.
    if (this.retired) return undefined;
    // The clock asks on every step of an advance; computing a cron tick is the costly part.
    if (this.nextCache?.after !== this.lastFiredMs) this.nextCache = { after: this.lastFiredMs, at: this.schedule.nextAfter(this.lastFiredMs) };
    return this.nextCache.at;
  }

  fire(atMs: number): Promise<void> {
    this.running += 1;
    const run = this.chain.then(async () => {
      if (this.retired || atMs <= this.lastFiredMs) return;
      this.lastFiredMs = atMs;
      await this.fireTick(this.functionName, this.spec, atMs);
    });
    this.chain = run.finally(() => {
      this.running -= 1;
    });
    return this.chain;
  }
}

export class TimerService {
  private readonly triggers = new Map<string, TimerTrigger>();
  private readonly errors = new Map<string, string>();
  private poller: NodeJS.Timeout | undefined;

  constructor(
    private readonly ctx: EmulatorContext,
    private readonly fireTick: FireTick,
  ) {
    if (ctx.config.realtimeTimers) {
      this.poller = setInterval(() => this.pollRealtime(), REALTIME_POLL_MS);
      // The poller alone must not keep the emulator process alive.
      this.poller.unref();
    }
  }

  /** Registers the timer triggers of a (re)discovered function; known triggers keep their state. */
  register(spec: FunctionSpec): void {
    for (const t of spec.triggers) {
      const key = `${spec.name}/${t.name}`;
      const existing = this.triggers.get(key);
      if (existing && existing.spec.cron === t.cron && existing.spec.message === t.message) continue;
      let schedule: CronSchedule;
      try {
        schedule = new CronSchedule(t.cron);
      } catch (err) {
        const why = `trigger "${t.name}" ignored: ${err instanceof Error ? err.message : String(err)}`;
        if (this.errors.get(key) !== why) this.ctx.config.log(`[fn] ${spec.name}: ${why}`);
        this.errors.set(key, why);
        continue;
      }
      this.errors.delete(key);
      const trigger = new TimerTrigger(spec.name, t, schedule, existing?.lastFiredMs ?? this.ctx.clock.now(), this.fireTick, this.ctx.config.log);
      if (existing) existing.retired = true;
      this.triggers.set(key, trigger);
      this.ctx.clock.addListener(trigger);
    }
  }

  /** Triggers whose cron could not be read, by "function/trigger". */
  invalid(): Record<string, string> {
    return Object.fromEntries(this.errors);
  }

  list(): Array<{ function: string; name: string; cron: string; lastFiredMs: number; nextMs: number | undefined }> {
    return [...this.triggers.values()].map((t) => ({
      function: t.functionName,
      name: t.spec.name,
      cron: t.spec.cron,
      lastFiredMs: t.lastFiredMs,
      nextMs: t.nextDueAfter(),
    }));
  }

  close(): void {
    if (this.poller) clearInterval(this.poller);
    this.poller = undefined;
  }

  /** Fires the latest due tick of each idle trigger; older missed ticks are skipped, as on CloudBase. */
  private pollRealtime(): void {
    const now = this.ctx.clock.now();
    for (const t of this.triggers.values()) {
      if (t.busy) continue;
      let due = t.nextDueAfter();
      if (due === undefined || due > now) continue;
      let skipped = 0;
      for (let next = t.schedule.nextAfter(due); next !== undefined && next <= now; next = t.schedule.nextAfter(due)) {
        due = next;
        skipped += 1;
      }
      if (skipped > 0) this.ctx.config.log(`[fn] ${t.functionName}: trigger "${t.spec.name}" skipped ${skipped} missed tick(s)`);
      void t.fire(due);
    }
  }
}
