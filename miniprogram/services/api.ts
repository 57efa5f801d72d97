// The one way pages reach the backend. call(name, input) checks the input with the precompiled
// validators first (a bad input never leaves the phone), sends it through the transport the config
// picks (local emulator in develop, wx.cloud otherwise) and turns every failure into a code with a
// plain Chinese message.
import type { FunctionInputs, FunctionName } from '../../core/src/schemas';
import type { InputValidator } from '../../core/src/validate';
import { APP_CONFIG, type AppConfig } from '../config';
import * as validators from '../generated/validators';
import { ERROR_MESSAGES, isApiErrorCode, type ApiErrorCode } from '../utils/errors';
import type { OutputOf } from './outputs';

export interface FieldProblem {
  /** JSON pointer of the field, e.g. '/text'. */
  path: string;
  message: string;
}

interface ApiSuccess<T> {
  ok: true;
  data: T;
}

export interface ApiFailure {
  ok: false;
  code: ApiErrorCode;
  message: string;
  /** For INPUT.INVALID found on the phone: which fields, so the page can mark them. */
  problems?: FieldProblem[];
}

export type ApiResult<T> = ApiSuccess<T> | ApiFailure;

/** Sends one call and resolves to the function's own return value; rejects only on transport failure. */
export type Transport = (name: FunctionName, data: unknown) => Promise<unknown>;

export type EnvVersion = 'develop' | 'trial' | 'release';

const HTTP_OK_MIN = 200;
const HTTP_OK_MAX = 299;

/** Whether the emulator's HTTP answer is a success (2xx). */
export function isHttpOk(statusCode: number): boolean {
  return statusCode >= HTTP_OK_MIN && statusCode <= HTTP_OK_MAX;
}

export class TransportError extends Error {
  readonly code: ApiErrorCode;
  constructor(code: ApiErrorCode, detail: string) {
    super(detail);
    this.code = code;
  }
}

/** wx.cloud.callFunction: the production path. */
export const cloudTransport: Transport = async (name, data) => {
  try {
    const res = await wx.cloud.callFunction({ name, data: data as WechatMiniprogram.IAnyObject });
    return res.result;
  } catch (err) {
    throw new TransportError('NETWORK.FAILED', String((err as { errMsg?: string }).errMsg ?? err));
  }
};

/** POST <emulatorUrl>/wx/callFunction as the dev openid: the emulator answers like wx.cloud would. */
function emulatorTransport(config: Pick<AppConfig, 'emulatorUrl' | 'devOpenid'>): Transport {
  return (name, data) =>
    new Promise((resolve, reject) => {
      wx.request({
        url: `${config.emulatorUrl}/wx/callFunction`,
        method: 'POST',
        header: { 'content-type': 'application/json', 'X-WX-OPENID': config.devOpenid },
        data: { name, data },
        success(res) {
          const body = res.data as { result?: unknown; errCode?: unknown; errMsg?: unknown } | null;
          if (!isHttpOk(res.statusCode) || body === null || typeof body !== 'object') {
            reject(new TransportError('INTERNAL', `emulator HTTP ${res.statusCode}`));
          } else if (body.errCode !== undefined) {
            // The function itself failed (crash, timeout): the user sees a busy message, not a network one.
            reject(new TransportError('INTERNAL', String(body.errMsg)));
          } else {
            resolve(body.result);
          }
        },
        fail(err) {
          reject(new TransportError('NETWORK.FAILED', err.errMsg));
        },
      });
    });
}

export type Backend = 'emulator' | 'cloud';

/** The one switch between the cloud and the local emulator ('auto': the emulator in develop only). */
function chooseBackend(config: Pick<AppConfig, 'backend'>, envVersion: EnvVersion): Backend {
  if (config.backend === 'auto') return envVersion === 'develop' ? 'emulator' : 'cloud';
  return config.backend;
}

export function pickTransport(config: AppConfig, envVersion: EnvVersion): Transport {
  return chooseBackend(config, envVersion) === 'emulator' ? emulatorTransport(config) : cloudTransport;
}

