// Input schema: the committee's live dashboard of one village (getVillageDashboard).

import type { FromSchema } from 'json-schema-to-ts';
import { idSchema } from './common';

export const getVillageDashboardSchema = {
  $id: 'getVillageDashboard',
  type: 'object',
  properties: { villageId: idSchema },
  required: ['villageId'],
  additionalProperties: false,
} as const;
export type GetVillageDashboardInput = FromSchema<typeof getVillageDashboardSchema>;
