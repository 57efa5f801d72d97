// Database error codes in CloudBase's shape. wx-server-sdk keeps `code` on the thrown error (and maps
// the known ones to errCode, e.g. DATABASE_COLLECTION_NOT_EXIST -> -502005); runTransaction retries
// only on DATABASE_TRANSACTION_CONFLICT.
import { EmulatorError } from '../context';

export const DB_ERR = {
  INVALID_PARAM: 'INVALID_PARAM',
  REQUEST_FAILED: 'DATABASE_REQUEST_FAILED',
  COLLECTION_NOT_EXIST: 'DATABASE_COLLECTION_NOT_EXIST',
  COLLECTION_ALREADY_EXIST: 'DATABASE_COLLECTION_ALREADY_EXIST',
  TRANSACTION_CONFLICT: 'DATABASE_TRANSACTION_CONFLICT',
  TRANSACTION_FAIL: 'DATABASE_TRANSACTION_FAIL',
  /** Emulator-only: a feature the emulator does not implement (never a silently wrong result). */
  UNSUPPORTED: 'EMULATOR_UNSUPPORTED',
} as const;

/**
 * Tencent Cloud's tag on the MongoDB write errors CloudBase passes through under
 * DATABASE_REQUEST_FAILED (errCode -502001), e.g. "[FailedOperation] E11000 duplicate key error ...".
 */
const FAILED_OPERATION_TAG = '[FailedOperation]';

export function invalidParam(message: string): EmulatorError {
  return new EmulatorError(DB_ERR.INVALID_PARAM, message);
}

export function unsupported(feature: string): EmulatorError {
  return new EmulatorError(DB_ERR.UNSUPPORTED, `the CloudBase emulator does not support ${feature}`);
}

export function collectionNotExist(name: string): EmulatorError {
  return new EmulatorError(
    DB_ERR.COLLECTION_NOT_EXIST,
    `[ResourceNotFound] Db or Table not exist: ${name}. Create the collection first (or declare it in the emulator's indexes file).`,
  );
}

/** A MongoDB write error as CloudBase reports it: DATABASE_REQUEST_FAILED with MongoDB's own message. */
export function writeFailed(mongoMessage: string): EmulatorError {
  return new EmulatorError(DB_ERR.REQUEST_FAILED, `${FAILED_OPERATION_TAG} ${mongoMessage}`);
}

/** Same wording as MongoDB's E11000, which CloudBase passes through under DATABASE_REQUEST_FAILED. */
export function duplicateKey(collection: string, index: string, key: string): EmulatorError {
  return writeFailed(`E11000 duplicate key error collection: ${collection} index: ${index} dup key: ${key}`);
}

/**
 * CloudBase transactions take single-document operations only (doc().get/set/update/remove and
 * add); "在事务中不支持批量操作(where 语句)". MongoDB itself would allow them, so there is no MongoDB
 * message to copy and no documented server code: the emulator reports the general database failure.
 */
export function batchWriteInTransaction(operation: string): EmulatorError {
  return new EmulatorError(
    DB_ERR.REQUEST_FAILED,
    `${FAILED_OPERATION_TAG} ${operation} is a batch (where) write, which CloudBase does not support inside a transaction: ` +
      'use doc(id).update/set/remove or add there',
  );
}

export function transactionConflict(detail: string): EmulatorError {
  return new EmulatorError(DB_ERR.TRANSACTION_CONFLICT, `[ResourceUnavailable.TransactionConflict] ${detail}`);
}

/** mingo reports unknown operators as plain errors; name the operator in a clear emulator error. */
export function fromMingo(err: unknown, where: string): EmulatorError {
  if (err instanceof EmulatorError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (/unknown|unregistered|not supported|unsupported/i.test(message)) {
    return new EmulatorError(DB_ERR.UNSUPPORTED, `the CloudBase emulator does not support this ${where}: ${message}`);
  }
  return new EmulatorError(DB_ERR.REQUEST_FAILED, `${where} failed: ${message}`);
}
