// The request state machine (诉求闭环). Every change goes through transition(), which checks the
// state, who is acting, and the action's own rules, and returns the new request plus the event the
// resident sees — or a failure with a stable code. submitRequest() creates a request (there is no
// prior state). Escalation is decided in escalation.ts; transition() applies that decision. The
// handler stores the result with `where version == expectedVersion`.
//
//   submitted ─respond→ responded ─startProgress→ inProgress ─resolve→ resolved ─confirm→ confirmed
//       │                   └──────────resolve────────────────────────↗   │ └─reopen→ reopened ─┐
//       ├─cancel→ cancelled (resident, before first response)             └─autoClose→ closed     │
//       └─escalate (stays submitted, level+1)     reopened ─startProgress/resolve→ …  ←──────────┘
//   submitted, responded, inProgress, reopened ─markSpam→ spam (staff: not a real request, 无效诉求)

import { fail, ok, type Result } from './errors';
import { isStoredUnder } from './files';
import { ESCALATION_EVENT_LABELS, guardHolds, type EscalationDue } from './escalation';
import type { EpochMs, EscalationStep, Id, LeaderRole, Request, RequestActionKind, RequestEvent, RequestState, RoleAssignment } from './model';
import { isLeaderRole, REQUEST_STATES, ROLE_LABELS } from './model';
import {
  DAY_MS,
  NOTE_MAX_LENGTH,
  RATING_COMMENT_MAX_LENGTH,
  RATING_MAX,
  RATING_MIN,
  REQUEST_PHOTO_FOLDER,
  REQUEST_PHOTO_MAX_COUNT,
  RESOLUTION_PHOTO_FOLDER,
  REQUEST_TEXT_MAX_LENGTH,
  type ResolvedPolicy,
} from './policy';
import type { RoutingDecision } from './routing';
import { escalationPlan, responseDeadline } from './sla';
import { gridRoleHolders } from './staff';
import { characterCount } from './text';
import { mayHandleRequestsAt, rolesOf } from './access';

export const SYSTEM_ACTOR_ID = 'system';

/** Who acts: a signed-in user with their role assignments, or the system (sweeper, timers). */
export type Actor = { kind: 'user'; userId: Id; assignments: readonly RoleAssignment[] } | { kind: 'system' };

export type RequestAction =
  | { kind: 'respond'; message: string }
  | { kind: 'startProgress'; note?: string }
  | { kind: 'resolve'; note: string; photos?: string[] }
  | { kind: 'confirm'; rating: number; comment?: string }
  | { kind: 'reopen'; reason: string }
  | { kind: 'cancel'; reason?: string }
  | { kind: 'autoClose' }
  | { kind: 'markSpam'; note?: string }
  | EscalationDue
  | {
      kind: 'handOver';
      toUserId: Id;
      toRole: LeaderRole;
      /** The target's role assignments (others' may be among them): they must hold `toRole` in the request's grid. */
      toUserAssignments: readonly RoleAssignment[];
      note?: string;
    };

/** What transition() needs of the village policy: fixed on the request at submission, so a later policy edit does not move it. */
export type AutoCloseRule = Pick<ResolvedPolicy, 'autoCloseAfterDays'>;

/** Who may take an action: the resident who owns the request, those handling it, or the system. */
type ActorRule = 'owner' | 'handler' | 'system';

interface TransitionRule {
  from: readonly RequestState[];
  /** null: the state does not change. */
  to: RequestState | null;
  by: ActorRule;
  label: string;
}

/** The transition table, as data (the tests walk it). */
export const TRANSITIONS: Record<Exclude<RequestActionKind, 'submit'>, TransitionRule> = {
  respond: { from: ['submitted'], to: 'responded', by: 'handler', label: '已响应' },
  startProgress: { from: ['responded', 'reopened'], to: 'inProgress', by: 'handler', label: '正在处理' },
  resolve: { from: ['responded', 'inProgress', 'reopened'], to: 'resolved', by: 'handler', label: '已办结' },
  confirm: { from: ['resolved'], to: 'confirmed', by: 'owner', label: '居民已确认' },
  reopen: { from: ['resolved'], to: 'reopened', by: 'owner', label: '居民重新打开' },
  cancel: { from: ['submitted'], to: 'cancelled', by: 'owner', label: '居民已撤销' },
  autoClose: { from: ['resolved'], to: 'closed', by: 'system', label: '超时自动关闭' },
  escalate: { from: ['submitted'], to: null, by: 'system', label: '已升级' },
  handOver: { from: ['submitted', 'responded', 'inProgress', 'reopened'], to: null, by: 'handler', label: '已转交' },
  markSpam: { from: ['submitted', 'responded', 'inProgress', 'reopened'], to: 'spam', by: 'handler', label: '已标记为无效诉求' },
};

