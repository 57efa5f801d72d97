// The one way pages reach the backend. call(name, input) checks the input with the precompiled
// validators first (a bad input never leaves the phone), sends it through the transport the switch
// in services/cloud.ts picks (local emulator in develop, wx.cloud otherwise) and turns every failure
// into a code with a plain Chinese message.
import type { FunctionInputs, FunctionName } from '../../core/src/schemas';
import type { InputValidator } from '../../core/src/validate';
import { APP_CONFIG, type AppConfig } from '../config';
import { validateInput } from '../generated/validate';
import * as validators from '../generated/validators';
import { ERROR_MESSAGES, isApiErrorCode, type ApiErrorCode } from '../utils/errors';
import { callCloudFunction, chooseBackend, currentEnvVersion, type EnvVersion } from './cloud';
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
  /** The input field a server refusal is about, when it names one (POLICY.INVALID's details.field). */
  field?: string;
}

export type ApiResult<T> = ApiSuccess<T> | ApiFailure;

/** Sends one call and resolves to the function's own return value; rejects only on transport failure. */
export type Transport = (name: FunctionName, data: unknown) => Promise<unknown>;

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

/** CloudBase (services/cloud.ts callCloudFunction): the production path. */
export const cloudTransport: Transport = async (name, data) => {
  try {
    return await callCloudFunction(name, data as WechatMiniprogram.IAnyObject);
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

/** The transport for the backend services/cloud.ts's switch chooses. */
export function pickTransport(config: AppConfig, envVersion: EnvVersion): Transport {
  return chooseBackend(config, envVersion) === 'emulator' ? emulatorTransport(config) : cloudTransport;
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

const VALIDATORS = validators as unknown as Record<FunctionName, InputValidator<unknown>>;

/** Checks an input against its function's schema on the phone, in the server's words for each field (core's validateInput). */
export function checkInput<N extends FunctionName>(name: N, input: unknown): ApiFailure | null {
  const checked = validateInput(VALIDATORS[name], input);
  if (checked.ok) return null;
  const { problems } = checked.details as { problems: FieldProblem[] };
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
  const envelope = raw as { ok?: unknown; data?: unknown; code?: unknown; message?: unknown; details?: { field?: unknown } };
  if (envelope.ok === true) return { ok: true, data: envelope.data as T };
  if (envelope.ok === false) {
    if (!isApiErrorCode(envelope.code)) return failure('INTERNAL');
    const field = envelope.details?.field;
    return typeof field === 'string' ? { ...failure(envelope.code, envelope.message), field } : failure(envelope.code, envelope.message);
  }
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
