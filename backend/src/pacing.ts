// Keeping a long run inside the database's QPS quota (CloudBase's basic plan: 30 a second, refused
// past it with -501003): a run reserves turns for the calls it is about to make, so whatever its
// concurrency its calls average at most its share of the quota.

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
 * `db` with every database call waiting for its turn from `take` (a pacer): the query builders are
 * passed through, and each get/count/add/update/set/remove first takes one turn. `command` and
 * everything else that is not a collection, query or document reference is the SDK's own.
 */
export function pacedDatabase<D extends { collection(name: string): unknown }>(db: D, take: (calls: number) => Promise<void>): D {
  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(obj, prop, receiver) {
        const value = Reflect.get(obj, prop, receiver);
        if (typeof value !== 'function' || typeof prop !== 'string') return value;
        if (DATABASE_CALLS.has(prop)) {
          return async (...args: unknown[]) => {
            await take(1);
            return value.apply(obj, args);
          };
        }
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
