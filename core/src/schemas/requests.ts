// Input schemas and replies: residents' requests (诉求) and the leaders' work on them.

import type { FromSchema } from 'json-schema-to-ts';
import type { SendOutcome } from '../delivery';
import type { SmsOutcome } from '../channels';
import type { EffectState } from '../effects';
import { THREE_LEADER_ROLES, type CareNeed, type EpochMs, type Id, type Request, type RequestEvent, type RequestState } from '../model';
import { NOTE_MAX_LENGTH, RATING_COMMENT_MAX_LENGTH, RATING_MAX, RATING_MIN, REQUEST_TEXT_MAX_LENGTH } from '../policy';
import { categorySchema, idempotencyKeySchema, idSchema, locationSchema, NOT_BLANK_PATTERN, pageProperties, photosSchema, requestStateSchema } from './common';

/** Template ids per wx.requestSubscribeMessage call (WeChat allows at most 3). */
const SUBSCRIBE_TEMPLATES_PER_CALL_MAX = 3;
const TEMPLATE_ID_MAX_LENGTH = 64;

const noteSchema = { type: 'string', minLength: 1, maxLength: NOTE_MAX_LENGTH, pattern: NOT_BLANK_PATTERN } as const;
/** The version the client last saw: the handler refuses the change if the request moved on. */
const expectedVersionSchema = { type: 'integer', minimum: 1 } as const;

export const submitRequestSchema = {
  $id: 'submitRequest',
  type: 'object',
  properties: {
    /** Needed only when the resident belongs to more than one grid. */
    gridId: idSchema,
    category: categorySchema,
    text: { type: 'string', minLength: 1, maxLength: REQUEST_TEXT_MAX_LENGTH, pattern: NOT_BLANK_PATTERN },
    photos: photosSchema,
    location: locationSchema,
    urgent: { type: 'boolean' },
    /** Made by the client once per draft, so a retried submission is stored once. */
    idempotencyKey: idempotencyKeySchema,
    /** 代办: grid staff submitting for a registered household of a grid they serve (the grid is the household's). */
    onBehalfOf: {
      type: 'object',
      properties: { householdId: idSchema },
      required: ['householdId'],
      additionalProperties: false,
    },
  },
  required: ['category', 'text', 'idempotencyKey'],
  additionalProperties: false,
} as const;
export type SubmitRequestInput = FromSchema<typeof submitRequestSchema>;

export const getRequestSchema = {
  $id: 'getRequest',
  type: 'object',
  properties: { requestId: idSchema },
  required: ['requestId'],
  additionalProperties: false,
} as const;
export type GetRequestInput = FromSchema<typeof getRequestSchema>;

const statesFilter = { type: 'array', items: requestStateSchema, uniqueItems: true, minItems: 1 } as const;

export const listMyRequestsSchema = {
  $id: 'listMyRequests',
  type: 'object',
  properties: { states: statesFilter, ...pageProperties },
  additionalProperties: false,
} as const;
export type ListMyRequestsInput = FromSchema<typeof listMyRequestsSchema>;

/** A leader's inbox: requests assigned to me, or all of a grid / village I am staff for. */
const INBOX_VIEWS = ['mine', 'grid', 'village'] as const;

export const listInboxSchema = {
  $id: 'listInbox',
  type: 'object',
  properties: {
    view: { type: 'string', enum: INBOX_VIEWS },
    gridId: idSchema,
    villageId: idSchema,
    states: statesFilter,
    ...pageProperties,
  },
  required: ['view'],
  additionalProperties: false,
} as const;
export type ListInboxInput = FromSchema<typeof listInboxSchema>;

export const respondRequestSchema = {
  $id: 'respondRequest',
  type: 'object',
  properties: { requestId: idSchema, message: noteSchema, expectedVersion: expectedVersionSchema },
  required: ['requestId', 'message'],
  additionalProperties: false,
} as const;
export type RespondRequestInput = FromSchema<typeof respondRequestSchema>;

