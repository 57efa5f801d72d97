// Performing what a request owes, from a use case right after its change or from the timer. A
// failure here never fails the caller's change: it is stored already, and its effects stay owed for
// the timer (sweepRequests) with their backoff.
import type { CallContext } from '../handler';
import type { Effect } from '../../../core/src/effects';
import { dispatchEffects, performClaimed } from '../effects/dispatcher';
import { requestEffectHost, type HeldAuthorisations } from './effects';
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

/**
 * Performs the effects a use case stored claimed with its change (`before`: as they were before the
 * claim); `held`, when given, is the recipients' authorisations read alongside the write. False when
 * it failed (they stay owed, due again after the claim's backoff).
 */
export async function performOwedEffects(
  ctx: Pick<CallContext, 'cloud' | 'db' | 'now'>,
  doc: RequestDoc,
  before: Readonly<Record<string, Effect>>,
  held?: Promise<HeldAuthorisations>,
): Promise<boolean> {
  try {
    await performClaimed(ctx.db, requestEffectHost(ctx.cloud, ctx.db, ctx.now, held), doc, before, ctx.now);
    return true;
  } catch (err) {
    console.error(`[requests] effects of ${doc._id} left for the timer:`, err instanceof Error ? err.message : err);
    return false;
  }
}
