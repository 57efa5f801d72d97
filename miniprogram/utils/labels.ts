// Words shown to residents for the backend's enumerations. Category and state labels and the
// orders are generated from core/src/model.ts (generated/words.js); care-need words are the phone's own.
import type { CareNeed, RequestState } from '../../core/src/model';

export { CARE_NEED_ORDER, CATEGORY_LABELS, CATEGORY_ORDER, INVITABLE_ROLES, ROLE_LABELS, STATE_LABELS, THREE_LEADER_ROLES } from '../generated/words';

/** States in which the response clock still runs, so the list shows a countdown. */
export const AWAITING_RESPONSE_STATES: readonly RequestState[] = ['submitted'];

export const CARE_NEED_LABELS: Record<CareNeed, string> = {
  elderlyAlone: '独居老人',
  sick: '患病',
  disabled: '残疾',
  pregnant: '孕妇',
};
