// Plain Chinese messages for every error code a page can meet: the backend's codes (generated from
// core/src/errors.ts into generated/words.js, since the DevTools compile only miniprogram/) plus the
// client's own codes for failures that never reach a function.
import type { ErrorCode } from '../../core/src/errors';
import { ERROR_MESSAGES as BACKEND_MESSAGES } from '../generated/words';

/** Failures only the phone can see: the network, or a reply we cannot read. */
type ClientErrorCode = 'NETWORK.FAILED' | 'RESPONSE.MALFORMED';
export type ApiErrorCode = ErrorCode | ClientErrorCode;

export const ERROR_MESSAGES: Record<ApiErrorCode, string> = {
  ...BACKEND_MESSAGES,
  'NETWORK.FAILED': '网络不稳定，请检查网络后再试',
  'RESPONSE.MALFORMED': '系统繁忙，请稍后再试',
};

export function isApiErrorCode(code: unknown): code is ApiErrorCode {
  return typeof code === 'string' && Object.keys(ERROR_MESSAGES).includes(code);
}
