// The failure codes of a cloud function invocation, in the two dialects CloudBase speaks: the string
// code the server API (and so wx-server-sdk) reports, and the numeric errCode wx.cloud.callFunction
// gives the mini-program. Values follow wx-server-sdk's error table (TCB_ERR_CODE / ERR_CODE) and
// what CloudBase answers in production.

export interface InvokeFailure {
  /** String code as the TCB server API reports it (what node-sdk puts on err.code). */
  code: string;
  /** Numeric errCode the mini-program's wx.cloud.callFunction reports. */
  errCode: number;
  message: string;
}

/** Thrown error, crash, unserialisable result: wx-server-sdk maps FUNCTIONS_EXECUTE_FAIL to -504002. */
export const EXECUTE_FAIL = { code: 'FUNCTIONS_EXECUTE_FAIL', errCode: -504002, text: 'functions execute fail' } as const;
/** Exceeded config.json's timeout; the mini-program sees -504003 "Invoking task timed out after N seconds". */
export const TIME_LIMIT_EXCEEDED = { code: 'FUNCTIONS_TIME_LIMIT_EXCEEDED', errCode: -504003, text: 'functions invoke timeout' } as const;
/** No such function: CloudBase answers -501000 [ResourceNotFound.FunctionName]. */
export const FUNCTION_NOT_FOUND = { code: 'ResourceNotFound.FunctionName', errCode: -501000, text: 'resource not found' } as const;
/** The request itself is malformed (bad name, non-object data). */
export const INVALID_PARAM = { code: 'INVALID_PARAM', errCode: -501007, text: 'invalid parameters' } as const;
/** More invocations of one function at once than the plan allows (emulator/src/quotas.ts). */
export const EXCEED_CONCURRENT_LIMIT = { code: 'EXCEED_CONCURRENT_REQUEST_LIMIT', errCode: -501004, text: 'exceed concurrent request limit' } as const;
/** A function folder whose config.json the emulator cannot honour. */
export const INVALID_FUNCTION_CONFIG = { code: 'FUNCTIONS_REQUEST_FAIL', errCode: -504001, text: 'functions request fail' } as const;

/** String codes wx-server-sdk knows, so an injected numeric fault maps back to the matching string. */
const STRING_CODE_BY_ERRCODE: Record<number, string> = {
  [-501001]: 'SYS_ERR',
  [-501002]: 'SERVER_TIMEOUT',
  [-501003]: 'EXCEED_REQUEST_LIMIT',
  [-501004]: 'EXCEED_CONCURRENT_REQUEST_LIMIT',
  [-501007]: 'INVALID_PARAM',
  [-504001]: 'FUNCTIONS_REQUEST_FAIL',
  [EXECUTE_FAIL.errCode]: EXECUTE_FAIL.code,
  [TIME_LIMIT_EXCEEDED.errCode]: TIME_LIMIT_EXCEEDED.code,
  [FUNCTION_NOT_FOUND.errCode]: FUNCTION_NOT_FOUND.code,
};

/** Numeric errCode for a string code (inverse of the table above); unknown codes are system errors. */
const SYS_ERR_CODE = -501001;

export function failure(kind: { code: string; errCode: number }, message: string): InvokeFailure {
  return { code: kind.code, errCode: kind.errCode, message };
}

/** Turns an armed fault's errcode (number, string code or absent) into a failure. */
export function faultFailure(errcode: number | string | undefined, errmsg: string | undefined, name: string): InvokeFailure {
  const message = errmsg ?? `injected fault: invocation of "${name}" failed`;
  if (errcode === undefined) return failure(EXECUTE_FAIL, message);
  if (typeof errcode === 'number') return { code: STRING_CODE_BY_ERRCODE[errcode] ?? String(errcode), errCode: errcode, message };
  const known = Object.entries(STRING_CODE_BY_ERRCODE).find(([, code]) => code === errcode);
  return { code: errcode, errCode: known ? Number(known[0]) : SYS_ERR_CODE, message };
}

/** The errMsg wx.cloud.callFunction gives the mini-program for a failed call. */
export function clientErrMsg(f: InvokeFailure): string {
  return `cloud.callFunction:fail errCode: ${f.errCode} | errMsg: ${f.message}`;
}
