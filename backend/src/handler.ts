// The thin adapter every cloud function uses: identity from getWXContext(), validation of the event
// against the function's JSON Schema (core/src/schemas, precompiled by scripts/build-validators.ts: no
// schema is compiled at run time), the use case, and one boundary that turns the unexpected into
// INTERNAL (logged with the request id; never a stack trace to the user).
import { fail, type Failure, type Result } from '../../core/src/errors';
import type { FunctionInputs, FunctionName, FunctionOutputs } from '../../core/src/schemas';
import { validateInput, type InputValidator } from '../../core/src/validate';
// scripts/build-functions.ts narrows this to the one function a bundle holds.
import * as VALIDATORS from '../generated/validators';
import { getCloud, getDb, type Database, type WxCloud } from './cloud';
import { isQuotaRefusal, quotaRetryingDatabase } from './pacing';

export interface CallContext {
  /** The caller, from cloud.getWXContext(); '' for timer triggers. */
  openid: string;
  /** Now, read once per invocation so the whole use case sees one instant. */
  now: number;
  /** The moving clock, for a run that must watch its own time budget (a delivery tick); every decision takes `now`. */
  clock: () => number;
  requestId: string;
  cloud: WxCloud;
  db: Database;
  /** Street admins bootstrapped from the ADMIN_OPENIDS environment variable. */
  adminOpenids: readonly string[];
}

export type FunctionResponse<T> = { ok: true; data: T } | Failure;

/** Fields the platform adds to a client call's event; never trusted, removed before validation. */
const PLATFORM_EVENT_FIELDS = ['userInfo', 'tcbContext'];

function adminOpenidsFromEnv(env: string | undefined = process.env.ADMIN_OPENIDS): string[] {
  return (env ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function callContext(openid: string, requestId: string): CallContext {
  const cloud = getCloud();
  return { openid, now: Date.now(), clock: Date.now, requestId, cloud, db: quotaRetryingDatabase(getDb()), adminOpenids: adminOpenidsFromEnv() };
}

async function runSafely<O>(name: string, requestId: string, run: () => Promise<Result<O>>): Promise<FunctionResponse<O>> {
  try {
    const result = await run();
    return result.ok ? { ok: true, data: result.value } : result;
  } catch (err) {
    console.error(`[${name}] request ${requestId} failed:`, err);
    return fail(isQuotaRefusal(err) ? 'SYSTEM.BUSY' : 'INTERNAL');
  }
}

interface ScfContext {
  request_id?: string;
}

/** A function a user calls: `name` picks its schema from INPUT_SCHEMAS, which types `input`, and its reply from FunctionOutputs. */
export function defineFunction<N extends FunctionName>(
  name: N,
  run: (input: FunctionInputs[N], ctx: CallContext) => Promise<Result<FunctionOutputs[N]>>,
): (event: unknown, context?: ScfContext) => Promise<FunctionResponse<FunctionOutputs[N]>> {
  // biome-ignore lint/performance/noDynamicNamespaceImportAccess: each bundle's module holds only this function's export (scripts/build-functions.ts)
  const validator = VALIDATORS[name] as InputValidator<FunctionInputs[N]> | undefined;
  // A bundle built without its function's validator fails as it loads, not at a user's first call.
  if (!validator) throw new Error(`no input validator for ${name}: run npx tsx scripts/build-validators.ts`);
  return async (event, context) => {
    const requestId = context?.request_id ?? '';
    const input: Record<string, unknown> = { ...(event && typeof event === 'object' ? (event as Record<string, unknown>) : {}) };
    for (const field of PLATFORM_EVENT_FIELDS) delete input[field];
    const openid = String(getCloud().getWXContext().OPENID ?? '');
    if (!openid) return fail('AUTH.UNAUTHENTICATED');
    const valid = validateInput(validator, input);
    if (!valid.ok) return valid;
    return runSafely(name, requestId, () => run(valid.value, callContext(openid, requestId)));
  };
}

/** A function only a timer trigger runs (the sweeper, the notice queue): no caller and no input. */
export function defineTimerFunction<O>(
  name: string,
  run: (ctx: CallContext) => Promise<Result<O>>,
): (event: unknown, context?: ScfContext) => Promise<FunctionResponse<O>> {
  return async (event, context) => {
    const requestId = context?.request_id ?? '';
    // A user calling a timer function directly is refused: it only runs from its trigger.
    const openid = String(getCloud().getWXContext().OPENID ?? '');
    const isTimer = !!event && typeof event === 'object' && (event as { Type?: unknown }).Type === 'Timer';
    if (openid || !isTimer) return fail('AUTH.FORBIDDEN');
    return runSafely(name, requestId, () => run(callContext('', requestId)));
  };
}
