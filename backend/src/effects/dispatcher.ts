// The dispatcher of effects kept in their host document (a request): `effects` maps a key to an
// Effect, `effectsRev` counts the writes that added effects, `effectsDueAt` is when the earliest
// pending one is due (never later than the truth, so the timer's index query finds every document
// that owes something). One pass: claim the due effects (one conditional write), perform them in the
// host's phases, record what happened (one write). Claiming first means two dispatchers never perform
// one effect at once; a crash after the claim leaves the effect due again after its backoff.
import { claimEffect, effectDone, effectRetry, isEffectDue, nextEffectAt, type Effect } from '../../../core/src/effects';
import type { EpochMs } from '../../../core/src/model';
import type { Database } from '../cloud';
import { fetchById, updateWhere } from '../db';

/** What a host document holds for its effects. */
export interface EffectFields {
  effects?: Record<string, Effect>;
  effectsRev?: number;
  effectsDueAt?: EpochMs | null;
}

/**
 * What one attempt came to: done with an outcome, a passing failure to retry later, or not yet
 * decidable (it waits on another effect): left pending as it was, untried, until `waitUntil`.
 */
export type Attempt = { done: string } | { retry: string } | { waitUntil: EpochMs };

export interface EffectHost<D extends { _id: string } & EffectFields> {
  collection: string;
  /** Effects of a lower phase are performed (in parallel) before those of a higher one. */
  phaseOf(effect: Effect): number;
  /** Performs one claimed effect against the document as the dispatcher read it. */
  perform(doc: D, effect: Effect, finished: Readonly<Record<string, Effect>>): Promise<Attempt>;
  /** Writes the performs left for later (authorisation spends), alongside the record. */
  settle?(): Promise<void>;
}

/** Claims tried when another writer changed the document in between (a new change, another dispatcher). */
const CLAIM_ATTEMPTS = 3;
/** Tries of the write that records outcomes: a lost record would repeat a send, so one passing fault is ridden out. */
const RECORD_ATTEMPTS = 2;
/** Characters of an error message kept as an effect's last error. */
const ERROR_TEXT_MAX = 200;

/** An error as an effect keeps it: its code (if any) and message, cut to ERROR_TEXT_MAX. */
export function errorText(err: unknown): string {
  const code = (err as { errCode?: unknown }).errCode;
  const message = err instanceof Error ? err.message : String(err);
  return `${code === undefined ? '' : `${String(code)} `}${message}`.slice(0, ERROR_TEXT_MAX);
}

/** The update setting each given effect whole, by its key. */
function effectsUpdate(db: Database, effects: Record<string, Effect>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(effects).map(([key, effect]) => [`effects.${key}`, db.command.set(effect)]));
}

/** The condition that each effect still has the tries it had when read (nobody claimed or recorded it since). */
function unchangedCondition(effects: Record<string, Effect>): Record<string, unknown> {
  const condition: Record<string, unknown> = {};
  for (const [key, effect] of Object.entries(effects)) {
    condition[`effects.${key}.tries`] = effect.tries;
    condition[`effects.${key}.state`] = effect.state;
  }
  return condition;
}

async function withRetries<T>(attempts: number, write: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (attempt >= attempts) throw err;
    }
  }
}

/** Claims the due effects of `doc`: the claimed ones, or null when someone else changed the document first. One write. */
async function claim<D extends { _id: string } & EffectFields>(
  db: Database,
  host: EffectHost<D>,
  doc: D,
  now: EpochMs,
): Promise<Record<string, Effect> | null> {
  const effects = doc.effects ?? {};
  const due = Object.fromEntries(Object.entries(effects).filter(([, e]) => isEffectDue(e, now)));
  const claimed = Object.fromEntries(Object.entries(due).map(([key, e]) => [key, claimEffect(e, now)]));
  const after = { ...effects, ...claimed };
  const updated = await updateWhere(db.collection(host.collection).where({ _id: doc._id, effectsRev: doc.effectsRev ?? 0, ...unchangedCondition(due) }), {
    ...effectsUpdate(db, claimed),
    effectsDueAt: nextEffectAt(Object.values(after)),
  });
  return updated === 1 ? claimed : null;
}

