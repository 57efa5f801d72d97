// Performing what a request owes, from a use case right after its change or from the timer. A
// failure here never fails the caller's change: it is stored already, and its effects stay owed for
// the timer (sweepRequests) with their backoff.
import type { CallContext } from '../handler';
import { dispatchEffects } from '../effects/dispatcher';
import { requestEffectHost } from './effects';
import type { RequestDoc } from './store';

/** Performs the request's due effects; false when the dispatch failed (the effects stay owed). */
export async function dispatchRequestEffects(ctx: Pick<CallContext, 'cloud' | 'db' | 'now'>, doc: RequestDoc): Promise<boolean> {
  try {
    await dispatchEffects(ctx.db, requestEffectHost(ctx.cloud, ctx.db, ctx.now), doc, ctx.now);
    return true;
  } catch (err) {
    console.error(`[requests] effects of ${doc._id} left for the timer:`, err instanceof Error ? err.message : err);
    return false;
  }
}
