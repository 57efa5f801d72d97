// Input schemas and replies: setting up the organisation (villages, grids, micro-grids), routing and policy.

import type { FromSchema } from 'json-schema-to-ts';
import {
  ESCALATION_AUDIENCES,
  GRID_ROLES,
  VILLAGE_KINDS,
  type Grid,
  type MicroGrid,
  type RoutingAuditEntry,
  type RoutingRule,
  type Village,
  type VillagePolicy,
} from '../model';
import {
  MAX_AUTO_CLOSE_AFTER_DAYS,
  MAX_DUE_SOON_BEFORE_MS,
  MAX_DUTY_SHIFT_DATES,
  MAX_DUTY_SHIFTS,
  MAX_ESCALATION_LEVEL,
  MAX_RESOLUTION_TARGET_MS,
  MAX_RESPONSE_TARGET_MS,
  MAX_SMS_DAILY_BUDGET,
  MIN_DUE_SOON_BEFORE_MS,
  MIN_RESOLUTION_TARGET_MS,
  MIN_RESPONSE_TARGET_MS,
  MINUTE_MS,
  MAX_QUICK_REPLIES,
  QUICK_REPLY_MAX_LENGTH,
} from '../policy';
import { addressPartSchema, categorySchema, chinaDateSchema, idSchema, nameSchema, NOT_BLANK_PATTERN, TIME_OF_DAY_SCHEMA_PATTERN } from './common';

/** Response targets are set in whole minutes: 1 minute to 24 hours. */
const RESPONSE_TARGET_MINUTES_MIN = MIN_RESPONSE_TARGET_MS / MINUTE_MS;
const RESPONSE_TARGET_MINUTES_MAX = MAX_RESPONSE_TARGET_MS / MINUTE_MS;
const ESCALATION_OFFSET_MINUTES_MAX = 24 * 60;
const INTERVALS_PER_DAY_MAX = 4;
const HOLIDAYS_MAX = 366;
const ROUTING_USERS_MAX = 10;
const REASON_MAX_LENGTH = 200;
/** A micro-grid covers a few buildings (楼栋) or lanes of its grid. */
const MICRO_GRID_BUILDINGS_MAX = 50;
const WEEKDAY_MAX = 6;
const DAYS_PER_WEEK = 7;

export const createVillageSchema = {
  $id: 'createVillage',
  type: 'object',
  properties: { streetId: idSchema, name: nameSchema, kind: { type: 'string', enum: VILLAGE_KINDS } },
  required: ['streetId', 'name', 'kind'],
  additionalProperties: false,
} as const;
export type CreateVillageInput = FromSchema<typeof createVillageSchema>;

export const createGridSchema = {
  $id: 'createGrid',
  type: 'object',
  properties: { villageId: idSchema, name: nameSchema },
  required: ['villageId', 'name'],
  additionalProperties: false,
} as const;
export type CreateGridInput = FromSchema<typeof createGridSchema>;

/** The grids of one village, for the committee's pickers (publish to grids, invite, routing). */
export const listVillageGridsSchema = {
  $id: 'listVillageGrids',
  type: 'object',
  properties: { villageId: idSchema },
  required: ['villageId'],
  additionalProperties: false,
} as const;
export type ListVillageGridsInput = FromSchema<typeof listVillageGridsSchema>;

export const createMicroGridSchema = {
  $id: 'createMicroGrid',
  type: 'object',
  properties: {
    gridId: idSchema,
    name: nameSchema,
    leaderUserId: idSchema,
    /** The buildings (as households give them) it covers: their requests also go to its leader. */
    buildings: {
      type: 'array',
      items: addressPartSchema,
      uniqueItems: true,
      maxItems: MICRO_GRID_BUILDINGS_MAX,
    },
  },
  required: ['gridId', 'name'],
  additionalProperties: false,
} as const;
export type CreateMicroGridInput = FromSchema<typeof createMicroGridSchema>;

