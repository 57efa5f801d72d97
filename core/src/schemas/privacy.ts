// Input schema and reply of the committee's record of staff views of personal data (listPersonalDataAccess).
import type { FromSchema } from 'json-schema-to-ts';
import type { PersonalDataAccess } from '../accessLog';
import type { Id } from '../model';
import { idSchema, pageProperties } from './common';

export const listPersonalDataAccessSchema = {
  $id: 'listPersonalDataAccess',
  type: 'object',
  properties: {
    villageId: idSchema,
    ...pageProperties,
  },
  required: ['villageId'],
  additionalProperties: false,
} as const;
export type ListPersonalDataAccessInput = FromSchema<typeof listPersonalDataAccessSchema>;

/** One record as the committee sees it: the viewer by role and name too. */
interface PersonalDataAccessView extends PersonalDataAccess {
  id: Id;
  viewer: string;
}

export interface PersonalDataAccessPage {
  items: PersonalDataAccessView[];
  nextCursor: string | null;
}
