// Input schemas and replies: the village's staff (who holds which role, unused invitations), removing a
// role, revoking an invitation, ending a micro-grid and reading the village policy back.

import type { FromSchema } from 'json-schema-to-ts';
import type { EpochMs, Id, InvitableRole, MicroGrid, Role, VillagePolicy } from '../model';
import type { ResolvedPolicy } from '../policy';
import { idSchema } from './common';

/** Role assignment ids are `${role}:${place}:${userId}` (seed.roleAssignmentId): longer than an id, and with colons. */
const ASSIGNMENT_ID_MAX_LENGTH = 200;
const assignmentIdSchema = { type: 'string', minLength: 1, maxLength: ASSIGNMENT_ID_MAX_LENGTH, pattern: '^[0-9A-Za-z_:-]+$' } as const;

/** The village's role holders, its micro-grids and its unused invitations (committee, street admin). */
export const listStaffSchema = {
  $id: 'listStaff',
  type: 'object',
  properties: { villageId: idSchema },
  required: ['villageId'],
  additionalProperties: false,
} as const;
export type ListStaffInput = FromSchema<typeof listStaffSchema>;

/** Remove one role assignment of the village (as listStaff names it). */
export const removeRoleSchema = {
  $id: 'removeRole',
  type: 'object',
  properties: { villageId: idSchema, assignmentId: assignmentIdSchema },
  required: ['villageId', 'assignmentId'],
  additionalProperties: false,
} as const;
export type RemoveRoleInput = FromSchema<typeof removeRoleSchema>;

export const revokeInvitationSchema = {
  $id: 'revokeInvitation',
  type: 'object',
  properties: { invitationId: idSchema },
  required: ['invitationId'],
  additionalProperties: false,
} as const;
export type RevokeInvitationInput = FromSchema<typeof revokeInvitationSchema>;

export const endMicroGridSchema = {
  $id: 'endMicroGrid',
  type: 'object',
  properties: { microGridId: idSchema },
  required: ['microGridId'],
  additionalProperties: false,
} as const;
export type EndMicroGridInput = FromSchema<typeof endMicroGridSchema>;

export const getVillagePolicySchema = {
  $id: 'getVillagePolicy',
  type: 'object',
  properties: { villageId: idSchema },
  required: ['villageId'],
  additionalProperties: false,
} as const;
export type GetVillagePolicyInput = FromSchema<typeof getVillagePolicySchema>;

/** One role assignment as the staff page shows it. */
export interface StaffMember {
  assignmentId: string;
  userId: Id;
  /** The name given when accepting; '' for older assignments without one. */
  displayName: string;
  role: Role;
  /** ROLE_LABELS[role]. */
  roleLabel: string;
  gridId?: Id;
  gridName?: string;
  /** Set for a micro-grid's temporary role: it ends with the micro-grid. */
  microGridId?: Id;
  phone?: string;
  assignedAt: EpochMs;
}

/** An invitation nobody has accepted, not revoked and not expired. */
export interface PendingInvitation {
  invitationId: Id;
  role: InvitableRole;
  roleLabel: string;
  gridId?: Id;
  gridName?: string;
  microGridId?: Id;
  /** Who issued it, by name when they hold a named role here. */
  invitedBy: Id;
  invitedByName: string;
  createdAt: EpochMs;
  expiresAt: EpochMs;
}

export interface MicroGridView extends MicroGrid {
  gridName: string;
  /** The temporary leader's name, when they hold a role here. */
  leaderName?: string;
  createdAt: EpochMs;
  endedAt?: EpochMs;
}

export interface StaffList {
  villageId: Id;
  /** Village roles first, then by grid, each grid's people in role order. */
  staff: StaffMember[];
  invitations: PendingInvitation[];
  /** Open micro-grids first, then ended ones. */
  microGrids: MicroGridView[];
  /** The village's grids (for the pickers). */
  grids: Array<{ gridId: Id; name: string }>;
}

export interface RoleRemoved {
  assignmentId: string;
  /** False when it was already gone (a retry). */
  removed: boolean;
}

export interface InvitationRevoked {
  invitationId: Id;
  revokedAt: EpochMs;
  /** False when it had been revoked already (a retry). */
  revoked: boolean;
}

export interface MicroGridEnded {
  microGridId: Id;
  endedAt: EpochMs;
  /** False when it had ended already (a retry). */
  ended: boolean;
  /** Temporary role assignments that ended with it. */
  rolesEnded: number;
}

export interface VillagePolicyView {
  villageId: Id;
  /** As stored (null when the village never set one). */
  stored: VillagePolicy | null;
  /** What is in force: the stored policy over the defaults. */
  resolved: ResolvedPolicy;
}
