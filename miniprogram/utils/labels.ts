// Words shown to residents for the backend's enumerations: category, state, role and care-need labels
// and their orders, generated from core/src/model.ts (generated/words.js).
export {
  CARE_NEED_LABELS,
  CARE_NEED_ORDER,
  CATEGORY_LABELS,
  CATEGORY_ORDER,
  GRID_ROLES,
  INVITABLE_ROLES,
  ROLE_LABELS,
  STATE_LABELS,
} from '../generated/words';
