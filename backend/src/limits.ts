// The reads the rate limits (core/src/limits.ts) decide from, and the per-village per-day count of
// refusals the committee dashboard shows. Each read is one bounded call through an existing index,
// made alongside reads the use case makes anyway; a refusal costs one conditional increment.
import { chinaDateOf } from '../../core/src/chinaTime';
import { LIMIT_KINDS, limitWindowStart, RESIDENT_LIMIT_READ_SIZE, type LimitKind, type LimitRefusal, type RecentRequest } from '../../core/src/limits';
import { REQUEST_STATE_NAMES, isOpen, type EpochMs, type Id, type NoticeScope, type RequestCategory } from '../../core/src/model';
import type { Database } from './cloud';
import { COLLECTIONS } from './collections';
import { countOf, fetchAll, fetchById, insertOnce, updateWhere } from './db';

const OPEN_STATES = REQUEST_STATE_NAMES.filter(isOpen);

/**
 * The resident's own requests (not those staff submitted for their household, 代办) that the limits
 * count: submitted within the window, or open in `category`; newest first, RESIDENT_LIMIT_READ_SIZE at
 * most. One call through the residentId_submittedAt index.
 */
export function recentOwnRequests(db: Database, residentId: Id, category: RequestCategory, now: EpochMs): Promise<RecentRequest[]> {
  const _ = db.command;
  return fetchAll<RecentRequest>(
    db
      .collection(COLLECTIONS.requests)
      .where(
        _.and([
          { residentId, submittedBy: _.exists(false) },
          _.or([{ submittedAt: _.gt(limitWindowStart(now)) }, { category, state: _.in([...OPEN_STATES]) }]),
        ] as never[]),
      )
      .orderBy('submittedAt', 'desc')
      .limit(RESIDENT_LIMIT_READ_SIZE)
      .field({ category: true, state: true, submittedAt: true }),
  );
}

/**
 * Notices published to the scope's village (village or grids) within the window, or for a street-wide
 * notice the street's street-wide ones. One count through scope_villageId or streetId_scopeKind_publishedAt.
 */
export function noticesPublishedWithinWindow(db: Database, scope: NoticeScope, streetId: Id, now: EpochMs): Promise<number> {
  const since = db.command.gt(limitWindowStart(now));
  const where = scope.kind === 'street' ? { streetId, 'scope.kind': 'street', publishedAt: since } : { 'scope.villageId': scope.villageId, publishedAt: since };
  return countOf(db.collection(COLLECTIONS.notices).where(where));
}

/** Refusals of one place (a village, or the street for street-wide notices) on one China day, by limit. */
type RefusalCounts = Record<LimitKind, number>;

interface LimitRefusalsDoc extends Partial<RefusalCounts> {
  _id: string;
  placeId: Id;
  day: string;
  updatedAt: EpochMs;
}

function refusalsId(placeId: Id, at: EpochMs): string {
  return `${placeId}:${chinaDateOf(at)}`;
}

/**
 * Counts one refusal for the place today: an increment of the day's document, or its first insert (and
 * the increment again if another refusal inserted it first). A failure is logged: the caller is still
 * answered with the refusal.
 */
export async function recordRefusal(db: Database, placeId: Id, refusal: LimitRefusal, now: EpochMs): Promise<void> {
  const id = refusalsId(placeId, now);
  const increment = () => updateWhere(db.collection(COLLECTIONS.limitRefusals).where({ _id: id }), { [refusal.limit]: db.command.inc(1), updatedAt: now });
  try {
    if ((await increment()) === 1) return;
    const first: LimitRefusalsDoc = { _id: id, placeId, day: chinaDateOf(now), [refusal.limit]: 1, updatedAt: now };
    if (await insertOnce(db, COLLECTIONS.limitRefusals, first)) return;
    await increment();
  } catch (err) {
    console.error('[limits] refusal not counted', placeId, refusal.limit, err instanceof Error ? err.message : err);
  }
}

/** The place's refusals today (China day), by limit. One read by _id. */
export async function refusalsToday(db: Database, placeId: Id, now: EpochMs): Promise<RefusalCounts> {
  const doc = await fetchById<LimitRefusalsDoc>(db, COLLECTIONS.limitRefusals, refusalsId(placeId, now));
  return Object.fromEntries(LIMIT_KINDS.map((kind) => [kind, doc?.[kind] ?? 0])) as RefusalCounts;
}
