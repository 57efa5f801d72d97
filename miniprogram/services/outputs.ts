// What each cloud function answers inside `{ ok: true, data }`: the contracts core/src/schemas declares
// beside the input schemas, which the backend's defineFunction is held to. Type-only imports, erased
// when the DevTools compile this file, so a change of shape breaks `npm run typecheck` here instead of a
// page at run time.
import type { FunctionName, FunctionOutputs } from '../../core/src/schemas';

export type { FunctionOutputs };

export type OutputOf<N extends FunctionName> = FunctionOutputs[N];

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
