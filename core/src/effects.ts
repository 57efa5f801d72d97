// What must follow a change (an inbox item, an inbox state update, a subscribe message, a delivery
// job): an effect, recorded in the same write as the change and finished by a dispatcher that tries
// it now and again from the timer, with backoff and a bounded number of tries, until it is done or has
// failed for a recorded reason (as FixMyStreet keeps send_fail_count and send_fail_reason on the
// report). Each effect has a deterministic id, so recording it twice or performing it twice is a no-op.
// Pure: the dispatcher passes the instant and says what happened.
import type { EpochMs } from './model';
import { MINUTE_MS, SECOND_MS } from './policy';

export type EffectState = 'pending' | 'done' | 'failed';

export interface Effect<K extends string = string, P = unknown> {
  /** Deterministic: the change it follows, the kind and the recipient, e.g. `r1:3:message:o-leader`. */
  id: string;
  kind: K;
  payload: P;
  state: EffectState;
  /** Attempts made so far. */
  tries: number;
  /** When a pending effect is next tried. */
  nextAttemptAt: EpochMs;
  createdAt: EpochMs;
  /** When it finished (done or failed). */
  finishedAt?: EpochMs;
  /** What a finished effect came to, e.g. a send's outcome ('sent', 'noAuthorisation', 'refused'). */
  outcome?: string;
  /** Why the last attempt failed (kept on a pending effect too, so staff see what is being retried). */
  lastError?: string;
}

/** Attempts before an effect is given up as failed: the first at once, then after 10 s, 20 s, 40 s, 80 s. */
export const EFFECT_MAX_TRIES = 5;
const EFFECT_RETRY_FIRST_DELAY_MS = 10 * SECOND_MS;
/** Backoff never waits longer than this between two attempts. */
const EFFECT_RETRY_MAX_DELAY_MS = 5 * MINUTE_MS;

export function newEffect<K extends string, P>(id: string, kind: K, payload: P, now: EpochMs): Effect<K, P> {
  return { id, kind, payload, state: 'pending', tries: 0, nextAttemptAt: now, createdAt: now };
}

export function isEffectDue(effect: Pick<Effect, 'state' | 'nextAttemptAt'>, now: EpochMs): boolean {
  return effect.state === 'pending' && effect.nextAttemptAt <= now;
}

/** The attempt worked: the effect is done with `outcome`. */
export function effectDone<E extends Effect>(effect: E, outcome: string, now: EpochMs): E {
  return { ...effect, state: 'done', tries: effect.tries + 1, outcome, finishedAt: now };
}

/** The wait before the next attempt after `tries` failed ones: doubling from the first delay, capped. */
export function retryDelayMs(tries: number): number {
  return Math.min(EFFECT_RETRY_FIRST_DELAY_MS * 2 ** Math.max(0, tries - 1), EFFECT_RETRY_MAX_DELAY_MS);
}

/** The attempt failed for a passing reason (a write fault, a system error): try again later, or give up after the last try. */
export function effectRetry<E extends Effect>(effect: E, error: string, now: EpochMs): E {
  const tries = effect.tries + 1;
  if (tries >= EFFECT_MAX_TRIES) return { ...effect, state: 'failed', tries, lastError: error, outcome: 'gaveUp', finishedAt: now };
  return { ...effect, tries, lastError: error, nextAttemptAt: now + retryDelayMs(tries) };
}

/** When the earliest pending effect is due, or null when nothing is owed. */
export function nextEffectAt(effects: readonly Pick<Effect, 'state' | 'nextAttemptAt'>[]): EpochMs | null {
  let next: EpochMs | null = null;
  for (const e of effects) if (e.state === 'pending' && (next === null || e.nextAttemptAt < next)) next = e.nextAttemptAt;
  return next;
}

/**
 * The last error a claimed attempt carries until it records how it went. Seen on a due effect it
 * means the attempt's outcome is unknown: the dispatcher crashed (or could not write) between
 * performing it and recording it.
 */
export const EFFECT_INTERRUPTED = 'interrupted';

/**
 * Claims a due effect for one attempt: the try is counted and the next attempt pushed out by the
 * backoff, so another dispatcher leaves it alone meanwhile and a crash leaves it due again later
 * (marked EFFECT_INTERRUPTED). An effect whose tries are used up is given up instead.
 */
export function claimEffect<E extends Effect>(effect: E, now: EpochMs): E {
  if (effect.tries >= EFFECT_MAX_TRIES) return { ...effect, state: 'failed', outcome: 'gaveUp', finishedAt: now };
  const tries = effect.tries + 1;
  return { ...effect, tries, nextAttemptAt: now + retryDelayMs(tries), lastError: EFFECT_INTERRUPTED };
}

/** A scheduled effect no longer wanted (a reminder for a request already answered): done with `outcome`, never tried. */
export function effectCancelled<E extends Effect>(effect: E, outcome: string, now: EpochMs): E {
  return { ...effect, state: 'done', outcome, finishedAt: now };
}

/** A pending effect nobody has tried that is not due yet: scheduled for later, not owed now. */
export function isScheduled(effect: Pick<Effect, 'state' | 'tries' | 'nextAttemptAt'>, now: EpochMs): boolean {
  return effect.state === 'pending' && effect.tries === 0 && effect.nextAttemptAt > now;
}

/** An effect scheduled for `at` (a reminder): recorded now, tried from then on. */
export function newScheduledEffect<K extends string, P>(id: string, kind: K, payload: P, now: EpochMs, at: EpochMs): Effect<K, P> {
  return { ...newEffect(id, kind, payload, now), nextAttemptAt: Math.max(now, at) };
}

/** The effects of `effects` due at `now`. */
export function dueEffects(effects: Readonly<Record<string, Effect>>, now: EpochMs): Record<string, Effect> {
  return Object.fromEntries(Object.entries(effects).filter(([, e]) => isEffectDue(e, now)));
}

/**
 * `effects` with every one due at `now` claimed: what a change stores when its own writer performs
 * them right after the write (saving the claim's write). Scheduled ones stay as they are.
 */
export function claimDue(effects: Readonly<Record<string, Effect>>, now: EpochMs): Record<string, Effect> {
  return Object.fromEntries(Object.entries(effects).map(([key, e]) => [key, isEffectDue(e, now) ? claimEffect(e, now) : e]));
}
