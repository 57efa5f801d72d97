// CloudBase's quotas, as the emulator enforces them when started with a plan (`plan: 'basic'`,
// `--plan basic`); without one it only counts. What a plan allows is CloudBase's published basic
// quota (developers.weixin.qq.com, wxcloud 资源配额): database 30 QPS and 20 concurrent connections,
// 50,000 reads and 30,000 writes a day (counted per request, reset at midnight China time; past a
// daily quota requests are refused for the rest of the day), and 20 concurrent invocations per
// function. Refusals use the codes wx-server-sdk knows (TCB_ERR_CODE): EXCEED_REQUEST_LIMIT
// (-501003, 请求次数超出环境配额) for a rate or a daily quota, EXCEED_CONCURRENT_REQUEST_LIMIT
// (-501004, 请求并发数超出环境配额) for a concurrency limit. A refused request does nothing.
import { EmulatorError } from './context';
import type { EmulatorClock } from './clock';

export interface QuotaPlan {
  databaseQps: number;
  databaseConnections: number;
  databaseReadsPerDay: number;
  databaseWritesPerDay: number;
  functionConcurrency: number;
}

export const PLANS = {
  basic: { databaseQps: 30, databaseConnections: 20, databaseReadsPerDay: 50_000, databaseWritesPerDay: 30_000, functionConcurrency: 20 },
} as const satisfies Record<string, QuotaPlan>;
export type PlanName = keyof typeof PLANS;

export function isPlanName(name: string): name is PlanName {
  return Object.hasOwn(PLANS, name);
}

const EXCEED_REQUEST_LIMIT = 'EXCEED_REQUEST_LIMIT';
const EXCEED_CONCURRENT_REQUEST_LIMIT = 'EXCEED_CONCURRENT_REQUEST_LIMIT';

/** Database actions that read or write documents (how CloudBase counts its read and write operations). */
const READ_ACTIONS = new Set(['database.getDocument', 'database.calculateDocument', 'database.aggregateDocuments']);
const WRITE_ACTIONS = new Set(['database.insertDocument', 'database.modifyDocument', 'database.removeDocument', 'database.modifyAndReturnDoc']);

const SECOND_MS = 1_000;
const DAY_MS = 86_400_000;
/** China is UTC+8 all year: its day starts at 16:00 UTC. */
const CHINA_OFFSET_MS = 8 * 3_600_000;

/** What the emulator served and refused since it started (or since the last reset). */
export interface QuotaUsage {
  /** The plan's name, 'custom' for limits given as numbers, null for none. */
  plan: PlanName | 'custom' | null;
  databaseRequests: number;
  databaseReads: number;
  databaseWrites: number;
  /** Reads and writes of the current China day, as the daily quotas count them. */
  readsToday: number;
  writesToday: number;
  refused: { databaseQps: number; databaseConnections: number; databaseReadsPerDay: number; databaseWritesPerDay: number; functionConcurrency: number };
}

export class Quotas {
  private limits: QuotaPlan | null = null;
  private totals = { databaseRequests: 0, databaseReads: 0, databaseWrites: 0 };
  private day = { index: -1, reads: 0, writes: 0 };
  /** Emulator-clock instants of the database requests admitted within the last second. */
  private recent: number[] = [];
  private connections = 0;
  private refused: QuotaUsage['refused'] = { databaseQps: 0, databaseConnections: 0, databaseReadsPerDay: 0, databaseWritesPerDay: 0, functionConcurrency: 0 };

  private planName: QuotaUsage['plan'] = null;

  /** `plan`: a plan by name, limits of one's own (tests that reach a limit quickly), or none. */
  constructor(
    plan: PlanName | QuotaPlan | null,
    private readonly clock: EmulatorClock,
  ) {
    this.setPlan(plan);
  }

