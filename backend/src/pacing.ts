// Keeping a long run inside the database's QPS quota (CloudBase's basic plan: 30 a second, refused
// past it with -501003): a run reserves turns for the calls it is about to make, so whatever its
// concurrency its calls average at most its share of the quota.

const SECOND_MS = 1_000;

/** A turn-taker: `take(calls)` resolves once `calls` more fit in `perSecond` a second after every call reserved before. */
export function pacer(perSecond: number): (calls: number) => Promise<void> {
  const spacingMs = SECOND_MS / perSecond;
  let nextAt = 0;
  return async (calls) => {
    const now = Date.now();
    const at = Math.max(now, nextAt);
    nextAt = at + calls * spacingMs;
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
  };
}
