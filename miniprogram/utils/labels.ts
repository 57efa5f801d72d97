// Words shown to residents for the backend's enumerations. Category, state and role labels and the
// orders are generated from core/src/model.ts (generated/words.js); care-need words are the phone's own.
import type { CareNeed } from '../../core/src/model';

export { CARE_NEED_ORDER, CATEGORY_LABELS, CATEGORY_ORDER, GRID_ROLES, INVITABLE_ROLES, ROLE_LABELS, STATE_LABELS } from '../generated/words';

export const CARE_NEED_LABELS: Record<CareNeed, string> = {
  elderlyAlone: '独居老人',
  sick: '患病',
  disabled: '残疾',
  pregnant: '孕妇',
};
