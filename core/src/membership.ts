// Joining a grid, decided without I/O (一次采集: the address and care needs are collected once). The
// backend loads the resident's membership, the grid and the household named by householdLookup();
// decideJoin() says what changes — a first join, a move to another grid, a change of household, or
// nothing — and what the resident is told. Also: how long join codes and group scenes last, and what
// binding a grid's WeChat group changes. Household and history ids are derived by the backend
// (they hash, and the core imports no Node modules), so a lookup names the household by what it is
// and the backend turns that into an id.
import { fail, ok, type Result } from './errors';
import { CARE_NEEDS, type CareNeed, type EpochMs, type Grid, type Household, type Id, type Membership, type Village } from './model';
import { DAY_MS, HOUR_MS } from './policy';
import { isVerifiedMember } from './claims';
import { tokenExpiry } from './joinToken';
import type { PrivacyConsent } from './privacyNotice';
import type { GridSummary, HouseholdAddress, JoinGridInput, JoinResult } from './schemas/membership';

/** What the resident gives about their household when joining. */
export type HouseholdInput = NonNullable<JoinGridInput['household']>;

/** The parts of an address, in the order a household is found by. */
export const ADDRESS_PARTS = ['building', 'unit', 'room'] as const satisfies readonly (keyof HouseholdAddress)[];

/** Join codes are printed on building doors, so they last: half a year unless the caller asks otherwise. */
const JOIN_CODE_VALID_DAYS_DEFAULT = 180;
/** A scene handed out from a group is used at once; an hour (rounded up to the next) is plenty. */
const GROUP_JOIN_SCENE_VALID_MS = HOUR_MS;

/** When a grid's join code made at `now` stops working (whole hours, as the token stores it). */
export function joinCodeExpiry(now: EpochMs, validDays: number = JOIN_CODE_VALID_DAYS_DEFAULT): EpochMs {
  return tokenExpiry(now + validDays * DAY_MS);
}

/** When a join scene handed out from the grid's WeChat group at `now` stops working. */
export function groupSceneExpiry(now: EpochMs): EpochMs {
  return tokenExpiry(now + GROUP_JOIN_SCENE_VALID_MS);
}

/** The address parts a stored household holds, as stored (for a reply: absent parts stay absent). */
export function addressParts(household: HouseholdAddress | undefined): HouseholdAddress {
  const parts: HouseholdAddress = {};
  for (const part of ADDRESS_PARTS) {
    const value = household?.[part];
    if (value !== undefined) parts[part] = value;
  }
  return parts;
}

/** The address parts given, trimmed; blank or missing parts are left out. */
export function addressOf(given: HouseholdAddress | undefined): HouseholdAddress {
  const address: HouseholdAddress = {};
  for (const part of ADDRESS_PARTS) {
    const value = given?.[part]?.trim();
    if (value) address[part] = value;
  }
  return address;
}

function hasAddress(address: HouseholdAddress): boolean {
  return ADDRESS_PARTS.some((part) => address[part] !== undefined);
}

/** A grid as the resident is shown it; the village's name is blank if the village cannot be read. */
export function gridSummary(grid: Pick<Grid, 'id' | 'name' | 'villageId'>, village: Pick<Village, 'name'> | null): GridSummary {
  return { id: grid.id, name: grid.name, villageId: grid.villageId, villageName: village?.name ?? '' };
}

/** A membership as stored: `updatedAt` moves with every change of grid or household (joinedAt only with the grid). */
export interface MembershipRecord extends Membership {
  updatedAt?: EpochMs;
}

/** Where joinGrid looks for the resident's household, decided from what they gave before any household is read. */
export type HouseholdLookup =
  /** The household at this address in the grid; a new one when none is there yet. */
  | { by: 'address'; address: HouseholdAddress }
  /** Same grid, no address: the household the resident already has, read only when they gave something to add to it. */
  | { by: 'current'; householdId: Id; read: boolean }
  /** Care needs without an address (e.g. a rural grid without house numbers): the resident's own household. */
  | { by: 'resident' }
  /** Nothing given, and no household in this grid yet. */
  | { by: 'none' };