  /** Enforces another plan from now on (a test seeds first, then limits); the counts go on. */
  setPlan(plan: PlanName | QuotaPlan | null): void {
    this.limits = plan === null ? null : typeof plan === 'string' ? PLANS[plan] : plan;
    this.planName = plan === null ? null : typeof plan === 'string' ? plan : 'custom';
  }

  /**
   * Admits one `/admin` action: a database action is counted and, under a plan, refused when it
   * would pass a limit. Returns what to call once it is answered (it frees its connection).
   */
  admit(action: string): () => void {
    if (!action.startsWith('database.')) return () => undefined;
    const now = this.clock.now();
    this.rollDay(now);
    const isRead = READ_ACTIONS.has(action);
    const isWrite = WRITE_ACTIONS.has(action);
    const limits = this.limits;
    if (limits !== null) {
      this.recent = this.recent.filter((at) => at > now - SECOND_MS);
      if (this.connections >= limits.databaseConnections)
        this.refuse('databaseConnections', EXCEED_CONCURRENT_REQUEST_LIMIT, `database concurrent connections (${limits.databaseConnections})`);
      if (this.recent.length >= limits.databaseQps) this.refuse('databaseQps', EXCEED_REQUEST_LIMIT, `database QPS (${limits.databaseQps})`);
      if (isRead && this.day.reads >= limits.databaseReadsPerDay)
        this.refuse('databaseReadsPerDay', EXCEED_REQUEST_LIMIT, `database reads per day (${limits.databaseReadsPerDay})`);
      if (isWrite && this.day.writes >= limits.databaseWritesPerDay)
        this.refuse('databaseWritesPerDay', EXCEED_REQUEST_LIMIT, `database writes per day (${limits.databaseWritesPerDay})`);
      this.recent.push(now);
    }
    this.totals.databaseRequests += 1;
    if (isRead) {
      this.totals.databaseReads += 1;
      this.day.reads += 1;
    }
    if (isWrite) {
      this.totals.databaseWrites += 1;
      this.day.writes += 1;
    }
    this.connections += 1;
    let released = false;
    return () => {
      if (!released) this.connections -= 1;
      released = true;
    };
  }

  /** Refuses an invocation of a function already running `inFlight` times at once, under a plan. */
  admitInvocation(name: string, inFlight: number): EmulatorError | null {
    if (this.limits === null || inFlight < this.limits.functionConcurrency) return null;
    this.refused.functionConcurrency += 1;
    return new EmulatorError(
      EXCEED_CONCURRENT_REQUEST_LIMIT,
      `exceed concurrent request limit: function "${name}" (${this.limits.functionConcurrency} at once)`,
    );
  }

  usage(): QuotaUsage {
    this.rollDay(this.clock.now());
    return { plan: this.planName, ...this.totals, readsToday: this.day.reads, writesToday: this.day.writes, refused: { ...this.refused } };
  }

  /** Starts counting afresh (the daily counts too), e.g. after seeding. */
  reset(): void {
    this.totals = { databaseRequests: 0, databaseReads: 0, databaseWrites: 0 };
    this.day = { index: this.dayIndex(this.clock.now()), reads: 0, writes: 0 };
    this.recent = [];
    this.refused = { databaseQps: 0, databaseConnections: 0, databaseReadsPerDay: 0, databaseWritesPerDay: 0, functionConcurrency: 0 };
  }

  private dayIndex(now: number): number {
    return Math.floor((now + CHINA_OFFSET_MS) / DAY_MS);
  }

  private rollDay(now: number): void {
    const index = this.dayIndex(now);
    if (index !== this.day.index) this.day = { index, reads: 0, writes: 0 };
  }

  private refuse(limit: keyof QuotaUsage['refused'], code: string, what: string): never {
    this.refused[limit] += 1;
    throw new EmulatorError(code, `${code === EXCEED_REQUEST_LIMIT ? 'exceed request limit' : 'exceed concurrent request limit'}: ${what}`);
  }
}
