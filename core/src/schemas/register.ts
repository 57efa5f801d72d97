// Input schemas and replies of the household register (一户一档): one household added or edited by
// the grid's staff (saveHousehold, read back by getHousehold), the import sheet's template
// (getHouseholdTemplate) and a grid's sheet imported from cloud storage (importHouseholds).

import type { FromSchema } from 'json-schema-to-ts';
import { CARE_NEEDS, type CareNeed, type HouseholdMember, type HouseholdSource, type Id } from '../model';
import { addressPartSchema, displayNameSchema, fileIdSchema, idSchema, phoneSchema } from './common';

/** People one register entry lists (a big family, with room). */
export const HOUSEHOLD_MEMBERS_MAX = 20;
/** 与户主关系 as written (本人, 配偶, 儿子, 孙女…). */
const RELATION_MAX_LENGTH = 10;

const memberSchema = {
  type: 'object',
  properties: { name: displayNameSchema, relation: { type: 'string', minLength: 1, maxLength: RELATION_MAX_LENGTH }, phone: phoneSchema },
  required: ['name'],
  additionalProperties: false,
} as const;

export const saveHouseholdSchema = {
  $id: 'saveHousehold',
  type: 'object',
  properties: {
    gridId: idSchema,
    /** The entry being edited; absent to add one (the address then finds an existing entry, if any). */
    householdId: idSchema,
    building: addressPartSchema,
    unit: addressPartSchema,
    room: addressPartSchema,
    careNeeds: { type: 'array', items: { type: 'string', enum: CARE_NEEDS }, uniqueItems: true, maxItems: CARE_NEEDS.length },
    noSmartphone: { type: 'boolean' },
    phone: phoneSchema,
    members: { type: 'array', items: memberSchema, maxItems: HOUSEHOLD_MEMBERS_MAX },
    partyContact: {
      type: 'object',
      properties: { name: displayNameSchema, phone: phoneSchema },
      required: ['name'],
      additionalProperties: false,
    },
  },
  required: ['gridId', 'building', 'room', 'careNeeds'],
  additionalProperties: false,
} as const;
export type SaveHouseholdInput = FromSchema<typeof saveHouseholdSchema>;

export const getHouseholdSchema = {
  $id: 'getHousehold',
  type: 'object',
  properties: { gridId: idSchema, householdId: idSchema },
  required: ['gridId', 'householdId'],
  additionalProperties: false,
} as const;
export type GetHouseholdInput = FromSchema<typeof getHouseholdSchema>;

export const getHouseholdTemplateSchema = {
  $id: 'getHouseholdTemplate',
  type: 'object',
  properties: {},
  additionalProperties: false,
} as const;
export type GetHouseholdTemplateInput = FromSchema<typeof getHouseholdTemplateSchema>;

export const importHouseholdsSchema = {
  $id: 'importHouseholds',
  type: 'object',
  properties: { gridId: idSchema, fileID: fileIdSchema },
  required: ['gridId', 'fileID'],
  additionalProperties: false,
} as const;
export type ImportHouseholdsInput = FromSchema<typeof importHouseholdsSchema>;

/** One household's register entry as the grid's staff see it. */
export interface HouseholdEntry {
  householdId: Id;
  gridId: Id;
  building?: string;
  unit?: string;
  room?: string;
  careNeeds: CareNeed[];
  noSmartphone: boolean;
  phone?: string;
  members: HouseholdMember[];
  partyContact?: { name: string; phone?: string };
  source: HouseholdSource;
}

/** What a register write did: a new entry, a changed one, or nothing to change. */
export type RegisterOutcome = 'added' | 'updated' | 'unchanged';

/** saveHousehold. */
export interface SavedHousehold {
  outcome: RegisterOutcome;
  household: HouseholdEntry;
}

/** getHouseholdTemplate: the template sheet in cloud storage. */
export interface HouseholdTemplate {
  fileID: string;
  /** What the page downloads: no client may read a function's upload (database/storage-rules.json). */
  tempFileURL?: string;
}

/** One row of the sheet that was not imported, by the sheet's own row number. */
export interface ImportRowError {
  row: number;
  message: string;
}

/** importHouseholds: how many rows made a new entry, changed one or matched one as it is; the rows refused. */
export interface HouseholdImport {
  added: number;
  updated: number;
  unchanged: number;
  errors: ImportRowError[];
}