export const updateRequestStatusSchema = {
  $id: 'updateRequestStatus',
  type: 'object',
  oneOf: [
    {
      type: 'object',
      properties: {
        requestId: idSchema,
        action: { const: 'startProgress' },
        note: noteSchema,
        expectedVersion: expectedVersionSchema,
      },
      required: ['requestId', 'action'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: {
        requestId: idSchema,
        action: { const: 'resolve' },
        note: noteSchema,
        photos: photosSchema,
        expectedVersion: expectedVersionSchema,
      },
      required: ['requestId', 'action', 'note'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: {
        requestId: idSchema,
        action: { const: 'handOver' },
        toUserId: idSchema,
        toRole: { type: 'string', enum: THREE_LEADER_ROLES },
        note: noteSchema,
        expectedVersion: expectedVersionSchema,
      },
      required: ['requestId', 'action', 'toUserId', 'toRole'],
      additionalProperties: false,
    },
    {
      // 无效诉求: staff close a request that is not a real one (spam, a prank); nobody is told.
      type: 'object',
      properties: {
        requestId: idSchema,
        action: { const: 'markSpam' },
        note: noteSchema,
        expectedVersion: expectedVersionSchema,
      },
      required: ['requestId', 'action'],
      additionalProperties: false,
    },
  ],
} as const;
export type UpdateRequestStatusInput = FromSchema<typeof updateRequestStatusSchema>;

export const confirmRequestSchema = {
  $id: 'confirmRequest',
  type: 'object',
  properties: {
    requestId: idSchema,
    rating: { type: 'integer', minimum: RATING_MIN, maximum: RATING_MAX },
    comment: { type: 'string', maxLength: RATING_COMMENT_MAX_LENGTH },
  },
  required: ['requestId', 'rating'],
  additionalProperties: false,
} as const;
export type ConfirmRequestInput = FromSchema<typeof confirmRequestSchema>;

export const reopenRequestSchema = {
  $id: 'reopenRequest',
  type: 'object',
  properties: { requestId: idSchema, reason: noteSchema },
  required: ['requestId', 'reason'],
  additionalProperties: false,
} as const;
export type ReopenRequestInput = FromSchema<typeof reopenRequestSchema>;

export const cancelRequestSchema = {
  $id: 'cancelRequest',
  type: 'object',
  properties: { requestId: idSchema, reason: { type: 'string', maxLength: NOTE_MAX_LENGTH } },
  required: ['requestId'],
  additionalProperties: false,
} as const;
export type CancelRequestInput = FromSchema<typeof cancelRequestSchema>;

/**
 * The template ids the user accepted in one wx.requestSubscribeMessage call (one send each).
 * `grantId` is made by the client once per answer, so a retried call counts the grant once.
 */
export const recordSubscriptionSchema = {
  $id: 'recordSubscription',
  type: 'object',
  properties: {
    grantId: idempotencyKeySchema,
    acceptedTemplateIds: {
      type: 'array',
      items: { type: 'string', minLength: 1, maxLength: TEMPLATE_ID_MAX_LENGTH, pattern: '^[0-9A-Za-z_-]+$' },
      minItems: 1,
      maxItems: SUBSCRIBE_TEMPLATES_PER_CALL_MAX,
      uniqueItems: true,
    },
  },
  required: ['acceptedTemplateIds', 'grantId'],
  additionalProperties: false,
} as const;
export type RecordSubscriptionInput = FromSchema<typeof recordSubscriptionSchema>;

// ---------------------------------------------------------------------------------------------
// Replies

/** A request in a list: the request and when it closes itself (null unless resolved). */
export interface RequestSummary extends Request {
  autoCloseAt: EpochMs | null;
}

/** One request as getRequest and every action on it answer: the summary with its event log. */
export interface RequestView extends RequestSummary {
  events: RequestEvent[];
  /** For a resident: who handles the request, by role and name (their ids are the staff's; residentView.ts). */
  handledBy?: string[];
  /**
   * What the request still owes, or failed to do, after its changes (messages, inbox items): shown
   * by getRequest to the staff who may handle it, never to the resident.
   */
  openEffects?: RequestEffectView[];
}

/** One of the household's other requests, as getRequest lists them for staff (newest first). */
export interface EarlierRequest {
  id: Id;
  category: Request['category'];
  state: RequestState;
  submittedAt: EpochMs;
}

/**
 * Who asked and where, for the staff of the request's grid only (care needs are not the resident's
 * to be shown back, nor anyone else's). The address is empty when the resident named no household.
 */
export interface RequestHouseholdView {
  address: { building?: string; unit?: string; room?: string };
  careNeeds: CareNeed[];
  /** True when nobody in the household uses a smartphone: reach them in person. */
  noSmartphone?: boolean;
  /** A number to call the household on: the register's phone (一户一档), else the first member's who has one. */
  residentPhone?: string;
  /** The resident's claim on this household is still pending (待核实, core/src/claims.ts): grid staff may confirm it. */
  claimPending?: true;
  earlier: EarlierRequest[];
}

/** getRequest: the request, and for the staff of its grid who asked and where, and the village's quick replies. */
export interface GetRequestOutput extends RequestView {
  household?: RequestHouseholdView;
  /** 常用回复 of the request's village, in its order (staff only). */
  quickReplies?: string[];
  /** 代办: the caller sees it as another member of the household; only the named resident confirms, rates or reopens it. */
  householdMemberView?: true;
  /**
   * Temporary URLs of the request's photos (its own, the resolution's, the events'), by fileID: the
   * storage rule lets only a file's uploader read it directly (database/storage-rules.json). A photo
   * storage no longer holds is absent; no photos, no field.
   */
  photoUrls?: Record<string, string>;
}

/** One pending or failed effect of a request, as staff see it. */
export interface RequestEffectView {
  id: string;
  kind: string;
  state: Exclude<EffectState, 'done'>;
  tries: number;
  nextAttemptAt: EpochMs;
  /** Whom it is for (a message's or an inbox item's recipient). */
  recipient?: Id;
  lastError?: string;
  outcome?: string;
}

export interface Page<T> {
  items: T[];
  /** Pass back to get the next page; null on the last page. */
  nextCursor: string | null;
}

export interface SubmitRequestOutput {
  request: RequestView;
  /** True when this call was a retry of a request already stored (same idempotency key). */
  duplicate: boolean;
}

/** Why someone has an inbox item for a request. */
export type InboxReason = 'routed' | 'fallback' | 'escalation' | 'handOver' | 'resolutionDue';

/**
 * One responder's inbox item. The mini-program also watches these documents live, so the reply is
 * the stored document itself, `_id` included; kept small for that reason.
 */
export interface InboxItem {
  _id: string;
  userId: Id;
  requestId: Id;
  gridId: Id;
  villageId: Id;
  state: RequestState;
  /** isOpen(state), stored so the inbox can sort open items first through an index. */
  open: boolean;
  category: Request['category'];
  urgent: boolean;
  excerpt: string;
  responseDueAt: EpochMs;
  createdAt: EpochMs;
  reason: InboxReason;
  escalationLevel: number;
  /** How the subscribe message to this responder went (committees see missing authorisations). */
  notified: SendOutcome | 'notAttempted';
  /** How the SMS to this responder went, when one was owed (consent ran out, or an escalation to the duty officers or the street). */
  sms?: SmsOutcome;
  /** Why the SMS failed, when it did. */
  smsError?: string;
}

/** listInbox: my own items, or a grid's / village's requests for its staff. */
export type InboxPage = { view: 'mine'; page: Page<InboxItem> } | { view: 'grid' | 'village'; page: Page<RequestSummary> };

export interface RecordSubscriptionOutput {
  recorded: string[];
  /** True when this grant had been recorded already (a retry): nothing was added. */
  duplicate: boolean;
}

/** What one run of the sweeper (a timer) did. */
export interface SweepReport {
  escalated: number;
  autoClosed: number;
  /** Decisions another sweep or a reply overtook: nothing was written for them. */
  skippedStale: number;
  /** Requests whose owed effects (messages, inbox items) this sweep performed or rescheduled. */
  effectsDispatched: number;
  /** Requests whose handling failed (logged); still due, so the next sweep tries them again. */
  failed: number;
}
