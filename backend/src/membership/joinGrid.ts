// joinGrid: a resident scans a grid's code (or opens one from the grid's WeChat group) and becomes a
// member of that grid and of a household in it. Collect once (一次采集): a household found by its
// address in the grid is reused with what it already holds; care needs given now are added to it.
// Scanning another grid's code moves the resident; every change is appended to membershipHistory.
// Scanning the same code again changes nothing. Care needs are never returned here: a neighbour could
// claim the same room, and only the grid's staff and the committee may see them.
//
// Database round trips: at most 5 sequential (keyring ∥ membership; grid by code; village ∥ household;
// household write ∥ history entry; membership), 3 when nothing changes (a repeated scan).
import { fail, ok, type Result } from '../../../core/src/errors';
import { verifyJoinToken } from '../../../core/src/joinToken';
import { CARE_NEEDS, type CareNeed, type Household, type Membership } from '../../../core/src/model';
import type { FunctionInputs } from '../../../core/src/schemas';
import type { Database } from '../cloud';
import { COLLECTIONS } from '../collections';
import { fetchById, fetchOne, insertOnce, updateWhere, type Stored } from '../db';
import type { CallContext } from '../handler';
import { stableId } from '../organisation/ids';
import { fetchGridByCode, fetchVillage, type GridDoc } from '../organisation/repo';
import { loadKeyring } from './keyring';

type HouseholdDoc = Stored<Household>;
/** `updatedAt` changes with every change of grid or household (joinedAt only with the grid). */
type MembershipDoc = Membership & { _id: string; updatedAt?: number };
type HouseholdInput = NonNullable<FunctionInputs['joinGrid']['household']>;

const ADDRESS_PARTS = ['building', 'unit', 'room'] as const;
type Address = Partial<Record<(typeof ADDRESS_PARTS)[number], string>>;

interface MembershipHistoryEntry {
  userId: string;
  gridId: string;
  villageId: string;
  householdId?: string;
  fromGridId?: string;
  fromHouseholdId?: string;
  kind: 'join' | 'move' | 'householdChange';
  at: number;
}

export interface JoinResult {
  grid: { id: string; name: string; villageId: string; villageName: string };
  householdId?: string;
  /** Where the household is; never its care needs. */
  address?: Address;
  /** True when this scan changed nothing (already a member of this grid and household). */
  alreadyMember: boolean;
  /** True when the resident left another grid for this one. */
  moved: boolean;
  /** True when the resident has no household yet: the mini-program asks for the address once. */
  householdNeeded: boolean;
}

function addressOf(input: HouseholdInput | undefined): Address {
  const address: Address = {};
  for (const part of ADDRESS_PARTS) {
    const value = input?.[part]?.trim();
    if (value) address[part] = value;
  }
  return address;
}

/** The household this join binds to: an existing one, one to create, or none. */
interface HouseholdTarget {
  id: string;
  /** The stored household, when it was read. */
  doc: HouseholdDoc | null;
  /** True when it does not exist yet and this join creates it. */
  create: boolean;
}

async function findHousehold(db: Database, grid: GridDoc, userId: string, current: MembershipDoc | null, input: HouseholdInput | undefined): Promise<HouseholdTarget | null> {
  const address = addressOf(input);
  if (Object.keys(address).length > 0) {
    const _ = db.command;
    const where: Record<string, unknown> = { gridId: grid._id };
    for (const part of ADDRESS_PARTS) where[part] = address[part] ?? _.exists(false);
    const found = await fetchOne<HouseholdDoc>(db.collection(COLLECTIONS.households).where(where).limit(1));
    if (found) return { id: found._id, doc: found, create: false };
    return { id: stableId('h', grid._id, address.building ?? '', address.unit ?? '', address.room ?? ''), doc: null, create: true };
  }
  if (current?.gridId === grid._id && current.householdId) {
    // Same grid, no address: keep the household; read it only when there is something to add.
    if (!input) return { id: current.householdId, doc: null, create: false };
    return { id: current.householdId, doc: await fetchById<HouseholdDoc>(db, COLLECTIONS.households, current.householdId), create: false };
  }
  if (!input) return null;
  // Care needs without an address (e.g. a rural grid without house numbers): the resident's own household.
  const id = stableId('h', grid._id, 'resident', userId);
  const doc = await fetchById<HouseholdDoc>(db, COLLECTIONS.households, id);
  return { id, doc, create: doc === null };
}

function mergedCareNeeds(existing: readonly CareNeed[], added: readonly CareNeed[] | undefined): CareNeed[] {
  const all = new Set([...existing, ...(added ?? [])]);
  return CARE_NEEDS.filter((need) => all.has(need));
}

