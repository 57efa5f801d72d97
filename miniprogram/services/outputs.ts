// What the cloud functions the pages use return inside `{ ok: true, data }`. The backend is still
// being written, so these are loose on purpose: every field optional, lists of `unknown`. Pages
// refine them with services/models.ts, which tolerates missing fields, instead of trusting shapes.
import type { FunctionName } from '../../core/src/schemas';

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
}

/** Known output for the functions above; `unknown` for every other function until it is written. */
export type OutputOf<N extends FunctionName> = N extends keyof FunctionOutputs ? FunctionOutputs[N] : unknown;
