// Input schemas and output contracts: joining a grid by QR code, grid QR codes and WeChat groups,
// invitations, join-key rotation.

import type { FromSchema } from 'json-schema-to-ts';
import { CARE_NEEDS, INVITABLE_ROLES, type EpochMs, type Id, type InvitableRole, type RoleScope } from '../model';
import { addressPartSchema, displayNameSchema, idSchema, phoneSchema, sceneSchema } from './common';

const JOIN_CODE_VALID_DAYS_MAX = 366;
const INVITATION_VALID_DAYS_MAX = 30;
/** A notice version is a date (2026-12-01); room for a suffix. */
const PRIVACY_NOTICE_VERSION_MAX_LENGTH = 20;

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
    /** The privacy notice version the resident ticked their consent to (core/src/privacyNotice.ts); without the current one the join is refused. */
    privacyConsent: {
      type: 'object',
      properties: { version: { type: 'string', minLength: 1, maxLength: PRIVACY_NOTICE_VERSION_MAX_LENGTH } },
      required: ['version'],
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
export const groupCloudIdSchema = { type: 'string', minLength: 1, maxLength: 512 } as const;

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
    /** Invites the temporary leader of this micro-grid of `gridId` (a grid role that ends with it). */
    microGridId: idSchema,
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

/** Grid staff, or the household's verified member, confirm or reject a resident's pending claim on a household (待核实). */
export const verifyMemberSchema = {
  $id: 'verifyMember',
  type: 'object',
  properties: {
    /** The pending member (their openid, as the roster lists members). */
    userId: idSchema,
    decision: { type: 'string', enum: ['confirm', 'reject'] },
  },
  required: ['userId', 'decision'],
  additionalProperties: false,
} as const;
export type VerifyMemberInput = FromSchema<typeof verifyMemberSchema>;

// ---------------------------------------------------------------------------------------------
// Outputs: what each function answers inside `{ ok: true, data }` (the mini-program reads these).

/** A grid as a resident is shown it before and after joining. */
export interface GridSummary {
  id: Id;
  name: string;
  villageId: Id;
  villageName: string;
}

/** Where a household is; blank parts are left out. */
export interface HouseholdAddress {
  building?: string;
  unit?: string;
  room?: string;
}

/** joinGrid. */
export interface JoinResult {
  grid: GridSummary;
  householdId?: Id;
  /** Where the household is; never its care needs. */
  address?: HouseholdAddress;
  /** True when this scan changed nothing (already a member of this grid and household). */
  alreadyMember: boolean;
  /** True when the resident left another grid for this one. */
  moved: boolean;
  /** True when the resident has no household yet: the mini-program asks for the address once. */
  householdNeeded: boolean;
  /** True while the resident's claim on the household waits for grid staff (or the household) to confirm it (待核实). */
  claimPending: boolean;
}

/** getJoinCode. */
export interface JoinCode {
  gridId: Id;
  fileID: string;
  tempFileURL?: string;
  /** The signed scene inside the code (≤ 32 characters). */
  scene: string;
  /** When the code stops working (rounded up to the whole hour, as the token stores it). */
  expiresAt: EpochMs;
}

/** bindGridGroup. */
export interface GridGroupBinding {
  gridId: Id;
  /** True when the group was already this grid's: nothing was written. */
  alreadyBound: boolean;
}

/** resolveGroupGrid. */
export interface GroupGrid {
  grid: GridSummary;
  /** A short-lived join scene for this grid: pass it to joinGrid. */
  scene: string;
  expiresAt: EpochMs;
  alreadyMember: boolean;
}

/** issueInvitation. */
export interface IssuedInvitation {
  invitationId: Id;
  role: InvitableRole;
  villageId: Id;
  gridId?: Id;
  scene: string;
  fileID: string;
  tempFileURL?: string;
  expiresAt: EpochMs;
}

/** acceptInvitation. */
export interface AcceptedInvitation {
  assignmentId: Id;
  role: InvitableRole;
  scope: RoleScope;
}

/** verifyMember. */
export interface MemberVerification {
  userId: Id;
  /** The household the claim was about (kept when rejected: only the claim goes). */
  householdId: Id;
  outcome: 'confirmed' | 'rejected';
}

/** rotateJoinKeys. */
export interface RotationResult {
  retiredKeyId: string;
  currentKeyId: string;
  rotatedAt: EpochMs;
}
