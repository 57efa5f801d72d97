// Input schema and reply of the committee's record of staff views of personal data (listPersonalDataAccess).
import type { FromSchema } from 'json-schema-to-ts';
import type { PersonalDataAccess } from '../accessLog';
import type { Id } from '../model';
import { idSchema, PAGE_SIZE_MAX } from './common';

/** Offsets as decimal strings. */
const offsetCursorSchema = { type: 'string', maxLength: 12, pattern: '^\\d+$' } as const;

export const listPersonalDataAccessSchema = {
  $id: 'listPersonalDataAccess',
  type: 'object',
  properties: {
    villageId: idSchema,
    limit: { type: 'integer', minimum: 1, maximum: PAGE_SIZE_MAX },
    cursor: offsetCursorSchema,
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