export function householdLookup(current: Membership | null, gridId: Id, given: HouseholdInput | undefined): HouseholdLookup {
  const address = addressOf(given);
  if (hasAddress(address)) return { by: 'address', address };
  if (current?.gridId === gridId && current.householdId !== undefined) return { by: 'current', householdId: current.householdId, read: given !== undefined };
  return given ? { by: 'resident' } : { by: 'none' };
}

/** What the backend found for a lookup (null for `by: 'none'`). */
export type HouseholdFound =
  /** A stored household, as read. */
  | { kind: 'stored'; household: Household }
  /** None exists yet: this join creates it under this id. */
  | { kind: 'new'; id: Id }
  /** The resident's current household, not read (nothing to add) or no longer there. */
  | { kind: 'kept'; id: Id };

/**
 * `claimRejected`: a pending claim on a household was rejected (core/src/claims.ts); the resident stays in the grid.
 * `leave`: the resident left the grid (leaveGrid, core/src/myInformation.ts); `gridId` is the grid left.
 */
type MembershipChangeKind = 'join' | 'move' | 'householdChange' | 'claimRejected' | 'leave';
type JoinChangeKind = Exclude<MembershipChangeKind, 'claimRejected' | 'leave'>;

/** One line of membershipHistory: every change of grid or household is appended, never overwritten. */
export interface MembershipChange {
  userId: Id;
  gridId: Id;
  villageId: Id;
  householdId?: Id;
  fromGridId?: Id;
  fromHouseholdId?: Id;
  kind: MembershipChangeKind;
  at: EpochMs;
}

/** What a join adds to a stored household: only what is new. */
type HouseholdAdditions = Partial<Pick<Household, 'careNeeds' | 'noSmartphone'>>;

export type HouseholdWrite = { kind: 'create'; household: Household } | { kind: 'add'; householdId: Id; additions: HouseholdAdditions };

export interface JoinFacts {
  userId: Id;
  grid: Grid;
  village: Pick<Village, 'name'> | null;
  current: MembershipRecord | null;
  household: HouseholdFound | null;
  given: HouseholdInput | undefined;
  /** The consent to the current privacy notice this join carries (checked by privacyConsentOf). */
  consent: PrivacyConsent;
  now: EpochMs;
}

/**
 * What a join changes and answers. `household` may be set even when the membership stays (care needs
 * added on a repeated scan); `consent` is a consent to a newer notice version to record on the
 * membership that otherwise stays.
 */
export type JoinDecision = {
  household: HouseholdWrite | null;
  reply: JoinResult;
} & ({ kind: 'nothing'; consent: PrivacyConsent | null } | { kind: JoinChangeKind; membership: MembershipRecord; history: MembershipChange });

/** Care needs of both lists, once each, in CARE_NEEDS order. */
function mergedCareNeeds(existing: readonly CareNeed[], added: readonly CareNeed[] | undefined): CareNeed[] {
  const all = new Set([...existing, ...(added ?? [])]);
  return CARE_NEEDS.filter((need) => all.has(need));
}

function householdWrite(grid: Grid, found: HouseholdFound, given: HouseholdInput): HouseholdWrite | null {
  if (found.kind === 'new') {
    return {
      kind: 'create',
      household: {
        id: found.id,
        gridId: grid.id,
        villageId: grid.villageId,
        ...addressOf(given),
        careNeeds: mergedCareNeeds([], given.careNeeds),
        ...(given.noSmartphone !== undefined ? { noSmartphone: given.noSmartphone } : {}),
        source: 'joined',
      },
    };
  }
  if (found.kind === 'kept') return null;
  const stored = found.household;
  const careNeeds = mergedCareNeeds(stored.careNeeds ?? [], given.careNeeds);
  const additions: HouseholdAdditions = {};
  if (careNeeds.length !== (stored.careNeeds ?? []).length) additions.careNeeds = careNeeds;
  if (given.noSmartphone !== undefined && given.noSmartphone !== (stored.noSmartphone ?? false)) additions.noSmartphone = given.noSmartphone;
  return Object.keys(additions).length > 0 ? { kind: 'add', householdId: stored.id, additions } : null;
}

