// Loading what the core needs to decide about a request's place: the grid, its routing rules, the
// role assignments of its village and street, and the village policy. Every query goes through an
// index (scope.villageId, role+scope.streetId, gridId+category, _id).
import type { Grid, Household, Id, MicroGrid, RoleAssignment, RoutingRule, VillagePolicy } from '../../../core/src/model';
import { resolvePolicy, type ResolvedPolicy } from '../../../core/src/policy';
import type { Database } from '../cloud';
import { COLLECTIONS } from '../collections';
import { fetchAll, fetchById, fromStored, MAX_GET_LIMIT } from '../db';
import { fetchGrid, type MicroGridDoc } from '../organisation/repo';

/** Routing rules of one grid: at most one per category plus the wildcard. */
const RULES_PAGE = 100;
/** Micro-grids of one grid: a split by building, a few dozen at most. */
const MICRO_GRIDS_PAGE = 100;

/** Street admins named by ADMIN_OPENIDS hold the role without a stored assignment. */
function bootstrapAdmins(adminOpenids: readonly string[], streetId: Id): RoleAssignment[] {
  return adminOpenids.map((userId) => ({ userId, role: 'streetAdmin', scope: { streetId }, assignedAt: 0, assignedBy: 'ADMIN_OPENIDS' }));
}

/**
 * Role assignments of the given villages (grid roles carry villageId too) and the street admins of
 * the given streets. One round trip (two queries in parallel).
 */
export async function loadStaff(db: Database, villageIds: readonly Id[], streetIds: readonly Id[], adminOpenids: readonly string[]): Promise<RoleAssignment[]> {
  const _ = db.command;
  const [village, admins] = await Promise.all([
    villageIds.length === 0
      ? Promise.resolve([])
      : fetchAll<RoleAssignment>(
          db
            .collection(COLLECTIONS.roleAssignments)
            .where({ 'scope.villageId': _.in([...villageIds]) })
            .limit(MAX_GET_LIMIT),
        ),
    fetchAll<RoleAssignment>(
      db
        .collection(COLLECTIONS.roleAssignments)
        .where({ role: 'streetAdmin', 'scope.streetId': _.in([...streetIds]) })
        .limit(MAX_GET_LIMIT),
    ),
  ]);
  return [...village, ...admins, ...streetIds.flatMap((streetId) => bootstrapAdmins(adminOpenids, streetId))];
}

export interface SubmitContext {
  grid: Grid;
  rules: RoutingRule[];
  assignments: RoleAssignment[];
  policy: ResolvedPolicy;
  /** The micro-grid covering the resident's building, if the grid is split (战时小网格). */
  microGrid?: MicroGrid;
}

/** The micro-grid whose buildings include the household's building. */
function microGridOfHousehold(microGrids: readonly MicroGrid[], household: Pick<Household, 'building'> | null): MicroGrid | undefined {
  const building = household?.building;
  return building === undefined ? undefined : microGrids.find((m) => m.buildings?.includes(building));
}

/** Everything submitRequest needs about the resident's grid and household. One round trip (queries in parallel). */
export async function loadSubmitContext(
  db: Database,
  gridId: Id,
  villageId: Id,
  householdId: Id | undefined,
  adminOpenids: readonly string[],
): Promise<SubmitContext | null> {
  const _ = db.command;
  const [gridDoc, rules, village, admins, policyDoc, household, microGridDocs] = await Promise.all([
    fetchGrid(db, gridId),
    fetchAll<RoutingRule>(db.collection(COLLECTIONS.routingRules).where({ gridId }).limit(RULES_PAGE)),
    fetchAll<RoleAssignment>(db.collection(COLLECTIONS.roleAssignments).where({ 'scope.villageId': villageId }).limit(MAX_GET_LIMIT)),
    fetchAll<RoleAssignment>(
      db
        .collection(COLLECTIONS.roleAssignments)
        .where({ role: _.eq('streetAdmin') })
        .limit(MAX_GET_LIMIT),
    ),
    fetchById<VillagePolicy>(db, COLLECTIONS.villagePolicies, villageId),
    householdId === undefined ? Promise.resolve(null) : fetchById<Household>(db, COLLECTIONS.households, householdId),
    fetchAll<MicroGridDoc>(db.collection(COLLECTIONS.microGrids).where({ gridId }).limit(MICRO_GRIDS_PAGE)),
  ]);
  if (!gridDoc) return null;
  const grid: Grid = fromStored(gridDoc);
  const streetAdmins = admins.filter((a) => a.scope.streetId === grid.streetId);
  const microGrid = microGridOfHousehold(
    microGridDocs.map((doc) => fromStored(doc)),
    household,
  );
  return {
    grid,
    rules,
    assignments: [...village, ...streetAdmins, ...bootstrapAdmins(adminOpenids, grid.streetId)],
    policy: resolvePolicy(policyDoc ?? undefined),
    ...(microGrid ? { microGrid } : {}),
  };
}
