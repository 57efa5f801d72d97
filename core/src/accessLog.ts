// 个人信息访问记录: staff who are shown a household's phone or care needs (health, disability,
// living alone: sensitive personal information under the Personal Information Protection Law) leave
// a record the village committee can read. One record per staff member, household, way and China
// day: a leader opening the same household's requests all morning leaves one line, not fifty writes.
// The grid roster lists a whole grid's phones and care needs at once: its views leave one record per
// staff member, grid and China day, not one per household listed.
import { chinaDateOf } from './chinaTime';
import type { CareNeed, EpochMs, Id } from './model';

/** The personal fields whose display is recorded. */
const RECORDED_PERSONAL_FIELDS = ['phone', 'careNeeds'] as const;
type RecordedPersonalField = (typeof RECORDED_PERSONAL_FIELDS)[number];

/** Where staff were shown them: one household's (getRequest, getHousehold), or a grid's (getGridRoster). */
const PERSONAL_DATA_VIEWS = ['getRequest', 'getHousehold', 'getGridRoster'] as const;
type PersonalDataView = (typeof PERSONAL_DATA_VIEWS)[number];
/** The way that lists a grid's households: recorded per grid, not per household. */
const ROSTER_VIEW = 'getGridRoster' satisfies PersonalDataView;
type HouseholdView = Exclude<PersonalDataView, typeof ROSTER_VIEW>;

/** One record: who saw which fields of which household (or grid's roster), where, and (first) when that day. */
export interface PersonalDataAccess {
  viewerId: Id;
  /** The household shown; absent for a roster view, which stands for every household of the grid. */
  householdId?: Id;
  gridId: Id;
  villageId: Id;
  fields: RecordedPersonalField[];
  via: PersonalDataView;
  /** China day (YYYY-MM-DD) and the first view's instant that day. */
  day: string;
  at: EpochMs;
}

/** What a view showed of one household that may be recorded. */
interface ShownPersonalData {
  phone?: string | undefined;
  careNeeds?: readonly CareNeed[];
}

/** The recorded fields a view showed: the phone if there was one, care needs if any. */
function recordedFieldsShown(shown: ShownPersonalData): RecordedPersonalField[] {
  return RECORDED_PERSONAL_FIELDS.filter((field) => (field === 'phone' ? shown.phone !== undefined : (shown.careNeeds?.length ?? 0) > 0));
}

/** The record of a view of one household, or null when it showed none of the recorded fields. */
export function personalDataAccess(
  facts: { viewerId: Id; householdId: Id; gridId: Id; villageId: Id; via: HouseholdView },
  shown: ShownPersonalData,
  at: EpochMs,
): PersonalDataAccess | null {
  const fields = recordedFieldsShown(shown);
  return fields.length === 0 ? null : { ...facts, fields, day: chinaDateOf(at), at };
}

/**
 * The record of a roster view: the fields any household of the grid shows, or null when none does.
 * The whole grid's, not the page's: the day's one record stands for every page the viewer scrolls to,
 * so a later page's care needs are not left out of it.
 */
export function rosterAccess(
  facts: { viewerId: Id; gridId: Id; villageId: Id },
  households: readonly ShownPersonalData[],
  at: EpochMs,
): PersonalDataAccess | null {
  const shown = new Set(households.flatMap(recordedFieldsShown));
  const fields = RECORDED_PERSONAL_FIELDS.filter((field) => shown.has(field));
  return fields.length === 0 ? null : { ...facts, fields, via: ROSTER_VIEW, day: chinaDateOf(at), at };
}
