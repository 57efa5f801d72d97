// Words shown to residents for the backend's enumerations (same text as core/src/model.ts, checked
// by tests/miniprogram/labels.test.ts). The Record types make the compiler demand every value.
import type { CareNeed, RequestCategory, RequestState } from '../../core/src/model';

export const CATEGORY_LABELS: Record<RequestCategory, string> = {
  supplies: '生活物资',
  medicine: '就医买药',
  elderlyCare: '老人照护',
  sanitation: '环境卫生',
  repairs: '维修',
  dispute: '矛盾纠纷',
  healthReport: '健康上报',
  consultation: '政策咨询',
  other: '其他',
};

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

export const STATE_LABELS: Record<RequestState, string> = {
  submitted: '待响应',
  responded: '已响应',
  inProgress: '处理中',
  resolved: '已办结待确认',
  reopened: '已重新打开',
  confirmed: '已确认',
  closed: '已关闭',
  cancelled: '已撤销',
};

/** States in which the response clock still runs, so the list shows a countdown. */
export const AWAITING_RESPONSE_STATES: readonly RequestState[] = ['submitted'];

export const CARE_NEED_LABELS: Record<CareNeed, string> = {
  elderlyAlone: '独居老人',
  sick: '患病',
  disabled: '残疾',
  pregnant: '孕妇',
};

export const CARE_NEED_ORDER: readonly CareNeed[] = ['elderlyAlone', 'sick', 'disabled', 'pregnant'];