/** Set who answers (grid, category). Empty roles and userIds remove the rule (back to the default). */
export const updateRoutingRuleSchema = {
  $id: 'updateRoutingRule',
  type: 'object',
  properties: {
    gridId: idSchema,
    category: { anyOf: [categorySchema, { type: 'string', const: '*' }] },
    roles: { type: 'array', items: { type: 'string', enum: GRID_ROLES }, uniqueItems: true, maxItems: GRID_ROLES.length },
    userIds: { type: 'array', items: idSchema, uniqueItems: true, maxItems: ROUTING_USERS_MAX },
    /** Required, but checked by the core (changeRoutingRule) so a missing or blank reason answers ROUTING.REASON_REQUIRED. */
    reason: { type: 'string', maxLength: REASON_MAX_LENGTH },
  },
  required: ['gridId', 'category', 'roles', 'userIds'],
  additionalProperties: false,
} as const;
export type UpdateRoutingRuleInput = FromSchema<typeof updateRoutingRuleSchema>;

const serviceIntervalSchema = {
  type: 'object',
  properties: {
    start: { type: 'string', pattern: TIME_OF_DAY_SCHEMA_PATTERN },
    end: { type: 'string', pattern: TIME_OF_DAY_SCHEMA_PATTERN },
  },
  required: ['start', 'end'],
  additionalProperties: false,
} as const;

const intervalsSchema = { type: 'array', items: serviceIntervalSchema, maxItems: INTERVALS_PER_DAY_MAX } as const;

/** One duty officer's turn (DutyShift): weekdays and/or dates, 'HH:mm' China time; end ≤ start runs past midnight. */
const dutyShiftSchema = {
  type: 'object',
  properties: {
    officerId: idSchema,
    weekdays: { type: 'array', items: { type: 'integer', minimum: 0, maximum: WEEKDAY_MAX }, uniqueItems: true, maxItems: DAYS_PER_WEEK },
    dates: { type: 'array', items: chinaDateSchema, uniqueItems: true, maxItems: MAX_DUTY_SHIFT_DATES },
    start: { type: 'string', pattern: TIME_OF_DAY_SCHEMA_PATTERN },
    end: { type: 'string', pattern: TIME_OF_DAY_SCHEMA_PATTERN },
  },
  required: ['officerId', 'start', 'end'],
  additionalProperties: false,
} as const;

/** One category's resolution target in ms: 1 hour to 30 days. */
const resolutionTargetSchema = { type: 'integer', minimum: MIN_RESOLUTION_TARGET_MS, maximum: MAX_RESOLUTION_TARGET_MS } as const;

/**
 * Response targets, escalation offsets, auto-close, service calendar and emergency mode of one village;
 * urgent cover (all 三长), the duty rota (its officers must be the village's duty officers), the
 * due-soon lead (below the response target) and the SMS budget.
 */
