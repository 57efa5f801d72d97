// Storage of the household register: a grid's households read at once (an import matches its rows
// against them by address), and register writes — new entries inserted in batches, changed ones
// updated field by field so memberships, a micro-grid and what joins added stay. A new entry's id is
// derived from grid and address (householdIdAt), so a retried or concurrent write of the same
// address meets the same document instead of making a twin.
import type { Household, Id } from '../../../core/src/model';
import { addressKey, decideRegisterWrite, type RegisterDraft, type RegisterFacts, type RegisterWrite } from '../../../core/src/register';
import type { Database } from '../cloud';
import { COLLECTIONS } from '../collections';
import { fetchPagedById, fromStored, insertMany, insertOnce, toStored, updateWhere, type Stored } from '../db';
import { loadHousehold } from '../membership/repo';

/** Households one grid may hold for an import to match against (a big grid has a few hundred). */
export const GRID_HOUSEHOLDS_MAX = 5000;
/** New entries inserted per round trip. */
const INSERT_BATCH_SIZE = 100;
/** Changed entries updated at once (each is its own round trip). */
const UPDATES_IN_PARALLEL = 10;

/** The grid's households by address key; `truncated` when the grid holds more than GRID_HOUSEHOLDS_MAX. */
export async function loadGridHouseholds(db: Database, gridId: Id): Promise<{ byAddress: Map<string, Household>; truncated: boolean }> {
  const { docs, truncated } = await fetchPagedById<Stored<Household>>(db, COLLECTIONS.households, { gridId }, GRID_HOUSEHOLDS_MAX);
  const byAddress = new Map<string, Household>();
  for (const doc of docs) byAddress.set(addressKey(doc), fromStored(doc));
  return { byAddress, truncated };
}

/** One changed entry: the fields that change set, the blank optional ones removed. */
function updateChanged(db: Database, write: RegisterWrite & { outcome: 'updated' }): Promise<number> {
  const _ = db.command;
  const data: Record<string, unknown> = { ...write.set };
  for (const field of write.unset) data[field] = _.remove();
  return updateWhere(db.collection(COLLECTIONS.households).where({ _id: write.household.id }), data);
}

/**
 * Writes one entry. An insert that meets a household written meanwhile under the same id (a resident
 * joining, a second tap) decides again against what is stored and updates it.
 */
export async function writeRegisterEntry(db: Database, write: RegisterWrite, draft: RegisterDraft, facts: RegisterFacts): Promise<RegisterWrite> {
  if (write.outcome === 'unchanged') return write;
  if (write.outcome === 'updated') {
    await updateChanged(db, write);
    return write;
  }
  if (await insertOnce(db, COLLECTIONS.households, toStored(write.household))) return write;
  const stored = await loadHousehold(db, write.household.id);
  const again = decideRegisterWrite(draft, { ...facts, existing: stored });
  if (again.outcome === 'updated') await updateChanged(db, again);
  return again;
}

export interface PlannedWrite {
  write: RegisterWrite;
  draft: RegisterDraft;
  facts: RegisterFacts;
}

/** Every planned write: new entries in batches (one by one for a batch that meets a stored id), changed ones a few at a time. */
export async function writeRegisterEntries(db: Database, planned: readonly PlannedWrite[]): Promise<RegisterWrite[]> {
  const done: RegisterWrite[] = planned.filter((p) => p.write.outcome === 'unchanged').map((p) => p.write);
  const added = planned.filter((p) => p.write.outcome === 'added');
  for (let i = 0; i < added.length; i += INSERT_BATCH_SIZE) {
    const batch = added.slice(i, i + INSERT_BATCH_SIZE);
    try {
      await insertMany(
        db,
        COLLECTIONS.households,
        batch.map((p) => toStored(p.write.household)),
      );
      done.push(...batch.map((p) => p.write));
    } catch {
      // A household of this batch was written meanwhile (or the batch was refused as a whole): each on its own.
      for (const p of batch) done.push(await writeRegisterEntry(db, p.write, p.draft, p.facts));
    }
  }
  const updated = planned.filter((p) => p.write.outcome === 'updated');
  for (let i = 0; i < updated.length; i += UPDATES_IN_PARALLEL) {
    const batch = updated.slice(i, i + UPDATES_IN_PARALLEL);
    done.push(...(await Promise.all(batch.map((p) => writeRegisterEntry(db, p.write, p.draft, p.facts)))));
  }
  return done;
}
