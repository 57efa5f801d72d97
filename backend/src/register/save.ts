// saveHousehold: the grid's staff add or edit one household of the register (一户一档) — address,
// care needs, 无智能手机, phone, members, the party member linked to it (党员联户) — without a
// resident having joined. Adding an address the grid already holds edits that household (a resident
// who joined, an imported row), so the same input twice is the same document; editing replaces the
// register's fields only, so the residents who joined stay its members. getHousehold reads one entry
// back for the form.
//
// Round trips: loadActor 2 ∥ grid 1 (∥ the edited household 1) → the household at the address 1 →
// the write 1 (2 more when a concurrent write of the same address is met).
import { personalDataAccess } from '../../../core/src/accessLog';
import { fail, ok, type Result } from '../../../core/src/errors';
import { addressKey, decideRegisterWrite, draftAddressProblem, draftFromInput, householdEntry } from '../../../core/src/register';
import type { FunctionInputs } from '../../../core/src/schemas';
import type { HouseholdEntry, SavedHousehold } from '../../../core/src/schemas/register';
import type { CallContext } from '../handler';
import { findHouseholdAt, householdIdAt, loadHousehold } from '../membership/repo';
import { recordPersonalDataAccess } from '../privacy/accessLog';
import { servedGrid } from './access';
import { writeRegisterEntry } from './repo';

export async function saveHousehold(input: FunctionInputs['saveHousehold'], ctx: CallContext): Promise<Result<SavedHousehold>> {
  const { db } = ctx;
  const [grid, edited] = await Promise.all([servedGrid(ctx, input.gridId), input.householdId === undefined ? null : loadHousehold(db, input.householdId)]);
  if (!grid.ok) return grid;
  const draft = draftFromInput(input);
  const problem = draftAddressProblem(draft);
  if (problem !== null) return fail('INPUT.INVALID', problem);
  if (input.householdId !== undefined && (edited === null || edited.gridId !== grid.value._id)) return fail('HOUSEHOLD.NOT_FOUND');

  // An edit that keeps its address needs no look-up; a new address must not be another household's.
  const atAddress = edited !== null && addressKey(edited) === addressKey(draft) ? edited : await findHouseholdAt(db, grid.value._id, draft);
  if (edited !== null && atAddress !== null && atAddress.id !== edited.id) return fail('HOUSEHOLD.ADDRESS_TAKEN');
  const existing = edited ?? atAddress;
  const facts = {
    existing,
    id: existing?.id ?? householdIdAt(grid.value._id, draft),
    gridId: grid.value._id,
    villageId: grid.value.villageId,
    source: 'register' as const,
    by: ctx.openid,
    now: ctx.now,
  };
  const written = await writeRegisterEntry(db, decideRegisterWrite(draft, facts), draft, facts);
  return ok({ outcome: written.outcome, household: householdEntry(written.household) });
}

export async function getHousehold(input: FunctionInputs['getHousehold'], ctx: CallContext): Promise<Result<HouseholdEntry>> {
  const [grid, household] = await Promise.all([servedGrid(ctx, input.gridId), loadHousehold(ctx.db, input.householdId)]);
  if (!grid.ok) return grid;
  if (household === null || household.gridId !== grid.value._id) return fail('HOUSEHOLD.NOT_FOUND');
  const entry = householdEntry(household);
  const facts = { viewerId: ctx.openid, householdId: household.id, gridId: household.gridId, villageId: grid.value.villageId, via: 'getHousehold' as const };
  await recordPersonalDataAccess(ctx.db, personalDataAccess(facts, household, ctx.now));
  return ok(entry);
}
