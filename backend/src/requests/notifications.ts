// Subscribe messages about requests: "a request is yours" to responders, "your request changed" to
// the resident. Each send spends one counted authorisation (notify.ts); the outcome is returned per
// user so callers can record it, and new responders get an inbox item that records it.
import type { EpochMs, Id, Request, RequestEvent } from '../../../core/src/model';
import { REQUEST_CATEGORY_LABELS, REQUEST_STATES } from '../../../core/src/model';
import type { InboxReason } from '../../../core/src/schemas';
import type { Database, WxCloud } from '../cloud';
import type { SendOutcome } from '../../../core/src/delivery';
import { sendSubscribeMessage, TEMPLATE_IDS, thingValue as thing, timeValue as time } from '../notify';
import { inboxItemFor, insertInboxItems } from './store';

/** The mini-program page that shows one request (leaders and residents alike). */
const REQUEST_PAGE = 'pages/request/index';
function pageFor(requestId: Id): string {
  return `${REQUEST_PAGE}?id=${requestId}`;
}

/** Tells each responder a request is theirs (new, escalated or handed over). Sends run in parallel. */
export async function notifyResponders(
  cloud: WxCloud,
  db: Database,
  request: Request,
  userIds: readonly Id[],
  why: string,
  now: EpochMs,
): Promise<Record<Id, SendOutcome>> {
  const outcomes = await Promise.all(
    userIds.map((touser) =>
      sendSubscribeMessage(
        cloud,
        db,
        {
          touser,
          templateId: TEMPLATE_IDS.requestAssigned,
          page: pageFor(request.id),
          data: {
            thing1: thing(REQUEST_CATEGORY_LABELS[request.category]),
            thing2: thing(request.text),
            time3: time(request.submittedAt),
            thing4: thing(why),
          },
        },
        now,
      ),
    ),
  );
  return Object.fromEntries(userIds.map((id, i) => [id, outcomes[i] ?? 'failed']));
}

/**
 * Gives new responders the request (a submission's, an escalation's, a hand-over's): tells each it is
 * theirs, then stores their inbox items with how the message went. Round trips: one authorisation
 * update + one send per responder (in parallel), then the inbox batch (1).
 */
export async function deliverToResponders(
  cloud: WxCloud,
  db: Database,
  request: Request,
  userIds: readonly Id[],
  reason: InboxReason,
  why: string,
  now: EpochMs,
): Promise<void> {
  if (userIds.length === 0) return;
  const outcomes = await notifyResponders(cloud, db, request, userIds, why, now);
  await insertInboxItems(
    db,
    userIds.map((userId) => inboxItemFor(request, userId, reason, now, outcomes[userId] ?? 'failed')),
  );
}

/** Tells the resident what happened to their request. */
export async function notifyResident(cloud: WxCloud, db: Database, request: Request, event: RequestEvent, now: EpochMs): Promise<SendOutcome> {
  return sendSubscribeMessage(
    cloud,
    db,
    {
      touser: request.residentId,
      templateId: TEMPLATE_IDS.requestUpdated,
      page: pageFor(request.id),
      data: {
        thing1: thing(request.text),
        thing2: thing(REQUEST_STATES[request.state].label),
        thing3: thing(event.note ?? event.label),
        time4: time(event.at),
      },
    },
    now,
  );
}
