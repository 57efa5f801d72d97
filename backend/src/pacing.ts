// Keeping inside the database's QPS quota (CloudBase's basic plan: 30 a second, refused past it with
// -501003): a long run reserves turns for the calls it is about to make, so whatever its concurrency
// its calls average at most its share of the quota; and every function rides out a passing refusal
// by trying the call again after a short wait.

const SECOND_MS = 1_000;
/**
 * Calls a run may make at once before pacing starts: a quarter of a second's worth, so a run with
 * little to do (a sweep finding nothing due) never waits, and no second sees more than 1.25 × the share.
 */
const BURST_MS = SECOND_MS / 4;

/** A turn-taker: `take(calls)` resolves once `calls` more fit in `perSecond` a second (after a short burst). */
export function pacer(perSecond: number): (calls: number) => Promise<void> {
  const spacingMs = SECOND_MS / perSecond;
  // When the calls reserved so far would all have gone out at the steady rate.
  let paidUntil = 0;
  return async (calls) => {
    const now = Date.now();
    paidUntil = Math.max(paidUntil, now) + calls * spacingMs;
    const waitMs = paidUntil - now - BURST_MS;
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
  };
}

/** The query and write methods that make a database call (the rest build a query). */
const DATABASE_CALLS: ReadonlySet<string> = new Set(['get', 'count', 'add', 'update', 'set', 'remove']);

/**
 * `db` with every database call (get/count/add/update/set/remove) run through `around`: the query
 * builders are passed through; `command`, transactions and everything else are the SDK's own.
 */
function aroundDatabaseCalls<D extends { collection(name: string): unknown }>(db: D, around: (call: () => Promise<unknown>) => Promise<unknown>): D {
  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(obj, prop, receiver) {
        const value = Reflect.get(obj, prop, receiver);
        if (typeof value !== 'function' || typeof prop !== 'string') return value;
        if (DATABASE_CALLS.has(prop)) return (...args: unknown[]) => around(() => value.apply(obj, args));
        return (...args: unknown[]) => {
          const result = value.apply(obj, args);
          return result !== null && typeof result === 'object' && !(result instanceof Promise) ? wrap(result) : result;
        };
      },
    });
  return new Proxy(db, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver);
      if (prop !== 'collection' || typeof value !== 'function') return value;
      return (name: string) => wrap(value.call(obj, name) as object);
    },
  });
}

/** `db` with every database call first taking a turn from `take` (a pacer). */
export function pacedDatabase<D extends { collection(name: string): unknown }>(db: D, take: (calls: number) => Promise<void>): D {
  return aroundDatabaseCalls(db, async (call) => {
    await take(1);
    return call();
  });
}

/** wx-server-sdk's codes for a call CloudBase refused at a quota: requests (-501003) or concurrency (-501004) exceeded. */
const QUOTA_REFUSALS: ReadonlySet<unknown> = new Set([-501003, -501004, 'EXCEED_REQUEST_LIMIT', 'EXCEED_CONCURRENT_REQUEST_LIMIT']);

export function isQuotaRefusal(err: unknown): boolean {
  const { errCode, code } = (err ?? {}) as { errCode?: unknown; code?: unknown };
  return QUOTA_REFUSALS.has(errCode) || QUOTA_REFUSALS.has(code);
}

/** Retries of a call refused at a quota, and the wait before the first (doubling after). */
const QUOTA_RETRIES = 3;
const QUOTA_RETRY_FIRST_WAIT_MS = 200;

/**
 * `db` with a call refused at a quota (a passing burst past the QPS, a moment at the connection
 * limit) tried again after a short wait, a few times, before the refusal reaches the use case: a
 * resident's request should not fail because the street's timers ran in the same second. A refused
 * call did nothing, so trying it again is safe. A daily quota stays refused and costs these waits.
 */
export function quotaRetryingDatabase<D extends { collection(name: string): unknown }>(db: D): D {
  return aroundDatabaseCalls(db, async (call) => {
    for (let retry = 0; ; retry++) {
      try {
        return await call();
      } catch (err) {
        if (retry >= QUOTA_RETRIES || !isQuotaRefusal(err)) throw err;
        await new Promise((resolve) => setTimeout(resolve, QUOTA_RETRY_FIRST_WAIT_MS * 2 ** retry));
      }
    }
  });
}
