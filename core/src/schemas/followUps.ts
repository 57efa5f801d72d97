// Input schemas and replies of 回访 (follow-ups): the committee's list (listFollowUps) and the call it
// records (recordFollowUp).

import type { FromSchema } from 'json-schema-to-ts';
import { FOLLOW_UP_OUTCOMES, type FollowUp } from '../followUps';
import type { Id } from '../model';
import { NOTE_MAX_LENGTH } from '../policy';
import { idSchema } from './common';

/** `${requestId}:rating` or `${requestId}:${reopenCount}`. */
const followUpIdSchema = { type: 'string', minLength: 3, maxLength: 80, pattern: '^[0-9A-Za-z_-]+:[0-9A-Za-z]+$' } as const;

export const listFollowUpsSchema = {
  $id: 'listFollowUps',
  type: 'object',
  /** The committee's village; absent = the one village the caller's committee role names. */
  properties: { villageId: idSchema },
  additionalProperties: false,
} as const;
export type ListFollowUpsInput = FromSchema<typeof listFollowUpsSchema>;

export const recordFollowUpSchema = {
  $id: 'recordFollowUp',
  type: 'object',
  properties: {
    followUpId: followUpIdSchema,
    outcome: { type: 'string', enum: FOLLOW_UP_OUTCOMES },
    note: { type: 'string', maxLength: NOTE_MAX_LENGTH },
  },
  required: ['followUpId', 'outcome'],
  additionalProperties: false,
} as const;
export type RecordFollowUpInput = FromSchema<typeof recordFollowUpSchema>;

/**
 * One follow-up as the committee sees it: the request, the rating or reopen reason, the door to call on
 * (never who routing chose, nor who recorded it).
 */
export interface FollowUpView
  extends Pick<
    FollowUp,
    | 'id'
    | 'requestId'
    | 'gridId'
    | 'reason'
    | 'category'
    | 'text'
    | 'rating'
    | 'comment'
    | 'reopenReason'
    | 'createdAt'
    | 'state'
    | 'outcome'
    | 'note'
    | 'doneAt'
  > {
  gridName: string;
  building?: string;
  unit?: string;
  room?: string;
  /** The household's phone from the register, to call. */
  phone?: string;
}

export interface FollowUpList {
  villageId: Id;
  /** Open ones first (the oldest first: they have waited longest), then the latest done ones. */
  items: FollowUpView[];
  openCount: number;
}
