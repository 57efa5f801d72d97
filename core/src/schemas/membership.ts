// Input schemas: joining a grid by QR code, grid QR codes and WeChat groups, invitations.

import type { FromSchema } from 'json-schema-to-ts';
import { CARE_NEEDS, INVITABLE_ROLES } from '../model';
import { addressPartSchema, displayNameSchema, idSchema, phoneSchema, sceneSchema } from './common';

const JOIN_CODE_VALID_DAYS_MAX = 366;
const INVITATION_VALID_DAYS_MAX = 30;

export const joinGridSchema = {
  $id: 'joinGrid',
  type: 'object',
  properties: {
    scene: sceneSchema,
    /** Collected once (一次采集): where the resident lives and who needs care. */
    household: {
      type: 'object',
      properties: {
        building: addressPartSchema,
        unit: addressPartSchema,
        room: addressPartSchema,
        careNeeds: { type: 'array', items: { type: 'string', enum: CARE_NEEDS }, uniqueItems: true, maxItems: CARE_NEEDS.length },
        noSmartphone: { type: 'boolean' },
      },
      additionalProperties: false,
    },
  },
  required: ['scene'],
  additionalProperties: false,
} as const;
export type JoinGridInput = FromSchema<typeof joinGridSchema>;

export const getJoinCodeSchema = {
  $id: 'getJoinCode',
  type: 'object',
  properties: {
    gridId: idSchema,
    validDays: { type: 'integer', minimum: 1, maximum: JOIN_CODE_VALID_DAYS_MAX },
  },
  required: ['gridId'],
  additionalProperties: false,
} as const;
export type GetJoinCodeInput = FromSchema<typeof getJoinCodeSchema>;

/** The group's cloudID from wx.getGroupEnterInfo / share info, opened server-side to get openGId. */
const groupCloudIdSchema = { type: 'string', minLength: 1, maxLength: 512 } as const;

export const bindGridGroupSchema = {
  $id: 'bindGridGroup',
  type: 'object',
  properties: { gridId: idSchema, groupCloudId: groupCloudIdSchema },
  required: ['gridId', 'groupCloudId'],
  additionalProperties: false,
} as const;
export type BindGridGroupInput = FromSchema<typeof bindGridGroupSchema>;

export const resolveGroupGridSchema = {
  $id: 'resolveGroupGrid',
  type: 'object',
  properties: { groupCloudId: groupCloudIdSchema },
  required: ['groupCloudId'],
  additionalProperties: false,
} as const;
export type ResolveGroupGridInput = FromSchema<typeof resolveGroupGridSchema>;

export const issueInvitationSchema = {
  $id: 'issueInvitation',
  type: 'object',
  properties: {
    villageId: idSchema,
    /** Required for grid roles (the 三长, grid worker); absent for village roles. */
    gridId: idSchema,
    role: { type: 'string', enum: INVITABLE_ROLES },
    validDays: { type: 'integer', minimum: 1, maximum: INVITATION_VALID_DAYS_MAX },
  },
  required: ['villageId', 'role'],
  additionalProperties: false,
} as const;
export type IssueInvitationInput = FromSchema<typeof issueInvitationSchema>;

export const acceptInvitationSchema = {
  $id: 'acceptInvitation',
  type: 'object',
  properties: {
    scene: sceneSchema,
    /** How residents and colleagues will see the new role holder (the 三长 are shown to their grid). */
    displayName: displayNameSchema,
    /** Optional: shown to the grid's residents as a 拨打 button when the role is one of the 三长. */
    phone: phoneSchema,
  },
  required: ['scene', 'displayName'],
  additionalProperties: false,
} as const;
export type AcceptInvitationInput = FromSchema<typeof acceptInvitationSchema>;
