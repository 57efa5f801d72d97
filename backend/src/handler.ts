// The thin adapter every cloud function uses: identity from getWXContext(), ajv validation of the event
// against the function's JSON Schema, the use case, and one boundary that turns the unexpected into a
// stable error (logged with the request id, never a stack trace to the user).
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { fail, type Failure, type Result } from '../../core/src/errors';
import { getCloud, getDb, type Database, type WxCloud } from './cloud';

export interface CallContext {
  /** The caller, from cloud.getWXContext(); empty for timer triggers. */
  openid: string;
  /** Now, read once per invocation so the whole use case sees one instant. */
  now: number;
  requestId: string;
  cloud: WxCloud;
  db: Database;
  /** Street admins bootstrapped from the ADMIN_OPENIDS environment variable. */
  adminOpenids: readonly string[];
}

export type FunctionResponse<T> = { ok: true; data: T } | Failure;

/** Fields the platform adds to a client call's event; never trusted, removed before validation. */
const PLATFORM_EVENT_FIELDS = ['userInfo', 'tcbContext'];

const ajv = new Ajv({ allErrors: true, strict: true });
addFormats(ajv);

export function adminOpenidsFromEnv(env: string | undefined = process.env.ADMIN_OPENIDS): string[] {
  return (env ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

function describeErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`).join('; ');
}

export interface FunctionDefinition<I, O> {
  name: string;
  /** The JSON Schema of the event (from core/src/schemas); the single source of the input's type. */
  schema: object;
  /** True for functions a timer trigger (no caller) may run. */
  allowAnonymous?: boolean;
  run(input: I, ctx: CallContext): Promise<Result<O>>;
}

export function defineFunction<I, O>(def: FunctionDefinition<I, O>) {
  let validate: ValidateFunction | undefined;
  return async function main(event: unknown, context?: { request_id?: string }): Promise<FunctionResponse<O>> {
    const cloud = getCloud();
    const requestId = context?.request_id ?? '';
    const input: Record<string, unknown> = { ...(event && typeof event === 'object' ? (event as Record<string, unknown>) : {}) };
    for (const field of PLATFORM_EVENT_FIELDS) delete input[field];
    const openid = String(cloud.getWXContext().OPENID ?? '');
    if (!openid && !def.allowAnonymous) return fail('AUTH.UNAUTHENTICATED');
    validate ??= ajv.compile(def.schema);
    if (!validate(input)) return fail('INPUT.INVALID', undefined, describeErrors(validate.errors));
    try {
      const ctx: CallContext = {
        openid,
        now: Date.now(),
        requestId,
        cloud,
        db: getDb(),
        adminOpenids: adminOpenidsFromEnv(),
      };
      const result = await def.run(input as I, ctx);
      return result.ok ? { ok: true, data: result.value } : result;
    } catch (err) {
      console.error(`[${def.name}] request ${requestId} failed:`, err);
      return { ok: false, code: 'INTERNAL' as never, message: '系统繁忙，请稍后再试' };
    }
  };
}
