// Input schemas and replies: report figures per grid / leader / village / street over a week or a
// date range (getReport), the same report as an .xlsx file in cloud storage (exportReport).

import type { FromSchema } from 'json-schema-to-ts';
import type { Id } from '../model';
import { REPORT_GROUPINGS, type AppraisalFigures, type NoticeReachFigures, type GroupedReport, type ReportRow } from '../reports';
import { chinaDateSchema, idSchema } from './common';

const periodSchema = {
  type: 'object',
  oneOf: [
    {
      type: 'object',
      /** The China-time week containing this date (Monday start). */
      properties: { kind: { const: 'week' }, date: chinaDateSchema },
      required: ['kind', 'date'],
      additionalProperties: false,
    },
    {
      type: 'object',
      /** From the start of `from` to the end of `to`, China dates, inclusive. */
      properties: { kind: { const: 'range' }, from: chinaDateSchema, to: chinaDateSchema },
      required: ['kind', 'from', 'to'],
      additionalProperties: false,
    },
  ],
} as const;

/** What a report covers: its grouping, the place and the period (getReport's and exportReport's). */
const reportQueryProperties = {
  groupBy: { type: 'string', enum: REPORT_GROUPINGS },
  /** Limit to one village or grid; absent = the caller's whole street (street admins only). */
  villageId: idSchema,
  gridId: idSchema,
  period: periodSchema,
} as const;

export const getReportSchema = {
  $id: 'getReport',
  type: 'object',
  properties: reportQueryProperties,
  required: ['groupBy', 'period'],
  additionalProperties: false,
} as const;
export type GetReportInput = FromSchema<typeof getReportSchema>;

/** The same as getReport's; `groupBy` is accepted and ignored (the file has a sheet per grouping). */
export const exportReportSchema = {
  $id: 'exportReport',
  type: 'object',
  properties: reportQueryProperties,
  required: ['period'],
  additionalProperties: false,
} as const;
export type ExportReportInput = FromSchema<typeof exportReportSchema>;

export type ReportPlace = { kind: 'grids'; gridIds: Id[] } | { kind: 'village'; villageId: Id } | { kind: 'street'; streetId: Id };

export interface ReportView extends Omit<GroupedReport, 'groups' | 'overall'> {
  /** Rows by name (and role, for a person): never an openid. Villages of a street come ranked. */
  groups: ReportRow[];
  overall: AppraisalFigures & { noticeReach?: NoticeReachFigures };
  place: ReportPlace;
  /** The place's name: the village's or street's, or the grids' names joined. */
  placeName: string;
  /** True when some grid or village had more than REPORT_MAX_REQUESTS requests in the period. */
  truncated: boolean;
}

export interface ReportExport {
  /** The .xlsx in cloud storage, at reports/<villageId | streetId>/<week or range>.xlsx (overwritten on re-export). */
  fileID: string;
  cloudPath: string;
  /** What the page downloads: no client may read a function's upload (database/storage-rules.json). */
  tempFileURL?: string;
}
