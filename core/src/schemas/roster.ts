// Input schemas: a grid's roster (households, who lives there, and who has heard the latest notice).

import type { FromSchema } from 'json-schema-to-ts';
import { idSchema, pageProperties } from './common';

export const getGridRosterSchema = {
  $id: 'getGridRoster',
  type: 'object',
  properties: { gridId: idSchema, noticeId: idSchema, ...pageProperties },
  required: ['gridId'],
  additionalProperties: false,
} as const;
export type GetGridRosterInput = FromSchema<typeof getGridRosterSchema>;
