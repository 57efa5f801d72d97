// What each cloud function answers inside `{ ok: true, data }`, taken from the backend's own use
// cases with type-only imports (erased when the DevTools compile this file), so a change of shape in
// the backend breaks `npm run typecheck` here instead of a page at run time. To type a new function,
// add one line to FunctionOutputs: `name: DataOf<typeof useCase>`.
import type { Result } from '../../core/src/errors';
import type { FunctionName } from '../../core/src/schemas';
import type { getVillageDashboard } from '../../backend/src/dashboard/dashboard';
import type { acceptInvitation, issueInvitation } from '../../backend/src/membership/invitations';
import type { getNoticeReach } from '../../backend/src/notices/reach';
import type { publishNotice } from '../../backend/src/notices/publish';
import type { setVillagePolicy, updateRoutingRule } from '../../backend/src/organisation/configure';
import type { createGrid } from '../../backend/src/organisation/setup';
import type { listVillageGrids } from '../../backend/src/organisation/listGrids';
import type { joinGrid } from '../../backend/src/membership/joinGrid';
import type { resolveGroupGrid } from '../../backend/src/membership/groups';
import type { listNotices } from '../../backend/src/notices/list';
import type { markNoticeRead } from '../../backend/src/notices/marks';
import type { cancelRequest, confirmRequest, reopenRequest } from '../../backend/src/requests/act';
import type { getRequest, listInbox, listMyRequests } from '../../backend/src/requests/read';
import type { submitRequest } from '../../backend/src/requests/submit';
import type { recordSubscription } from '../../backend/src/requests/subscription';
import type { getJoinCode } from '../../backend/src/membership/joinCode';
import type { bindGridGroup } from '../../backend/src/membership/groups';
import type { markHouseholdReached } from '../../backend/src/notices/marks';
import type { respondRequest, updateRequestStatus } from '../../backend/src/requests/act';
import type { getGridRoster } from '../../backend/src/roster/roster';
import type { getMyProfile } from '../../backend/src/profile/profile';

/** The value a use case's Result carries: what its function answers as `data`. */
type DataOf<F> = F extends (...args: never[]) => Promise<Result<infer T>> ? T : never;

export interface FunctionOutputs {
  // Membership
  joinGrid: DataOf<typeof joinGrid>;
  resolveGroupGrid: DataOf<typeof resolveGroupGrid>;
  acceptInvitation: DataOf<typeof acceptInvitation>;
  // Requests
  submitRequest: DataOf<typeof submitRequest>;
  listMyRequests: DataOf<typeof listMyRequests>;
  getRequest: DataOf<typeof getRequest>;
  confirmRequest: DataOf<typeof confirmRequest>;
  reopenRequest: DataOf<typeof reopenRequest>;
  cancelRequest: DataOf<typeof cancelRequest>;
  recordSubscription: DataOf<typeof recordSubscription>;
  listInbox: DataOf<typeof listInbox>;
  // Notices
  listNotices: DataOf<typeof listNotices>;
  markNoticeRead: DataOf<typeof markNoticeRead>;
  // Committee (packageCommittee)
  getVillageDashboard: DataOf<typeof getVillageDashboard>;
  createGrid: DataOf<typeof createGrid>;
  listVillageGrids: DataOf<typeof listVillageGrids>;
  issueInvitation: DataOf<typeof issueInvitation>;
  updateRoutingRule: DataOf<typeof updateRoutingRule>;
  setVillagePolicy: DataOf<typeof setVillagePolicy>;
  publishNotice: DataOf<typeof publishNotice>;
  getNoticeReach: DataOf<typeof getNoticeReach>;
  // Grid leaders (packageLeader)
  respondRequest: DataOf<typeof respondRequest>;
  updateRequestStatus: DataOf<typeof updateRequestStatus>;
  getGridRoster: DataOf<typeof getGridRoster>;
  markHouseholdReached: DataOf<typeof markHouseholdReached>;
  getJoinCode: DataOf<typeof getJoinCode>;
  bindGridGroup: DataOf<typeof bindGridGroup>;
  // Everyone: who am I, and where do I work
  getMyProfile: DataOf<typeof getMyProfile>;
}

/** Known output for the functions above; `unknown` for every other function until it is added. */
export type OutputOf<N extends FunctionName> = N extends keyof FunctionOutputs ? FunctionOutputs[N] : unknown;

// Shapes pages name directly.
export type JoinOutput = FunctionOutputs['joinGrid'];
export type RequestDetail = FunctionOutputs['getRequest'];
export type RequestListItem = FunctionOutputs['listMyRequests']['items'][number];
export type NoticeListItem = FunctionOutputs['listNotices']['notices'][number];
export type MyProfile = FunctionOutputs['getMyProfile'];
/** One of my inbox items: listInbox({ view: 'mine' }) lists them, and the inbox watch delivers the same documents. */
export type InboxItem = Extract<FunctionOutputs['listInbox'], { view: 'mine' }>['page']['items'][number];
type GridRoster = FunctionOutputs['getGridRoster'];
export type RosterHousehold = GridRoster['households'][number];
export type RosterLeader = GridRoster['leaders'][number];
export type NoticeReachState = NonNullable<RosterHousehold['noticeState']>;
export type JoinCode = FunctionOutputs['getJoinCode'];
