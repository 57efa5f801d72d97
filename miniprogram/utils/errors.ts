// Plain Chinese messages for every error code a page can meet: the backend's codes (the same text
// as core/src/errors.ts, checked by tests/miniprogram/labels.test.ts) plus the client's own codes
// for failures that never reach a function. Kept here because the DevTools only compile files under
// miniprogram/; the Record type makes the compiler demand a message for every backend code.
import type { ErrorCode } from '../../core/src/errors';

/** Failures only the phone can see: the network, or a reply we cannot read. */
export type ClientErrorCode = 'NETWORK.FAILED' | 'RESPONSE.MALFORMED';
export type ApiErrorCode = ErrorCode | ClientErrorCode;

export const ERROR_MESSAGES: Record<ApiErrorCode, string> = {
  'INPUT.INVALID': '填写的内容有误，请检查后再试',
  INTERNAL: '系统繁忙，请稍后再试',
  'AUTH.UNAUTHENTICATED': '请先登录',
  'AUTH.FORBIDDEN': '您没有权限进行此操作',
  'CONTENT.RISKY': '内容可能含有不当信息，请修改后再提交',
  'REQUEST.NOT_FOUND': '找不到这条诉求',
  'REQUEST.ILLEGAL_TRANSITION': '当前状态下不能进行此操作',
  'REQUEST.STALE': '诉求已被他人处理，请刷新后再试',
  'REQUEST.DUPLICATE': '这条诉求已经提交过了',
  'REQUEST.RATING_OUT_OF_RANGE': '评分须为 1 到 5 星',
  'ESCALATION.NOT_DUE': '还未到升级时间',
  'ESCALATION.STALE': '诉求已被其他进程升级或已响应',
  'TOKEN.INVALID': '二维码无效，请向网格长索取新的二维码',
  'TOKEN.EXPIRED': '二维码已过期，请向网格长索取新的二维码',
  'TOKEN.REVOKED': '二维码已作废，请向网格长索取新的二维码',
  'TOKEN.WRONG_PURPOSE': '这个二维码不能用于此操作',
  'INVITATION.NOT_FOUND': '找不到这份邀请',
  'INVITATION.USED': '这份邀请已被使用',
  'INVITATION.EXPIRED': '邀请已过期，请联系村（社区）重新邀请',
  'INVITATION.REVOKED': '邀请已撤销',
  'ROUTING.REASON_REQUIRED': '修改分派规则须填写原因',
  'ROUTING.STALE': '分派规则已被他人修改，请刷新后再试',
  'GROUP.INVALID': '群信息已失效，请从微信群里重新打开小程序',
  'GROUP.ALREADY_BOUND': '这个微信群已绑定其他网格',
  'GRID.NOT_FOUND': '找不到这个网格',
  'VILLAGE.NOT_FOUND': '找不到这个村（社区）',
  'NOTICE.NOT_FOUND': '找不到这条通知',
  'POLICY.INVALID': '响应时限或服务时间设置有误',
  'NETWORK.FAILED': '网络不稳定，请检查网络后再试',
  'RESPONSE.MALFORMED': '系统繁忙，请稍后再试',
};

export function isApiErrorCode(code: unknown): code is ApiErrorCode {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(ERROR_MESSAGES, code);
}