const SUBMIT_EVENT_LABEL = '已提交';
const NO_RESPONDER_LABEL = '网格暂无负责人，已转值班员';

const ACTION_NAMES: Record<RequestActionKind, string> = {
  submit: '提交',
  respond: '回复',
  startProgress: '开始处理',
  resolve: '办结',
  confirm: '确认',
  reopen: '重新打开',
  cancel: '撤销',
  autoClose: '自动关闭',
  escalate: '升级',
  handOver: '转交',
  markSpam: '标记为无效诉求',
};

function checkText(text: string, max: number, what: string): Result<string> {
  const trimmed = text.trim();
  if (!trimmed) return fail('INPUT.INVALID', `请填写${what}`);
  if (characterCount(trimmed) > max) return fail('INPUT.INVALID', `${what}最多 ${max} 字`);
  return ok(trimmed);
}

function checkOptionalText(text: string | undefined, max: number, what: string): Result<string | undefined> {
  if (text === undefined || !text.trim()) return ok(undefined);
  return checkText(text, max, what);
}

/**
 * At most REQUEST_PHOTO_MAX_COUNT photos, each in the folder of what it belongs to (`pathPrefix`: the
 * submission's or the resolved request's). getRequest hands out a URL for every photo a request names,
 * so naming any other file (someone's photo, a report, the register) must be refused here.
 */
function checkPhotos(photos: readonly string[] | undefined, pathPrefix: string): Result<string[]> {
  const list = photos ?? [];
  if (list.length > REQUEST_PHOTO_MAX_COUNT) return fail('INPUT.INVALID', `照片最多 ${REQUEST_PHOTO_MAX_COUNT} 张`);
  if (list.some((fileId) => !isStoredUnder(fileId, pathPrefix))) return fail('INPUT.INVALID', '照片没有上传成功，请删除后重新添加');
  return ok([...list]);
}

/** Every photo a request carries (the resident's, the resolution's, each event's), once each, in that order. */
export function requestPhotos(request: Pick<Request, 'photos' | 'resolution'> & { events?: readonly Pick<RequestEvent, 'photos'>[] }): string[] {
  return [...new Set([...request.photos, ...(request.resolution?.photos ?? []), ...(request.events ?? []).flatMap((e) => e.photos ?? [])])];
}

// ---------------------------------------------------------------------------------------------

/** What the resident supplies (and the handler derives from their membership) before the core decides the rest. */
export type RequestDraft = Pick<
  Request,
  'id' | 'streetId' | 'villageId' | 'gridId' | 'microGridId' | 'householdId' | 'residentId' | 'category' | 'text' | 'location' | 'idempotencyKey'
> &
  Partial<Pick<Request, 'photos' | 'urgent'>>;

export interface TransitionOutcome {
  request: Request;
  event: RequestEvent;
  /** The version the stored request must still have for this change to apply (0 for a new one). */
  expectedVersion: number;
}