function idOf(found: HouseholdFound): Id {
  return found.kind === 'stored' ? found.household.id : found.id;
}

/**
 * Scanning the same grid's code again changes nothing (unless it names another household or adds
 * care needs); another grid's code moves the resident. Care needs never reach the reply: a neighbour
 * could claim the same room.
 */
export function decideJoin(facts: JoinFacts): JoinDecision {
  const { userId, grid, current, household, given, consent, now } = facts;
  const householdId = household ? idOf(household) : undefined;
  const sameGrid = current?.gridId === grid.id;
  const sameHousehold = sameGrid && (householdId === undefined || current?.householdId === householdId);
  const moved = current !== null && !sameGrid;
  const address = household?.kind === 'stored' ? addressOf(household.household) : addressOf(given);
  const reply: JoinResult = {
    grid: gridSummary(grid, facts.village),
    ...(householdId !== undefined ? { householdId } : {}),
    ...(householdId !== undefined && hasAddress(address) ? { address } : {}),
    alreadyMember: sameHousehold,
    moved,
    householdNeeded: householdId === undefined,
    // A new claim waits; a repeated scan keeps what the stored membership says.
    claimPending: householdId !== undefined && (sameHousehold ? current !== null && !isVerifiedMember(current) : true),
  };
  const write = household && given ? householdWrite(grid, household, given) : null;
  if (sameHousehold) {
    const newConsent = current?.privacyConsent?.version === consent.version ? null : consent;
    return { kind: 'nothing', household: write, reply, consent: newConsent };
  }

  const kind: JoinChangeKind = !current ? 'join' : sameGrid ? 'householdChange' : 'move';
  const placed = { userId, gridId: grid.id, villageId: grid.villageId, ...(householdId !== undefined ? { householdId } : {}) };
  // Anyone with the printed code can name any door: a claim on a household waits for staff or the household (core/src/claims.ts).
  const claim = householdId !== undefined ? { verification: 'pending' as const } : {};
  return {
    kind,
    membership: { ...placed, ...claim, privacyConsent: consent, joinedAt: sameGrid && current ? current.joinedAt : now, updatedAt: now },
    history: {
      ...placed,
      ...(current ? { fromGridId: current.gridId } : {}),
      ...(current?.householdId !== undefined ? { fromHouseholdId: current.householdId } : {}),
      kind,
      at: now,
    },
    household: write,
    reply,
  };
}

/** What a grid records when a WeChat group is bound to it. */
interface GroupBindingChanges {
  openGId: string;
  groupBoundAt: EpochMs;
  groupBoundBy: Id;
}

export type GroupBinding = { alreadyBound: true } | { alreadyBound: false; changes: GroupBindingChanges };

/**
 * Binding the group `openGId` to `grid` for `boundBy`: one group belongs to one grid, and a grid has
 * one group, so binding a new one replaces the old. `holder` is the grid the group is bound to now, if any.
 */
export function decideGroupBinding(
  grid: Pick<Grid, 'id' | 'openGId'>,
  openGId: string,
  holder: Pick<Grid, 'id'> | null,
  boundBy: Id,
  now: EpochMs,
): Result<GroupBinding> {
  if (grid.openGId === openGId) return ok({ alreadyBound: true });
  if (holder && holder.id !== grid.id) return fail('GROUP.ALREADY_BOUND');
  return ok({ alreadyBound: false, changes: { openGId, groupBoundAt: now, groupBoundBy: boundBy } });
}