async function performAll<D extends { _id: string } & EffectFields>(
  host: EffectHost<D>,
  doc: D,
  claimed: Record<string, Effect>,
  before: Record<string, Effect>,
  now: EpochMs,
): Promise<Record<string, Effect>> {
  const finished: Record<string, Effect> = { ...(doc.effects ?? {}) };
  const toPerform = Object.entries(claimed).filter(([, e]) => e.state === 'pending');
  for (const [key, e] of Object.entries(claimed)) if (e.state !== 'pending') finished[key] = e;
  const phases = [...new Set(toPerform.map(([, e]) => host.phaseOf(e)))].sort((a, b) => a - b);
  for (const phase of phases) {
    await Promise.all(
      toPerform
        .filter(([, e]) => host.phaseOf(e) === phase)
        .map(async ([key, e]) => {
          const original = before[key] ?? e;
          let attempt: Attempt;
          try {
            attempt = await host.perform(doc, e, finished);
          } catch (err) {
            attempt = { retry: errorText(err) };
          }
          finished[key] =
            'done' in attempt
              ? effectDone(original, attempt.done, now)
              : 'retry' in attempt
                ? effectRetry(original, attempt.retry, now)
                : { ...original, nextAttemptAt: Math.max(attempt.waitUntil, now + 1) };
        }),
    );
  }
  return Object.fromEntries(Object.entries(claimed).map(([key, e]) => [key, finished[key] ?? e]));
}

/**
 * Records the outcomes of claimed effects, each only if still as claimed. When no effect was added
 * meanwhile it also sets `effectsDueAt` from the finished state; otherwise it leaves it (the adder set
 * it no later than its own effects). One write, two when effects were added meanwhile.
 */
async function record(
  db: Database,
  collection: string,
  doc: { _id: string } & EffectFields,
  claimed: Record<string, Effect>,
  results: Record<string, Effect>,
): Promise<void> {
  const base = { _id: doc._id, ...unchangedCondition(claimed) };
  const update = effectsUpdate(db, results);
  const dueAt = nextEffectAt(Object.values({ ...(doc.effects ?? {}), ...results }));
  const whole = await withRetries(RECORD_ATTEMPTS, () =>
    updateWhere(db.collection(collection).where({ ...base, effectsRev: doc.effectsRev ?? 0 }), { ...update, effectsDueAt: dueAt }),
  );
  if (whole === 1) return;
  await withRetries(RECORD_ATTEMPTS, () => updateWhere(db.collection(collection).where(base), update));
}

/**
 * Performs what `doc` owes now: claims its due effects, performs them, records the outcomes. When a
 * claim loses to another writer it re-reads the document and tries again (a bounded number of times);
 * what it cannot claim stays for whoever holds it or for the timer. Returns the effects it finished
 * or rescheduled. Throws only when a write fails; the effects then stay owed.
 */
export async function dispatchEffects<D extends { _id: string } & EffectFields>(
  db: Database,
  host: EffectHost<D>,
  first: D,
  now: EpochMs,
): Promise<Record<string, Effect>> {
  let doc: D | null = first;
  for (let attempt = 0; attempt < CLAIM_ATTEMPTS && doc; attempt++) {
    const effects = doc.effects ?? {};
    const dueCount = Object.values(effects).filter((e) => isEffectDue(e, now)).length;
    if (dueCount === 0) {
      await tidyDueAt(db, host.collection, doc, now);
      return {};
    }
    const claimed = await claim(db, host, doc, now);
    if (claimed) {
      const results = await performAll(host, doc, claimed, effects, now);
      await Promise.all([record(db, host.collection, { ...doc, effects: { ...effects, ...claimed } }, claimed, results), host.settle?.()]);
      return results;
    }
    doc = await fetchById<D>(db, host.collection, doc._id);
  }
  return {};
}

/**
 * Performs the effects `doc` was stored with already claimed (claimDue at the change, by the writer
 * that performs them now, which saves the claim's write), then records the outcomes; `before` holds
 * them as they were before the claim (the due ones of it are those claimed). A crash leaves them due
 * after the claim's backoff, for the timer's dispatchEffects.
 */
export async function performClaimed<D extends { _id: string } & EffectFields>(
  db: Database,
  host: EffectHost<D>,
  doc: D,
  before: Readonly<Record<string, Effect>>,
  now: EpochMs,
): Promise<Record<string, Effect>> {
  const stored = doc.effects ?? {};
  const claimed = Object.fromEntries(
    Object.keys(before)
      .filter((key) => isEffectDue(before[key] as Effect, now) && stored[key] !== undefined)
      .map((key) => [key, stored[key] as Effect]),
  );
  if (Object.keys(claimed).length === 0) return {};
  const results = await performAll(host, doc, claimed, { ...before }, now);
  await Promise.all([record(db, host.collection, doc, claimed, results), host.settle?.()]);
  return results;
}

/** A document listed as owing effects that owes none now: moves `effectsDueAt` to the truth, unless effects were added meanwhile. */
async function tidyDueAt(db: Database, collection: string, doc: { _id: string } & EffectFields, now: EpochMs): Promise<void> {
  const dueAt = nextEffectAt(Object.values(doc.effects ?? {}));
  if (doc.effectsDueAt === undefined || doc.effectsDueAt === null || doc.effectsDueAt > now || doc.effectsDueAt === dueAt) return;
  await updateWhere(db.collection(collection).where({ _id: doc._id, effectsRev: doc.effectsRev ?? 0 }), { effectsDueAt: dueAt });
}