/** Create a request: the response deadline and escalation plan are fixed now, from the village policy. */
export function submitRequest(draft: RequestDraft, routing: RoutingDecision, policy: ResolvedPolicy, now: EpochMs): Result<TransitionOutcome> {
  const text = checkText(draft.text, REQUEST_TEXT_MAX_LENGTH, '诉求内容');
  if (!text.ok) return text;
  const photos = checkPhotos(draft.photos, `${REQUEST_PHOTO_FOLDER}/${draft.idempotencyKey}-`);
  if (!photos.ok) return photos;
  const urgent = draft.urgent ?? false;
  const plan: EscalationStep[] = escalationPlan(now, policy, policy.calendar, urgent);
  const request: Request = {
    id: draft.id,
    streetId: draft.streetId,
    villageId: draft.villageId,
    gridId: draft.gridId,
    ...(draft.microGridId !== undefined ? { microGridId: draft.microGridId } : {}),
    ...(draft.householdId !== undefined ? { householdId: draft.householdId } : {}),
    residentId: draft.residentId,
    category: draft.category,
    text: text.value,
    photos: photos.value,
    ...(draft.location !== undefined ? { location: draft.location } : {}),
    urgent,
    idempotencyKey: draft.idempotencyKey,
    state: 'submitted',
    version: 1,
    submittedAt: now,
    routedTo: [...routing.responders],
    routingOutcome: routing.outcome,
    responders: [...routing.responders],
    responseDueAt: responseDeadline(now, policy, policy.calendar, urgent),
    escalationLevel: 0,
    escalationPlan: plan,
    nextEscalationAt: plan[0]?.dueAt ?? null,
    reopenCount: 0,
  };
  const event: RequestEvent = {
    requestId: request.id,
    kind: 'submit',
    fromState: null,
    toState: 'submitted',
    actorId: draft.residentId,
    at: now,
    label: routing.outcome === 'noResponderFallback' ? NO_RESPONDER_LABEL : SUBMIT_EVENT_LABEL,
    version: request.version,
    data: { routingOutcome: routing.outcome, responders: request.responders, responseDueAt: request.responseDueAt },
  };
  return ok({ request, event, expectedVersion: 0 });
}

/** When a resolved request closes itself; null when it is not resolved. The one place this instant is computed. */
export function autoCloseDueAt(request: Pick<Request, 'state' | 'resolvedAt'>, rule: AutoCloseRule): EpochMs | null {
  if (request.state !== 'resolved' || request.resolvedAt === undefined) return null;
  return request.resolvedAt + rule.autoCloseAfterDays * DAY_MS;
}

/** Whether the auto-close sweeper should close this request now. */
export function isAutoCloseDue(request: Pick<Request, 'state' | 'resolvedAt'>, now: EpochMs, rule: AutoCloseRule): boolean {
  const dueAt = autoCloseDueAt(request, rule);
  return dueAt !== null && now >= dueAt;
}

function actorAllowed(rule: ActorRule, request: Request, actor: Actor): boolean {
  if (rule === 'system') return actor.kind === 'system';
  if (actor.kind !== 'user') return false;
  if (rule === 'owner') return actor.userId === request.residentId;
  return request.responders.includes(actor.userId) || mayHandleRequestsAt(rolesOf(actor.assignments, actor.userId), request);
}

function illegal(request: Request, action: RequestActionKind): Result<never> {
  return fail('REQUEST.ILLEGAL_TRANSITION', `诉求${REQUEST_STATES[request.state].label}，不能${ACTION_NAMES[action]}`, { state: request.state, action });
}

/**
 * Apply one action to a request at `now`. Checks, in order: an escalation's guard still holds
 * (ESCALATION.STALE), the state allows the action (REQUEST.ILLEGAL_TRANSITION), the actor may take it
 * (AUTH.FORBIDDEN), then the action's own rules. `autoClose` is the request's auto-close rule.
 */
