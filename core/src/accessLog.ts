// 个人信息访问记录: staff who are shown a household's phone or care needs (health, disability,
// living alone: sensitive personal information under the Personal Information Protection Law) leave
// a record the village committee can read. One record per staff member, household, way and China
// day: a leader opening the same household's requests all morning leaves one line, not fifty writes.
import { chinaDateOf } from './chinaTime';
import type { CareNeed, EpochMs, Id } from './model';

/** The personal fields whose display is recorded. */
const RECORDED_PERSONAL_FIELDS = ['phone', 'careNeeds'] as const;
type RecordedPersonalField = (typeof RECORDED_PERSONAL_FIELDS)[number];

/** Where staff were shown them. */
const PERSONAL_DATA_VIEWS = ['getRequest', 'getHousehold'] as const;
type PersonalDataView = (typeof PERSONAL_DATA_VIEWS)[number];

/** One record: who saw which fields of which household, where, and (first) when that day. */
export interface PersonalDataAccess {
  viewerId: Id;
  householdId: Id;
  gridId: Id;
  villageId: Id;
  fields: RecordedPersonalField[];
  via: PersonalDataView;
  /** China day (YYYY-MM-DD) and the first view's instant that day. */
  day: string;
  at: EpochMs;
}

/** The recorded fields a view showed: the phone if there was one, care needs if any. */
function recordedFieldsShown(shown: { phone?: string | undefined; careNeeds?: readonly CareNeed[] }): RecordedPersonalField[] {
  return RECORDED_PERSONAL_FIELDS.filter((field) => (field === 'phone' ? shown.phone !== undefined : (shown.careNeeds?.length ?? 0) > 0));
}

/** The record of a view, or null when it showed none of the recorded fields. */
export function personalDataAccess(
  facts: Omit<PersonalDataAccess, 'fields' | 'day' | 'at'>,
  shown: { phone?: string | undefined; careNeeds?: readonly CareNeed[] },
  at: EpochMs,
): PersonalDataAccess | null {
  const fields = recordedFieldsShown(shown);
  return fields.length === 0 ? null : { ...facts, fields, day: chinaDateOf(at), at };
}
