// "My information" (我的信息): a resident sees, corrects and deletes what is held about them (PIPL,
// 个人信息保护法 arts. 44–47). Pure: the backend loads the membership, household and requests, and
// writes what these rules say.
//
// What a resident is shown of their household: its address always (they gave it), its phone, care
// needs and noSmartphone only once their claim is verified. Anyone holding the grid's code can claim a
// door (core/src/claims.ts), so a pending claimant must not read a neighbour's health data.
import { isVerifiedMember } from './claims';
import { fail, ok, type Result } from './errors';
import type { MembershipChange, MembershipRecord } from './membership';
import type { CareNeed, EpochMs, Household, Id, Request, RequestEvent } from './model';
import type { MyHouseholdDetails, UpdateMyInformationInput } from './schemas/profile';

export function householdDetails(household: Pick<Household, 'phone' | 'careNeeds' | 'noSmartphone'>): MyHouseholdDetails {
  return {
    ...(household.phone !== undefined ? { phone: household.phone } : {}),
    careNeeds: [...household.careNeeds],
    noSmartphone: household.noSmartphone === true,
  };
}

/** The household's fields after a correction: `set` what changes, `remove` what is cleared. */
export interface HouseholdCorrection {
  householdId: Id;
  set: Partial<{ phone: string; careNeeds: CareNeed[]; noSmartphone: boolean }>;
  remove: 'phone'[];
  details: MyHouseholdDetails;
}

/**
 * Only a verified member of the household changes its fields: a pending claimant may be a stranger
 * at the door (the address is not correctable here: a new address is a new claim, by joining again).
 */
export function decideCorrection(
  membership: MembershipRecord | null,
  household: Household | null,
  input: UpdateMyInformationInput,
): Result<HouseholdCorrection> {
  if (membership === null) return fail('MEMBER.NOT_JOINED');
  if (membership.householdId === undefined || household === null || household.id !== membership.householdId) return fail('MEMBER.NO_HOUSEHOLD');
  if (!isVerifiedMember(membership)) return fail('MEMBER.NOT_VERIFIED');
  const before = householdDetails(household);
  const set: HouseholdCorrection['set'] = {};
  const remove: HouseholdCorrection['remove'] = [];
  if (input.phone === null) {
    if (before.phone !== undefined) remove.push('phone');
  } else if (input.phone !== undefined && input.phone !== before.phone) set.phone = input.phone;
  if (input.careNeeds !== undefined && !sameMembers(input.careNeeds, before.careNeeds)) set.careNeeds = [...input.careNeeds];
  if (input.noSmartphone !== undefined && input.noSmartphone !== before.noSmartphone) set.noSmartphone = input.noSmartphone;
  const after = { ...household, ...set, ...(remove.length > 0 ? { phone: undefined } : {}) };
  return ok({ householdId: household.id, set, remove, details: householdDetails(after) });
}

function sameMembers<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

export interface Leaving {
  history: MembershipChange;
  /**
   * Delete the household's personal fields: the leaver was its last member and a resident's join
   * made it. A household the staff registered or imported (一户一档) stays as the register holds it:
   * the committee keeps that record for its own duties, not on the resident's consent.
   */
  eraseHousehold: boolean;
}

/** `otherMembers`: memberships other than the leaver's that still name the household. */
export function decideLeave(membership: MembershipRecord, household: Household | null, otherMembers: number, now: EpochMs): Leaving {
  return {
    history: {
      userId: membership.userId,
      gridId: membership.gridId,
      villageId: membership.villageId,
      fromGridId: membership.gridId,
      ...(membership.householdId !== undefined ? { fromHouseholdId: membership.householdId } : {}),
      kind: 'leave',
      at: now,
    },
    eraseHousehold: household !== null && household.source === 'joined' && otherMembers === 0,
  };
}

/** The household fields leaving deletes (the address stays: it is where the household is, not who). */
export const ERASED_HOUSEHOLD_FIELDS = ['phone', 'noSmartphone', 'members'] as const;

/** What starts the resident id of a request whose resident left (never an openid, one per request). */
const LEFT_RESIDENT_PREFIX = 'left:';

function leftResidentId(requestId: Id): Id {
  return `${LEFT_RESIDENT_PREFIX}${requestId}`;
}

export function isLeftResidentId(residentId: Id): boolean {
  return residentId.startsWith(LEFT_RESIDENT_PREFIX);
}

/** A trailing ellipsis: truncateChars marks a cut excerpt with it. */
const ELLIPSIS = '…';

/** Whether `value` is the text or an excerpt cut from its start (a message's thing value, an inbox excerpt). */
function isExcerptOf(value: string, text: string): boolean {
  const excerpt = value.endsWith(ELLIPSIS) ? value.slice(0, -ELLIPSIS.length) : value;
  return excerpt !== '' && text !== '' && text.startsWith(excerpt) && (excerpt === text || value.endsWith(ELLIPSIS));
}

/** A copy of `value` with every string that quotes the text blanked. */
function scrubbed(value: unknown, text: string): unknown {
  if (typeof value === 'string') return isExcerptOf(value, text) ? '' : value;
  if (Array.isArray(value)) return value.map((v) => scrubbed(v, text));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubbed(v, text)]));
  return value;
}

interface StoredEffectLike {
  payload?: unknown;
}

/**
 * A request of a resident who left, as kept. What the weekly report, the dashboard and reach count is
 * kept: grid, village, household id (an address, not a person), category, urgency, state, version,
 * every time (submitted, due, first response and its ms, resolved, closed), routing and escalation,
 * and the staff's own replies. What says who the resident is or what they wrote goes: the resident id
 * becomes a per-request marker (so the residentId+idempotencyKey index stays unique and nobody is
 * messaged), the text and photos are blanked, the location is removed, in the event log the
 * resident's own entries keep their kind, states and time but lose their author, note and photos,
 * effects addressed to the resident (keyed by their id) are dropped, and the staff's messages lose
 * the words they quoted from the text.
 */
export function anonymisedRequest<E extends StoredEffectLike>(
  request: Pick<Request, 'id' | 'residentId' | 'text'> & { events?: RequestEvent[]; effects?: Record<string, E> },
): { residentId: Id; text: ''; photos: []; events?: RequestEvent[]; effects?: Record<string, E>; droppedEffects: string[] } {
  const marker = leftResidentId(request.id);
  const events = request.events?.map((event) => {
    if (event.actorId !== request.residentId) return event;
    const { note: _note, photos: _photos, data: _data, ...kept } = event;
    return { ...kept, actorId: marker };
  });
  const droppedEffects: string[] = [];
  const effects: Record<string, E> = {};
  for (const [key, effect] of Object.entries(request.effects ?? {})) {
    if (key.endsWith(`:${request.residentId}`)) droppedEffects.push(key);
    else effects[key] = { ...effect, ...(effect.payload !== undefined ? { payload: scrubbed(effect.payload, request.text) } : {}) };
  }
  return {
    residentId: marker,
    text: '',
    photos: [],
    ...(events !== undefined ? { events } : {}),
    ...(request.effects !== undefined ? { effects } : {}),
    droppedEffects,
  };
}
