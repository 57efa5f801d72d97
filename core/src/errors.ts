// Expected failures as values. Each has a stable code (clients and tests match on it) and a plain
// Chinese message a resident or leader can read. Only the unexpected throws; the handler catches it
// once at the boundary.
import { ERROR_MESSAGES } from './errorMessages';

export { ERROR_MESSAGES };

export type ErrorCode = keyof typeof ERROR_MESSAGES;

export interface Failure {
  readonly ok: false;
  readonly code: ErrorCode;
  readonly message: string;
  /** Machine-readable detail (e.g. which field failed); never shown as is to residents. */
  readonly details?: unknown;
}

export interface Success<T> {
  readonly ok: true;
  readonly value: T;
}

export type Result<T> = Success<T> | Failure;

export function ok<T>(value: T): Success<T> {
  return { ok: true, value };
}

/** A failure with the code's default message unless a more specific one helps the user. */
export function fail(code: ErrorCode, message?: string, details?: unknown): Failure {
  const failure: Failure = { ok: false, code, message: message ?? ERROR_MESSAGES[code] };
  return details === undefined ? failure : { ...failure, details };
}
