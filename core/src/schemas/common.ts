// Building blocks shared by the input schemas. Plain `as const` objects, spread into each schema
// (no $ref), so json-schema-to-ts can derive the types and ajv standalone needs no schema registry.

import { REQUEST_CATEGORIES, REQUEST_STATE_NAMES } from '../model';
import { REQUEST_PHOTO_MAX_COUNT } from '../policy';

/** Longest id we accept (CloudBase _id values are 32 characters; room for others). */
const ID_MAX_LENGTH = 64;
const FILE_ID_MAX_LENGTH = 512;
export const PAGE_SIZE_MAX = 50;
/** A list's page when the caller names no limit. */
export const PAGE_SIZE_DEFAULT = 20;
const CURSOR_MAX_LENGTH = 256;
const NAME_MAX_LENGTH = 40;
const IDEMPOTENCY_KEY_PATTERN = '^[0-9A-Za-z_-]{8,64}$';
/** Not blank: at least one visible character. */
export const NOT_BLANK_PATTERN = '\\S';
const CHINA_DATE_SCHEMA_PATTERN = '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$';
export const TIME_OF_DAY_SCHEMA_PATTERN = '^(([01]\\d|2[0-3]):[0-5]\\d|24:00)$';
const SCENE_SCHEMA_PATTERN = "^[0-9A-Za-z!#$&'()*+,/:;=?@\\-._~]{1,32}$";

export const idSchema = { type: 'string', minLength: 1, maxLength: ID_MAX_LENGTH, pattern: '^[0-9A-Za-z_-]+$' } as const;

/** A cloud storage fileID returned by wx.cloud.uploadFile. */
export const fileIdSchema = { type: 'string', maxLength: FILE_ID_MAX_LENGTH, pattern: '^cloud://\\S+$' } as const;

export const photosSchema = { type: 'array', items: fileIdSchema, maxItems: REQUEST_PHOTO_MAX_COUNT, uniqueItems: true } as const;

export const categorySchema = { type: 'string', enum: REQUEST_CATEGORIES } as const;

export const requestStateSchema = { type: 'string', enum: REQUEST_STATE_NAMES } as const;

export const nameSchema = { type: 'string', minLength: 1, maxLength: NAME_MAX_LENGTH, pattern: NOT_BLANK_PATTERN } as const;

/** A person's name as others will read it (张建国): 1–20 characters, no spaces at either end, one line. */
const DISPLAY_NAME_MAX_LENGTH = 20;
const DISPLAY_NAME_PATTERN = '^\\S(?:.*\\S)?$';
export const displayNameSchema = { type: 'string', minLength: 1, maxLength: DISPLAY_NAME_MAX_LENGTH, pattern: DISPLAY_NAME_PATTERN } as const;

/**
 * A number residents can call: a mainland mobile (13812345678) or a landline with its area code
 * (021-58881234, 05123456789). Digits only apart from the one dash, so wx.makePhoneCall can dial it.
 */
const PHONE_PATTERN = '^(?:1[3-9]\\d{9}|0\\d{2,3}-?\\d{7,8})$';
export const phoneSchema = { type: 'string', pattern: PHONE_PATTERN } as const;

export const chinaDateSchema = { type: 'string', pattern: CHINA_DATE_SCHEMA_PATTERN } as const;

export const sceneSchema = { type: 'string', pattern: SCENE_SCHEMA_PATTERN } as const;

export const locationSchema = {
  type: 'object',
  properties: {
    latitude: { type: 'number', minimum: -90, maximum: 90 },
    longitude: { type: 'number', minimum: -180, maximum: 180 },
    name: { type: 'string', maxLength: 100 },
  },
  required: ['latitude', 'longitude'],
  additionalProperties: false,
} as const;

export const idempotencyKeySchema = { type: 'string', pattern: IDEMPOTENCY_KEY_PATTERN } as const;

/** Cursor pagination for list functions. */
export const pageProperties = {
  limit: { type: 'integer', minimum: 1, maximum: PAGE_SIZE_MAX },
  cursor: { type: 'string', minLength: 1, maxLength: CURSOR_MAX_LENGTH },
} as const;

/** One part of an address as residents write it (building, unit, room). */
const ADDRESS_PART_MAX_LENGTH = 20;
export const addressPartSchema = { type: 'string', minLength: 1, maxLength: ADDRESS_PART_MAX_LENGTH } as const;
