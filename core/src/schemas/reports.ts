// Input schema and reply: report figures per grid / leader / village / street over a week or a date range.

import type { FromSchema } from 'json-schema-to-ts';
import type { Id } from '../model';
import { REPORT_GROUPINGS, type GroupedReport } from '../reports';
import { chinaDateSchema, idSchema } from './common';

export const getReportSchema = {
  $id: 'getReport',
  type: 'object',
  properties: {
    groupBy: { type: 'string', enum: REPORT_GROUPINGS },
    /** Limit to one village or grid; absent = the caller's whole street (street admins only). */
    villageId: idSchema,
    gridId: idSchema,
    period: {
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
    },
  },
  required: ['groupBy', 'period'],
  additionalProperties: false,
} as const;
export type GetReportInput = FromSchema<typeof getReportSchema>;

export type ReportPlace = { kind: 'grids'; gridIds: Id[] } | { kind: 'village'; villageId: Id } | { kind: 'street'; streetId: Id };

export interface ReportView extends GroupedReport {
  place: ReportPlace;
  /** True when some grid or village had more than REPORT_MAX_REQUESTS requests in the period. */
  truncated: boolean;
}
