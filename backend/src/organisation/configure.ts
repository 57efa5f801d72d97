// Use cases that configure a village: the routing table (who answers which category in a grid; data
// with an audit trail) and the village policy (response targets, escalation, service calendar,
// emergency mode, urgent cover, duty rota, due-soon lead, SMS). Only the village's committee or a
// street admin may change either.
//
// Database round trips: updateRoutingRule 2 (actor ∥ grid ∥ rule; one transaction: re-read the rule,
// write or remove it, add the audit entry). setVillagePolicy 2 (actor ∥ village ∥ stored policy ∥ the
// village's duty officers when a rota is given; set).
import { fail, ok, type Result } from '../../../core/src/errors';
import { rotaOfficersWithoutRole } from '../../../core/src/dutyRota';
import { changeRoutingRule } from '../../../core/src/routing';
import type { RoutingRule, VillagePolicy } from '../../../core/src/model';
import { villagePolicyFromInput } from '../../../core/src/fromInput';
import type { FunctionInputs } from '../../../core/src/schemas';
import type { RoutingRuleChangeResult, VillagePolicySet } from '../../../core/src/schemas/organisation';
import { loadActor } from '../actor';
import type { Database } from '../cloud';
import { COLLECTIONS } from '../collections';
import { fetchById, fromStored, runTransactionRetried, setById, type Stored } from '../db';
import type { CallContext } from '../handler';
import { mayManageVillage } from '../../../core/src/access';
import { fetchDutyOfficerAssignments, fetchGrid, fetchVillage, gridPlace, villagePlace } from './repo';

type RuleDoc = Stored<RoutingRule>;
type PolicyDoc = VillagePolicy & { _id: string };

/** Thrown inside the transaction when the rule changed after we read it; rolls everything back. */
const STALE_RULE = 'ROUTING.STALE';

function routingRuleId(gridId: string, category: string): string {
  return `${gridId}:${category}`;
}

// wx-server-sdk's transaction typings are loose; this is the part we use.
interface TxDoc {
  get(): Promise<{ data: unknown }>;
  set(options: { data: object }): Promise<unknown>;
  remove(): Promise<unknown>;
}
interface Tx {
  collection(name: string): { doc(id: string): TxDoc; add(options: { data: object }): Promise<unknown> };
  rollback(reason: unknown): Promise<void>;
}

async function readInTransaction(t: Tx, collection: string, id: string): Promise<{ version?: number } | null> {
  try {
    const res = await t.collection(collection).doc(id).get();
    return (res.data as { version?: number } | null) ?? null;
  } catch (err) {
    // doc().get() of a missing document fails with "does not exist"; anything else is unexpected.
    if (/not exist|cannot find|DOCUMENT_NOT_FOUND/i.test(err instanceof Error ? err.message : String(err))) return null;
    throw err;
  }
}

export async function updateRoutingRule(input: FunctionInputs['updateRoutingRule'], ctx: CallContext): Promise<Result<RoutingRuleChangeResult>> {
  const ruleId = routingRuleId(input.gridId, input.category);
  const [actor, grid, stored] = await Promise.all([
    loadActor(ctx.db, ctx.openid, ctx.adminOpenids),
    fetchGrid(ctx.db, input.gridId),
    fetchById<RuleDoc>(ctx.db, COLLECTIONS.routingRules, ruleId),
  ]);
  if (!grid) return fail('GRID.NOT_FOUND');
  if (!mayManageVillage(actor.roles, gridPlace(grid))) return fail('AUTH.FORBIDDEN');
  const existing = stored ? (fromStored(stored) as RoutingRule) : null;
  // Empty roles and people remove the rule: the grid falls back to its '*' rule or the default.
  const set = input.roles.length > 0 || input.userIds.length > 0 ? { roles: [...input.roles], userIds: [...input.userIds] } : null;
  const changed = changeRoutingRule(existing, { gridId: grid._id, category: input.category, set, reason: input.reason ?? '' }, ctx.openid, ctx.now, ruleId);
  if (!changed.ok) return changed;
  const { rule, audit } = changed.value;
  // One audit entry per version of the rule: a concurrent change of the same version cannot add a second.
  const auditId = `${ruleId}:${(existing?.version ?? 0) + 1}`;
  const stale = await storeRuleChange(ctx.db, ruleId, existing, rule, { _id: auditId, ...audit });
  if (stale) return fail('ROUTING.STALE');
  return ok({ rule, audit: { id: auditId, ...audit } });
}

/**
 * Writes the rule and its audit entry together; true when the rule changed since `existing` was read
 * (found in the transaction, or a concurrent change kept winning the transaction).
 */
async function storeRuleChange(db: Database, ruleId: string, existing: RoutingRule | null, rule: RoutingRule | null, auditDoc: object): Promise<boolean> {
  try {
    const stored = await runTransactionRetried(db, async (tx) => {
      const t = tx as Tx;
      const current = await readInTransaction(t, COLLECTIONS.routingRules, ruleId);
      if ((current?.version ?? null) !== (existing?.version ?? null)) await t.rollback(STALE_RULE);
      const doc = t.collection(COLLECTIONS.routingRules).doc(ruleId);
      if (rule) {
        const { id: _ignored, ...fields } = rule;
        await doc.set({ data: fields });
      } else if (current) {
        await doc.remove();
      }
      await t.collection(COLLECTIONS.routingAudit).add({ data: auditDoc });
    });
    return 'conflicted' in stored;
  } catch (err) {
    if (err === STALE_RULE) return true;
    throw err;
  }
}

export async function setVillagePolicy(input: FunctionInputs['setVillagePolicy'], ctx: CallContext): Promise<Result<VillagePolicySet>> {
  const [actor, village, stored, dutyOfficers] = await Promise.all([
    loadActor(ctx.db, ctx.openid, ctx.adminOpenids),
    fetchVillage(ctx.db, input.villageId),
    fetchById<PolicyDoc>(ctx.db, COLLECTIONS.villagePolicies, input.villageId),
    input.dutyRota && input.dutyRota.length > 0 ? fetchDutyOfficerAssignments(ctx.db, input.villageId) : Promise.resolve([]),
  ]);
  if (!village) return fail('VILLAGE.NOT_FOUND');
  if (!mayManageVillage(actor.roles, villagePlace(village))) return fail('AUTH.FORBIDDEN');
  const storedPolicy = stored ? withoutId(stored) : null;
  const merged = villagePolicyFromInput(input, storedPolicy, ctx.openid, ctx.now);
  if (!merged.ok) return merged;
  const { policy } = merged.value;
  // Only a rota given now is checked: a stored one whose officer left the role falls back at escalation.
  const strangers = input.dutyRota ? rotaOfficersWithoutRole(policy.dutyRota ?? [], dutyOfficers, village._id) : [];
  if (strangers.length > 0) {
    return fail('POLICY.ROTA_NOT_DUTY_OFFICER', `值班表里有 ${strangers.length} 人不是本村（社区）的值班员，请先任命或移出值班表`, { officerIds: strangers });
  }
  await setById(ctx.db, COLLECTIONS.villagePolicies, village._id, policy);
  return ok({ policy });
}

function withoutId(doc: PolicyDoc): VillagePolicy {
  const { _id: _ignored, ...policy } = doc;
  return policy;
}
