// The demo street fixture lands in the emulator's database as the backend expects to find it.
import { describe, expect, it } from 'vitest';
import { SMALL_STREET } from '../../backend/src/seed';
import { smsNumberOf } from '../../core/src/channels';
import { COLLECTIONS } from '../../backend/src/collections';
import { countOf } from '../../backend/src/db';
import { type TestBackend, useTestBackend } from '../helpers/backend';

let backend: TestBackend;
useTestBackend((started) => {
  backend = started;
});

describe('demo street seed', () => {
  it('writes every grid, household and the 三长 of each grid', async () => {
    const { db } = backend;
    const grids = SMALL_STREET.villages * SMALL_STREET.gridsPerVillage;
    expect(await countOf(db.collection(COLLECTIONS.grids))).toBe(grids);
    expect(await countOf(db.collection(COLLECTIONS.households))).toBe(grids * SMALL_STREET.householdsPerGrid);
    expect(await countOf(db.collection(COLLECTIONS.memberships))).toBe(grids * SMALL_STREET.joinedHouseholdsPerGrid);
    const leaders = await countOf(db.collection(COLLECTIONS.roleAssignments).where({ 'scope.gridId': backend.street.grids[0]!.id }));
    expect(leaders).toBe(3);
  });
});

describe('demo street contacts', () => {
  it('gives every staff member a mainland mobile, so an SMS can reach them when their consent runs out', () => {
    for (const a of backend.street.roleAssignments) expect(smsNumberOf(a.phone), `${a.role} ${a.userId}`).toMatch(/^\+861\d{10}$/);
  });
});
