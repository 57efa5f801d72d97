// Who is calling, from the openid that getWXContext() gave: their role assignments and grid membership.
// Never from the event payload. Street admins are bootstrapped from ADMIN_OPENIDS.
import type { Membership, RoleAssignment } from '../../core/src/model';
import type { Database } from './cloud';
import { COLLECTIONS } from './collections';
import { fetchAll, fetchById, MAX_GET_LIMIT } from './db';

export interface Actor {
  userId: string;
  /** Every role the user holds, with its scope; street admins from ADMIN_OPENIDS included. */
  roles: RoleAssignment[];
  /** The resident's current grid, if they have joined one. */
  membership: Membership | null;
}

/** The deployment's street: one street per deployment (see README). */
interface StreetDoc {
  _id: string;
  name: string;
}

export async function loadActor(db: Database, openid: string, adminOpenids: readonly string[]): Promise<Actor> {
  const [assignments, membership, streets] = await Promise.all([
    fetchAll<RoleAssignment>(db.collection(COLLECTIONS.roleAssignments).where({ userId: openid }).limit(MAX_GET_LIMIT)),
    fetchById<Membership>(db, COLLECTIONS.memberships, openid),
    adminOpenids.includes(openid) ? fetchAll<StreetDoc>(db.collection(COLLECTIONS.streets).limit(1)) : Promise.resolve([]),
  ]);
  const streetId = streets[0]?._id;
  if (streetId !== undefined && !assignments.some((a) => a.role === 'streetAdmin')) {
    assignments.push({ userId: openid, role: 'streetAdmin', scope: { streetId }, assignedAt: 0, assignedBy: 'ADMIN_OPENIDS' });
  }
  return { userId: openid, roles: assignments, membership };
}
