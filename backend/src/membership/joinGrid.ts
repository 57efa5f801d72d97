// joinGrid: a resident scans a grid's code (or opens one from the grid's WeChat group) and becomes a
// member of that grid and of a household in it. Collect once (一次采集): a household found by its
// address in the grid is reused with what it already holds; care needs given now are added to it.
// Scanning another grid's code moves the resident; every change is appended to membershipHistory.
// Scanning the same code again changes nothing. What changes is the core's decideJoin. Care needs are
// never returned here: a neighbour could claim the same room, and the grid's staff and the committee alone see them.
//
// Database round trips: at most 5 sequential (keyring ∥ membership; grid by code; village ∥ household;
// household write ∥ history entry; membership), 3 when nothing changes (a repeated scan).
import { fail, ok, type Result } from '../../../core/src/errors';
import { verifyJoinToken } from '../../../core/src/joinToken';
import { privacyConsentOf } from '../../../core/src/privacyNotice';
import { decideJoin, householdLookup, type HouseholdFound, type HouseholdLookup } from '../../../core/src/membership';
import type { Household, Id } from '../../../core/src/model';
import type { FunctionInputs, JoinResult } from '../../../core/src/schemas';
import type { Database } from '../cloud';
import { fromStored } from '../db';
import type { CallContext } from '../handler';
import { fetchGridByCode, fetchVillage } from '../organisation/repo';
import { takeNewHousehold } from './householdCounters';
import { loadKeyring } from './keyring';
import {
  appendMembershipChange,
  findHouseholdAt,
  householdIdAt,
  loadHousehold,
  loadMembership,
  recordPrivacyConsent,
  residentHouseholdId,
  saveHousehold,
  saveMembership,
} from './repo';

const stored = (household: Household): HouseholdFound => ({ kind: 'stored', household });

/** Reads the household the lookup names; a new one gets its deterministic id. */
async function findHousehold(db: Database, lookup: HouseholdLookup, gridId: Id, userId: Id): Promise<HouseholdFound | null> {
  switch (lookup.by) {
    case 'none':
      return null;
    case 'current': {
      const household = lookup.read ? await loadHousehold(db, lookup.householdId) : null;
      return household ? stored(household) : { kind: 'kept', id: lookup.householdId };
    }
    case 'address': {
      const household = await findHouseholdAt(db, gridId, lookup.address);
      return household ? stored(household) : { kind: 'new', id: householdIdAt(gridId, lookup.address) };
    }
    case 'resident': {
      const id = residentHouseholdId(gridId, userId);
      const household = await loadHousehold(db, id);
      return household ? stored(household) : { kind: 'new', id };
    }
  }
}

export async function joinGrid(input: FunctionInputs['joinGrid'], ctx: CallContext): Promise<Result<JoinResult>> {
  const { db, openid, now } = ctx;
  const consent = privacyConsentOf(input.privacyConsent?.version, now);
  if (!consent.ok) return consent;
  const [keyring, current] = await Promise.all([loadKeyring(db, now), loadMembership(db, openid)]);
  const token = verifyJoinToken(input.scene, keyring, now, 'join');
  if (!token.ok) return token;
  const gridDoc = await fetchGridByCode(db, token.value.subject);
  if (!gridDoc) return fail('GRID.NOT_FOUND');
  const grid = fromStored(gridDoc);
  const lookup = householdLookup(current, grid.id, input.household);
  const [village, household] = await Promise.all([fetchVillage(db, grid.villageId), findHousehold(db, lookup, grid.id, openid)]);

  const join = decideJoin({ userId: openid, grid, village, current, household, given: input.household, consent: consent.value, now });
  if (join.household?.kind === 'create') {
    // Before any write: a refused join writes nothing (the counts it took are given back).
    const refused = await takeNewHousehold(db, openid, grid.code, now);
    if (refused !== null) return fail(refused);
  }
  const changed = join.kind !== 'nothing';
  await Promise.all([
    join.household && saveHousehold(db, join.household),
    changed && appendMembershipChange(db, current, join.history),
    join.kind === 'nothing' && join.consent !== null && recordPrivacyConsent(db, openid, join.consent),
  ]);
  // Last: the history entry's id comes from the membership it leaves, so a retry after a failure
  // above still finds the old membership and writes the same entry.
  if (changed) await saveMembership(db, join.membership);
  return ok(join.reply);
}
