// Words shown to residents for the backend's enumerations. Category and state labels are generated
// from core/src/model.ts (generated/words.js); the orders and care-need words are the phone's own.
import type { CareNeed, RequestCategory, RequestState } from '../../core/src/model';

export { CATEGORY_LABELS, STATE_LABELS } from '../generated/words';

/** In the order the picker shows them. */
export const CATEGORY_ORDER: readonly RequestCategory[] = [
  'supplies',
  'medicine',
  'elderlyCare',
  'sanitation',
  'repairs',
  'dispute',
  'healthReport',
  'consultation',
  'other',
];

/** States in which the response clock still runs, so the list shows a countdown. */
export const AWAITING_RESPONSE_STATES: readonly RequestState[] = ['submitted'];

export const CARE_NEED_LABELS: Record<CareNeed, string> = {
  elderlyAlone: '独居老人',
  sick: '患病',
  disabled: '残疾',
  pregnant: '孕妇',
};

export const CARE_NEED_ORDER: readonly CareNeed[] = ['elderlyAlone', 'sick', 'disabled', 'pregnant'];
