// Input schemas and replies: notices (通知) and their reach.

import type { FromSchema } from 'json-schema-to-ts';
import type { DeliveryFigures, UndeliveredState } from '../delivery';
import { REACH_CHANNELS, type CareNeed, type EpochMs, type Id, type Notice, type ReachMark } from '../model';
import type { NoticeReach } from '../reach';
import { fileIdSchema, idempotencyKeySchema, idSchema, NOT_BLANK_PATTERN, pageProperties } from './common';
import { groupCloudIdSchema } from './membership';

const NOTICE_TITLE_MAX_LENGTH = 60;
const NOTICE_BODY_MAX_LENGTH = 5000;
const NOTICE_ATTACHMENTS_MAX = 9;
const NOTICE_GRIDS_MAX = 200;
const REACH_NOTE_MAX_LENGTH = 200;

export const publishNoticeSchema = {
  $id: 'publishNotice',
  type: 'object',
  properties: {
    title: { type: 'string', minLength: 1, maxLength: NOTICE_TITLE_MAX_LENGTH, pattern: NOT_BLANK_PATTERN },
    body: { type: 'string', minLength: 1, maxLength: NOTICE_BODY_MAX_LENGTH, pattern: NOT_BLANK_PATTERN },
    attachments: { type: 'array', items: fileIdSchema, maxItems: NOTICE_ATTACHMENTS_MAX, uniqueItems: true },
    scope: {
      type: 'object',
      oneOf: [
        {
          type: 'object',
          properties: { kind: { const: 'street' } },
          required: ['kind'],
          additionalProperties: false,
        },
        {
          type: 'object',
          properties: { kind: { const: 'village' }, villageId: idSchema },
          required: ['kind', 'villageId'],
          additionalProperties: false,
        },
        {
          type: 'object',
          properties: {
            kind: { const: 'grids' },
            villageId: idSchema,
            gridIds: { type: 'array', items: idSchema, minItems: 1, maxItems: NOTICE_GRIDS_MAX, uniqueItems: true },
          },
          required: ['kind', 'villageId', 'gridIds'],
          additionalProperties: false,
        },
      ],
    },
    urgent: { type: 'boolean' },
    idempotencyKey: idempotencyKeySchema,
  },
  required: ['title', 'body', 'scope'],
  additionalProperties: false,
} as const;
export type PublishNoticeInput = FromSchema<typeof publishNoticeSchema>;

export const listNoticesSchema = {
  $id: 'listNotices',
  type: 'object',
  properties: {
    gridId: idSchema,
    villageId: idSchema,
    /** The committee's list: each notice's reach share in the village (committee of the village or a street admin, village audience only). */
    withReach: { type: 'boolean' },
    ...pageProperties,
  },
  additionalProperties: false,
} as const;
export type ListNoticesInput = FromSchema<typeof listNoticesSchema>;

export const markNoticeReadSchema = {
  $id: 'markNoticeRead',
  type: 'object',
  properties: {
    noticeId: idSchema,
    /** The group's cloudID (wx.getGroupEnterInfo) when the notice was opened from a card in a WeChat group. */
    groupCloudId: groupCloudIdSchema,
  },
  required: ['noticeId'],
  additionalProperties: false,
} as const;
export type MarkNoticeReadInput = FromSchema<typeof markNoticeReadSchema>;

export const markHouseholdReachedSchema = {
  $id: 'markHouseholdReached',
  type: 'object',
  properties: {
    noticeId: idSchema,
    householdId: idSchema,
    channel: { type: 'string', enum: REACH_CHANNELS },
    note: { type: 'string', maxLength: REACH_NOTE_MAX_LENGTH },
  },
  required: ['noticeId', 'householdId', 'channel'],
  additionalProperties: false,
} as const;
export type MarkHouseholdReachedInput = FromSchema<typeof markHouseholdReachedSchema>;

export const getNoticeReachSchema = {
  $id: 'getNoticeReach',
  type: 'object',
  properties: { noticeId: idSchema, gridId: idSchema },
  required: ['noticeId'],
  additionalProperties: false,
} as const;
export type GetNoticeReachInput = FromSchema<typeof getNoticeReachSchema>;

export interface PublishResult {
  notice: Notice;
  /** True when this call repeated an earlier one (same idempotencyKey): nothing new was stored. */
  duplicate: boolean;
}

/** Households a notice reached (read by a member, or told by a leader) out of every household it covers. */
export interface ReachShare {
  reached: number;
  total: number;
}

interface NoticeListItem extends Notice {
  /** The caller has opened it (markNoticeRead). */
  read: boolean;
  /** With `withReach`: the notice's reach in the village; null when too large to count in a list (open the notice). */
  reach?: ReachShare | null;
}

export interface NoticePage {
  notices: NoticeListItem[];
  /** Pass back to get the next (older) page; null at the end. */
  nextCursor: string | null;
}

export interface ReadResult {
  noticeId: Id;
  /** False when the caller had already read it (nothing written). */
  firstRead: boolean;
  /** 'group' when this read came from the grid's bound WeChat group (the first read's channel on a repeat is not re-read). */
  channel?: 'group';
}

export type ReachedResult = Pick<ReachMark, 'noticeId' | 'householdId' | 'channel' | 'markedBy' | 'markedAt'> & {
  /** False when the household was already marked (the first mark is kept). */
  firstMark: boolean;
};

interface UnreachedHousehold {
  householdId: Id;
  building?: string;
  unit?: string;
  room?: string;
  noSmartphone?: boolean;
  /** Only for the grid's staff, the committee and street admins. */
  careNeeds?: CareNeed[];
  /** The register's phone (一户一档), when it has one; shown to the same people as care needs. */
  phone?: string;
  /** 待核实: only a pending member claimed this household, so their read does not count; someone must still go to the door. */
  claimPending?: true;
}

/** A resident whose subscribe message is still owed (pending: being retried) or was given up (failed, with why). */
interface UndeliveredResident extends Omit<UnreachedHousehold, 'householdId' | 'noSmartphone' | 'careNeeds' | 'phone'> {
  householdId?: Id;
  state: UndeliveredState;
  tries: number;
  lastError?: string;
}

/** A grid's counts as computeNoticeReach gives them, with its name and the unreached households' doors. */
export type GridReachRow = Omit<NoticeReach['grids'][number], 'unreached'> & {
  gridName: string;
  unreached: UnreachedHousehold[];
  /** The grid's subscribe message figures, counted from its residents' deliveries. */
  deliveries?: DeliveryFigures;
  /** Residents whose message is pending or failed (only the grid's staff, the committee and street admins see reach). */
  undelivered?: UndeliveredResident[];
};

export interface NoticeReachView {
  noticeId: Id;
  /** The notice's title and when it went out, so a reach page opened by id can say which notice it is. */
  title: string;
  publishedAt: EpochMs;
  grids: GridReachRow[];
  totals: NoticeReach['totals'];
  /** The subscribe message figures of the grids shown, summed. */
  deliveries?: DeliveryFigures;
}