export function transition(request: Request, action: RequestAction, actor: Actor, now: EpochMs, autoClose: AutoCloseRule): Result<TransitionOutcome> {
  const rule = TRANSITIONS[action.kind];
  if (action.kind === 'escalate' && !guardHolds(request, action.guard)) {
    // A sweep that lost the race to another sweep or a reply: not a user error, a stale decision.
    return fail('ESCALATION.STALE', undefined, { guard: action.guard });
  }
  if (!rule.from.includes(request.state)) return illegal(request, action.kind);
  if (!actorAllowed(rule.by, request, actor)) return fail('AUTH.FORBIDDEN');
  const actorId = actor.kind === 'user' ? actor.userId : SYSTEM_ACTOR_ID;

  const next: Request = { ...request, version: request.version + 1 };
  if (rule.to) next.state = rule.to;
  let label = rule.label;
  let note: string | undefined;
  let photos: string[] | undefined;
  let data: Record<string, unknown> | undefined;

  switch (action.kind) {
    case 'respond': {
      const message = checkText(action.message, NOTE_MAX_LENGTH, '回复内容');
      if (!message.ok) return message;
      note = message.value;
      // The first real reply stops the clock and ends escalation.
      next.firstResponseAt = now;
      next.firstResponseBy = actorId;
      next.firstResponseMs = now - request.submittedAt;
      next.nextEscalationAt = null;
      data = { firstResponseMs: next.firstResponseMs, withinTarget: now <= request.responseDueAt };
      break;
    }
    case 'startProgress': {
      const checked = checkOptionalText(action.note, NOTE_MAX_LENGTH, '说明');
      if (!checked.ok) return checked;
      note = checked.value;
      break;
    }
    case 'resolve': {
      const checked = checkText(action.note, NOTE_MAX_LENGTH, '办结说明');
      if (!checked.ok) return checked;
      const checkedPhotos = checkPhotos(action.photos, `${RESOLUTION_PHOTO_FOLDER}/${request.id}-`);
      if (!checkedPhotos.ok) return checkedPhotos;
      note = checked.value;
      photos = checkedPhotos.value;
      next.resolvedAt = now;
      next.resolution = { note: checked.value, photos: checkedPhotos.value };
      break;
    }
    case 'confirm': {
      if (!Number.isInteger(action.rating) || action.rating < RATING_MIN || action.rating > RATING_MAX) {
        return fail('REQUEST.RATING_OUT_OF_RANGE');
      }
      const comment = checkOptionalText(action.comment, RATING_COMMENT_MAX_LENGTH, '评价');
      if (!comment.ok) return comment;
      next.confirmedAt = now;
      next.rating = action.rating;
      if (comment.value !== undefined) next.ratingComment = comment.value;
      note = comment.value;
      data = { rating: action.rating };
      break;
    }
    case 'reopen': {
      const reason = checkText(action.reason, NOTE_MAX_LENGTH, '重新打开的原因');
      if (!reason.ok) return reason;
      note = reason.value;
      next.reopenCount = request.reopenCount + 1;
      delete next.resolvedAt;
      break;
    }
    case 'cancel': {
      const reason = checkOptionalText(action.reason, NOTE_MAX_LENGTH, '撤销原因');
      if (!reason.ok) return reason;
      note = reason.value;
      next.cancelledAt = now;
      next.nextEscalationAt = null;
      break;
    }
    case 'markSpam': {
      const checked = checkOptionalText(action.note, NOTE_MAX_LENGTH, '说明');
      if (!checked.ok) return checked;
      note = checked.value;
      // Closed for good: no escalation, and it no longer counts as the resident's open request.
      next.closedAt = now;
      next.nextEscalationAt = null;
      break;
    }
    case 'autoClose': {
      const dueAt = autoCloseDueAt(request, autoClose);
      if (dueAt === null || now < dueAt) {
        return fail('REQUEST.ILLEGAL_TRANSITION', '还未到自动关闭时间', { dueAt });
      }
      next.closedAt = now;
      break;
    }
    case 'escalate': {
      if (now < action.dueAt) return fail('ESCALATION.NOT_DUE', undefined, { dueAt: action.dueAt });
      next.escalationLevel = action.toLevel;
      next.nextEscalationAt = action.nextEscalationAt;
      next.responders = [...new Set([...request.responders, ...action.recipients])];
      label = ESCALATION_EVENT_LABELS[action.audience];
      data = { level: action.toLevel, audience: action.audience, recipients: action.recipients };
      break;
    }
    case 'handOver': {
      if (!isLeaderRole(action.toRole)) return fail('INPUT.INVALID', '只能转交给本网格的三长');
      if (action.toUserId === actorId) return fail('INPUT.INVALID', '不能转交给自己');
      const checked = checkOptionalText(action.note, NOTE_MAX_LENGTH, '转交说明');
      if (!checked.ok) return checked;
      if (!gridRoleHolders(action.toUserAssignments, request.gridId, [action.toRole]).includes(action.toUserId)) {
        return fail('INPUT.INVALID', '转交对象不是本网格的这一角色');
      }
      note = checked.value;
      next.responders = [...request.responders.filter((id) => id !== actorId), action.toUserId];
      label = `已转交${ROLE_LABELS[action.toRole]}`;
      data = { toUserId: action.toUserId, toRole: action.toRole };
      break;
    }
  }

  const event: RequestEvent = {
    requestId: request.id,
    kind: action.kind,
    fromState: request.state,
    toState: next.state,
    actorId,
    at: now,
    label,
    version: next.version,
    ...(note !== undefined ? { note } : {}),
    ...(photos !== undefined && photos.length > 0 ? { photos } : {}),
    ...(data !== undefined ? { data } : {}),
  };
  return ok({ request: next, event, expectedVersion: request.version });
}
