// Input schema: "who am I" (getMyProfile). Nothing to send: the caller is the openid from getWXContext.

import type { FromSchema } from 'json-schema-to-ts';

export const getMyProfileSchema = {
  $id: 'getMyProfile',
  type: 'object',
  properties: {},
  additionalProperties: false,
} as const;
export type GetMyProfileInput = FromSchema<typeof getMyProfileSchema>;