export const setVillagePolicySchema = {
  $id: 'setVillagePolicy',
  type: 'object',
  properties: {
    villageId: idSchema,
    responseTargetMinutes: { type: 'integer', minimum: RESPONSE_TARGET_MINUTES_MIN, maximum: RESPONSE_TARGET_MINUTES_MAX },
    urgentResponseTargetMinutes: { type: 'integer', minimum: RESPONSE_TARGET_MINUTES_MIN, maximum: RESPONSE_TARGET_MINUTES_MAX },
    urgentAroundTheClock: { type: 'boolean' },
    escalationSteps: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          level: { type: 'integer', minimum: 1, maximum: MAX_ESCALATION_LEVEL },
          audience: { type: 'string', enum: ESCALATION_AUDIENCES },
          afterTargetMinutes: { type: 'integer', minimum: 0, maximum: ESCALATION_OFFSET_MINUTES_MAX },
        },
        required: ['level', 'audience', 'afterTargetMinutes'],
        additionalProperties: false,
      },
      minItems: 1,
      maxItems: MAX_ESCALATION_LEVEL,
    },
    autoCloseAfterDays: { type: 'integer', minimum: 1, maximum: MAX_AUTO_CLOSE_AFTER_DAYS },
    calendar: {
      type: 'object',
      properties: {
        weeklyHours: {
          type: 'array',
          items: {
            type: 'object',
            properties: { weekday: { type: 'integer', minimum: 0, maximum: WEEKDAY_MAX }, intervals: intervalsSchema },
            required: ['weekday', 'intervals'],
            additionalProperties: false,
          },
          maxItems: DAYS_PER_WEEK,
        },
        holidays: { type: 'array', items: chinaDateSchema, uniqueItems: true, maxItems: HOLIDAYS_MAX },
        specialHours: {
          type: 'array',
          items: {
            type: 'object',
            properties: { date: chinaDateSchema, intervals: intervalsSchema },
            required: ['date', 'intervals'],
            additionalProperties: false,
          },
          maxItems: HOLIDAYS_MAX,
        },
        emergencyMode: { type: 'boolean' },
      },
      additionalProperties: false,
    },
    urgentToAllLeaders: { type: 'boolean' },
    /** The whole rota (replaces the stored one); [] removes it. */
    dutyRota: { type: 'array', items: dutyShiftSchema, maxItems: MAX_DUTY_SHIFTS },
    dueSoonBeforeMs: { type: 'integer', minimum: MIN_DUE_SOON_BEFORE_MS, maximum: MAX_DUE_SOON_BEFORE_MS },
    sms: {
      type: 'object',
      properties: {
        enabled: { type: 'boolean' },
        dailyBudget: { type: 'integer', minimum: 0, maximum: MAX_SMS_DAILY_BUDGET },
      },
      additionalProperties: false,
    },
    /** Per-category resolution targets (办结时限); categories left out keep their current target. */
    resolutionTargetsMs: {
      type: 'object',
      properties: {
        supplies: resolutionTargetSchema,
        medicine: resolutionTargetSchema,
        elderlyCare: resolutionTargetSchema,
        sanitation: resolutionTargetSchema,
        repairs: resolutionTargetSchema,
        dispute: resolutionTargetSchema,
        healthReport: resolutionTargetSchema,
        consultation: resolutionTargetSchema,
        other: resolutionTargetSchema,
      },
      additionalProperties: false,
    },
    /** 常用回复: the whole list in order (replaces the stored one); an empty list leaves staff with none. */
    quickReplies: {
      type: 'array',
      items: { type: 'string', minLength: 1, maxLength: QUICK_REPLY_MAX_LENGTH, pattern: NOT_BLANK_PATTERN },
      maxItems: MAX_QUICK_REPLIES,
      uniqueItems: true,
    },
  },
  required: ['villageId'],
  additionalProperties: false,
} as const;
export type SetVillagePolicyInput = FromSchema<typeof setVillagePolicySchema>;

/** Retire the current join-token signing key and make a new one (street admin). No fields: the key never leaves the server. */
export const rotateJoinKeysSchema = {
  $id: 'rotateJoinKeys',
  type: 'object',
  properties: {},
  additionalProperties: false,
} as const;
export type RotateJoinKeysInput = FromSchema<typeof rotateJoinKeysSchema>;

export interface RoutingRuleChangeResult {
  rule: RoutingRule | null;
  audit: RoutingAuditEntry & { id: string };
}

export interface VillageGrids {
  village: Village;
  grids: Grid[];
}

/** `created` is false when a retry found the first attempt's document. */
export interface VillageCreated {
  village: Village;
  created: boolean;
}

export interface GridCreated {
  grid: Grid;
  created: boolean;
}

export interface MicroGridCreated {
  microGrid: MicroGrid;
  created: boolean;
}

export interface VillagePolicySet {
  policy: VillagePolicy;
}
