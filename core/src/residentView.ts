// What a resident is shown of other people: staff as their role and name, never their openid, and
// another member of the household as "a member". An openid identifies a WeChat user to the
// mini-program; a resident has no use for a staff member's, and with it could follow that person
// across requests and notices. Staff keep the ids: they act on them (hand-over, rosters).
import { SYSTEM_ACTOR_ID } from './lifecycle';
import { ROLE_LABELS, type Id, type Notice, type RequestEvent, type RoleAssignment } from './model';
import type { RequestSummary, RequestView } from './schemas';

/** What stands for a staff member (or the committee that published a notice) where an id was. */
export const STAFF_ACTOR_ID = 'staff';
/** What stands for another member of the household (the named resident of a 代办 request). */
export const HOUSEHOLD_MEMBER_ID = 'householdMember';

/** Event data that name people by id (the routed responders, escalation recipients, a hand-over's new responder). */
const EVENT_DATA_WITH_IDS: readonly string[] = ['responders', 'recipients', 'toUserId'];

/** How a resident is shown a staff member: role and name, e.g. "网格长 王建国" (the role alone when no name was given). */
function staffLabel(assignments: readonly RoleAssignment[], userId: Id): string | undefined {
  const held = assignments.filter((a) => a.userId === userId);
  const first = held[0];
  if (!first) return undefined;
  const name = held.find((a) => a.displayName !== undefined)?.displayName;
  return name === undefined ? ROLE_LABELS[first.role] : `${ROLE_LABELS[first.role]} ${name}`;
}

/** Labels of every staff member among `assignments`, by id. */
export function staffLabels(assignments: readonly RoleAssignment[]): Map<Id, string> {
  const labels = new Map<Id, string>();
  for (const userId of new Set(assignments.map((a) => a.userId))) {
    const label = staffLabel(assignments, userId);
    if (label !== undefined) labels.set(userId, label);
  }
  return labels;
}

/** A request in a list, as `viewerId` (a resident of it, or of its household) is shown it. */
export function requestSummaryForResident(request: RequestSummary, viewerId: Id): RequestSummary {
  const { firstResponseBy: _firstResponseBy, ...rest } = request;
  return {
    ...rest,
    routedTo: [],
    responders: [],
    residentId: request.residentId === viewerId ? viewerId : HOUSEHOLD_MEMBER_ID,
    ...(request.submittedBy !== undefined ? { submittedBy: STAFF_ACTOR_ID } : {}),
  };
}

function eventForResident(event: RequestEvent, viewerId: Id, labels: ReadonlyMap<Id, string>): RequestEvent {
  const { data, ...rest } = event;
  const shownData = data && Object.fromEntries(Object.entries(data).filter(([key]) => !EVENT_DATA_WITH_IDS.includes(key)));
  const own = event.actorId === viewerId || event.actorId === SYSTEM_ACTOR_ID;
  const label = labels.get(event.actorId);
  return {
    ...rest,
    actorId: own ? event.actorId : STAFF_ACTOR_ID,
    ...(!own && label !== undefined ? { actorLabel: label } : {}),
    ...(shownData && Object.keys(shownData).length > 0 ? { data: shownData } : {}),
  };
}

/**
 * One request with its log, as `viewerId` is shown it: who handles it as labels (`handledBy`), each
 * staff event by role and name (`actorLabel`), nobody's id but the viewer's own.
 */
export function requestViewForResident(view: RequestView, viewerId: Id, labels: ReadonlyMap<Id, string> = new Map()): RequestView {
  return {
    ...requestSummaryForResident(view, viewerId),
    handledBy: view.responders.flatMap((id) => labels.get(id) ?? []),
    events: view.events.map((event) => eventForResident(event, viewerId, labels)),
  };
}

/** A notice as a resident is shown it: published by the committee, not by an openid. */
export function noticeForResident<T extends Pick<Notice, 'publishedBy'>>(notice: T): T {
  return { ...notice, publishedBy: STAFF_ACTOR_ID };
}