/** Creates the household or adds to it what the resident gave; nothing when nothing is new. */
async function saveHousehold(db: Database, grid: GridDoc, target: HouseholdTarget, input: HouseholdInput | undefined): Promise<void> {
  if (target.create) {
    const doc: HouseholdDoc = {
      _id: target.id,
      gridId: grid._id,
      villageId: grid.villageId,
      ...addressOf(input),
      careNeeds: mergedCareNeeds([], input?.careNeeds),
      ...(input?.noSmartphone !== undefined ? { noSmartphone: input.noSmartphone } : {}),
    };
    // False when a concurrent join of the same address created it: fine, it is the same household.
    await insertOnce(db, COLLECTIONS.households, doc);
    return;
  }
  const doc = target.doc;
  if (!doc || !input) return;
  const careNeeds = mergedCareNeeds(doc.careNeeds ?? [], input.careNeeds);
  const changes: Partial<Household> = {};
  if (careNeeds.length !== (doc.careNeeds ?? []).length) changes.careNeeds = careNeeds;
  if (input.noSmartphone !== undefined && input.noSmartphone !== (doc.noSmartphone ?? false)) changes.noSmartphone = input.noSmartphone;
  if (Object.keys(changes).length > 0) await updateWhere(db.collection(COLLECTIONS.households).where({ _id: doc._id }), changes);
}

export async function joinGrid(input: FunctionInputs['joinGrid'], ctx: CallContext): Promise<Result<JoinResult>> {
  const { db } = ctx;
  const [keyring, current] = await Promise.all([loadKeyring(db, ctx.now), fetchById<MembershipDoc>(db, COLLECTIONS.memberships, ctx.openid)]);
  const token = verifyJoinToken(input.scene, keyring, ctx.now, 'join');
  if (!token.ok) return token;
  const grid = await fetchGridByCode(db, token.value.subject);
  if (!grid) return fail('GRID.NOT_FOUND');

  const [village, target] = await Promise.all([fetchVillage(db, grid.villageId), findHousehold(db, grid, ctx.openid, current, input.household)]);
  const householdId = target?.id;
  const sameGrid = current?.gridId === grid._id;
  const sameHousehold = sameGrid && (householdId === undefined || current?.householdId === householdId);
  const moved = current !== null && !sameGrid;

  if (!sameHousehold || input.household) {
    const writes: Promise<unknown>[] = [];
    if (target) writes.push(saveHousehold(db, grid, target, input.household));
    if (!sameHousehold) writes.push(appendHistory(db, ctx.openid, current, grid, householdId, ctx.now));
    await Promise.all(writes);
  }
  if (!sameHousehold) {
    const membership: Omit<MembershipDoc, '_id'> = {
      userId: ctx.openid,
      gridId: grid._id,
      villageId: grid.villageId,
      ...(householdId !== undefined ? { householdId } : {}),
      joinedAt: sameGrid && current ? current.joinedAt : ctx.now,
      updatedAt: ctx.now,
    };
    await db.collection(COLLECTIONS.memberships).doc(ctx.openid).set({ data: membership as never });
  }

  const householdDoc = target?.doc;
  const address = householdDoc ? addressOf(householdDoc as HouseholdInput) : addressOf(input.household);
  return ok({
    grid: { id: grid._id, name: grid.name, villageId: grid.villageId, villageName: village?.name ?? '' },
    ...(householdId !== undefined ? { householdId } : {}),
    ...(householdId !== undefined && Object.keys(address).length > 0 ? { address } : {}),
    alreadyMember: sameHousehold && !moved,
    moved,
    householdNeeded: householdId === undefined,
  });
}

/** Appends one entry per change; its _id is derived from the change, so a retried join adds no second copy. */
async function appendHistory(db: Database, userId: string, from: MembershipDoc | null, grid: GridDoc, householdId: string | undefined, now: number): Promise<void> {
  const kind: MembershipHistoryEntry['kind'] = !from ? 'join' : from.gridId === grid._id ? 'householdChange' : 'move';
  const entry: MembershipHistoryEntry = {
    userId,
    gridId: grid._id,
    villageId: grid.villageId,
    ...(householdId !== undefined ? { householdId } : {}),
    ...(from ? { fromGridId: from.gridId } : {}),
    ...(from?.householdId !== undefined ? { fromHouseholdId: from.householdId } : {}),
    kind,
    at: now,
  };
  const _id = stableId('mh', userId, from?.gridId ?? '', from?.householdId ?? '', String(from?.updatedAt ?? from?.joinedAt ?? 0), grid._id, householdId ?? '');
  await insertOnce(db, COLLECTIONS.membershipHistory, { _id, ...entry });
}
