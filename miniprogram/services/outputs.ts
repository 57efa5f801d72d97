// What the cloud functions the pages use return inside `{ ok: true, data }`. The backend is still
// being written, so these are loose on purpose: every field optional, lists of `unknown`. Pages
// refine them with services/models.ts, which tolerates missing fields, instead of trusting shapes.
import type { FunctionName } from '../../core/src/schemas';
import type { getVillageDashboard } from '../../backend/src/dashboard/dashboard';
import type { issueInvitation } from '../../backend/src/membership/invitations';
import type { getNoticeReach } from '../../backend/src/notices/reach';
import type { publishNotice } from '../../backend/src/notices/publish';
import type { setVillagePolicy, updateRoutingRule } from '../../backend/src/organisation/configure';
import type { createGrid } from '../../backend/src/organisation/setup';
import type { Result } from '../../core/src/errors';
/** The value a use case's Result carries: what its function answers as `data`. */
type DataOf<F> = F extends (...args: never[]) => Promise<Result<infer T>> ? T : never;

export interface ListOutput {
  items?: unknown[];
  nextCursor?: string;
}

export interface FunctionOutputs {
  joinGrid: { gridId?: string; gridName?: string; villageName?: string; householdId?: string };
  submitRequest: { requestId?: string; responseDueAt?: number };
  listMyRequests: ListOutput;
  getRequest: unknown;
  confirmRequest: unknown;
  reopenRequest: unknown;
  recordSubscription: unknown;
  listNotices: ListOutput;
  markNoticeRead: unknown;
  listInbox: ListOutput;
  // Committee (packageCommittee)
  getVillageDashboard: DataOf<typeof getVillageDashboard>;
  createGrid: DataOf<typeof createGrid>;
  issueInvitation: DataOf<typeof issueInvitation>;
  updateRoutingRule: DataOf<typeof updateRoutingRule>;
  setVillagePolicy: DataOf<typeof setVillagePolicy>;
  publishNotice: DataOf<typeof publishNotice>;
  getNoticeReach: DataOf<typeof getNoticeReach>;
}

/** Known output for the functions above; `unknown` for every other function until it is written. */
export type OutputOf<N extends FunctionName> = N extends keyof FunctionOutputs ? FunctionOutputs[N] : unknown;