/** The backend this run talks to: files (services/files.ts) follow the same switch as calls. */
export function activeBackend(): Backend {
  return chooseBackend(APP_CONFIG, currentEnvVersion());
}

function currentEnvVersion(): EnvVersion {
  try {
    return wx.getAccountInfoSync().miniProgram.envVersion;
  } catch {
    return 'release';
  }
}

let transport: Transport | null = null;

function activeTransport(): Transport {
  if (transport === null) transport = pickTransport(APP_CONFIG, currentEnvVersion());
  return transport;
}

/** Forget the chosen transport (after the config or envVersion changed; tests use it between cases). */
export function resetTransport(): void {
  transport = null;
}

const LIMIT_KEYWORDS: Record<string, (limit: string) => string> = {
  maxLength: (limit) => `最多 ${limit} 字`,
  maxItems: (limit) => `最多 ${limit} 项`,
  minItems: (limit) => `至少 ${limit} 项`,
};
const PLAIN_KEYWORDS: Record<string, string> = {
  minLength: '不能为空',
  pattern: '格式不对',
  enum: '不是可选的值',
  const: '不是可选的值',
  type: '类型不对',
  minimum: '超出允许的范围',
  maximum: '超出允许的范围',
  uniqueItems: '有重复项',
};

interface SchemaErrorLike {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
}

/** The same plain words as the server's describeSchemaError, for the fields the page marks. */
function describeProblem(error: SchemaErrorLike): FieldProblem {
  const params = error.params;
  if (error.keyword === 'required') return { path: `${error.instancePath}/${String(params['missingProperty'])}`, message: '必填' };
  if (error.keyword === 'additionalProperties') {
    return { path: `${error.instancePath}/${String(params['additionalProperty'])}`, message: '不认识的字段' };
  }
  const withLimit = LIMIT_KEYWORDS[error.keyword];
  if (withLimit !== undefined) return { path: error.instancePath, message: withLimit(String(params['limit'])) };
  return { path: error.instancePath, message: PLAIN_KEYWORDS[error.keyword] ?? '不符合要求' };
}

const VALIDATORS = validators as unknown as Record<FunctionName, InputValidator<unknown>>;

/** Checks an input against its function's schema on the phone. */
export function checkInput<N extends FunctionName>(name: N, input: unknown): ApiFailure | null {
  const validate = VALIDATORS[name];
  if (validate(input)) return null;
  const problems = (validate.errors ?? []).map(describeProblem);
  return { ok: false, code: 'INPUT.INVALID', message: ERROR_MESSAGES['INPUT.INVALID'], problems };
}

function failure(code: ApiErrorCode, serverMessage?: unknown): ApiFailure {
  // The server may give a more specific sentence for the same code; otherwise the code's own words.
  const message = typeof serverMessage === 'string' && serverMessage.trim() !== '' ? serverMessage : ERROR_MESSAGES[code];
  return { ok: false, code, message };
}

/** Reads a function's `{ ok: true, data }` / `{ ok: false, code, message }` envelope. */
export function readEnvelope<T>(raw: unknown): ApiResult<T> {
  if (raw === null || typeof raw !== 'object') return failure('RESPONSE.MALFORMED');
  const envelope = raw as { ok?: unknown; data?: unknown; code?: unknown; message?: unknown };
  if (envelope.ok === true) return { ok: true, data: envelope.data as T };
  if (envelope.ok === false) return isApiErrorCode(envelope.code) ? failure(envelope.code, envelope.message) : failure('INTERNAL');
  return failure('RESPONSE.MALFORMED');
}

/** Call a cloud function by name with its typed input. Never throws. */
export async function call<N extends FunctionName>(name: N, input: FunctionInputs[N]): Promise<ApiResult<OutputOf<N>>> {
  const invalid = checkInput(name, input);
  if (invalid !== null) return invalid;
  try {
    const raw = await activeTransport()(name, input);
    return readEnvelope<OutputOf<N>>(raw);
  } catch (err) {
    return failure(err instanceof TransportError ? err.code : 'NETWORK.FAILED');
  }
}
