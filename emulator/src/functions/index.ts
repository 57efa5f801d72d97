// The functions module: the SDK's functions.invokeFunction action, the mini-program's entry
// POST /wx/callFunction, timer triggers on the emulator clock, and GET /__emulator/invocations.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EmulatorError, type ActionParams, type ModuleFactory } from '../context';
import { parseJsonObject, readBodyUpTo } from '../http-util';
import { isValidFunctionName } from './discovery';
import { clientErrMsg, INVALID_PARAM, type InvokeFailure } from './errors';
import { FunctionHost, type Caller } from './host';
import { MAX_EVENT_BYTES, tooLarge } from './limits';
import { TimerService } from './timers';

/** WX_SOURCE values as CloudBase sets them. */
const SOURCE_CLIENT = 'wx_client';
const SOURCE_DEVTOOLS = 'wx_devtools';
const SOURCE_TIMER = 'wx_trigger';
/** Appended by CloudBase when the invocation comes from another function (e.g. "wx_client,scf"). */
const SOURCE_FUNCTION = 'scf';

const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-allow-headers': 'content-type, x-wx-openid, x-wx-unionid, x-wx-source',
  'access-control-max-age': '600',
};

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...CORS_HEADERS, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** A failed call as wx.cloud.callFunction reports it: HTTP 200 carrying errCode and errMsg. */
function sendFailure(res: ServerResponse, f: InvokeFailure, requestId?: string): void {
  send(res, 200, { errCode: f.errCode, errMsg: clientErrMsg(f), ...(requestId === undefined ? {} : { requestId }) });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined || s.trim() === '' ? undefined : s.trim();
}

/** Timer event as SCF delivers it: Time in whole seconds, UTC, e.g. "2026-11-24T01:00:00Z". */
function timerEvent(triggerName: string, atMs: number, message: string): Record<string, string> {
  return { Type: 'Timer', TriggerName: triggerName, Time: new Date(atMs).toISOString().replace(/\.\d{3}Z$/, 'Z'), Message: message };
}

export const createFunctionsModule: ModuleFactory = (ctx) => {
  // The timer service exists first: the host reports each discovered function to it.
  let host: FunctionHost | undefined;
  const timers = new TimerService(ctx, async (functionName, trigger, atMs) => {
    await host?.invoke(functionName, timerEvent(trigger.name, atMs, trigger.message), { source: SOURCE_TIMER, trigger: trigger.name });
  });
  const h = new FunctionHost(ctx, (spec) => timers.register(spec));
  host = h;

  async function invokeFunction(params: ActionParams): Promise<Record<string, unknown>> {
    const name = params.function_name;
    if (typeof name !== 'string' || name === '') throw new EmulatorError(INVALID_PARAM.code, '函数名不能为空 (function_name is required)');
    const qualifier = params.qualifier;
    if (qualifier !== undefined && qualifier !== '' && qualifier !== '$LATEST') {
      throw new EmulatorError(INVALID_PARAM.code, `the emulator runs only $LATEST; qualifier "${String(qualifier)}" is not supported`);
    }
    const raw = params.request_data;
    let event: unknown = {};
    // Measured before parsing: the host measures the event again once it is parsed.
    const rawBytes = typeof raw === 'string' ? Buffer.byteLength(raw) : 0;
    if (rawBytes > MAX_EVENT_BYTES) throw new EmulatorError(INVALID_PARAM.code, tooLarge('request_data', rawBytes).message);
    if (typeof raw === 'string' && raw !== '') {
      try {
        event = JSON.parse(raw);
      } catch {
        throw new EmulatorError(INVALID_PARAM.code, 'request_data must be a JSON string');
      }
    }
    // The SDK forwards the calling instance's WX_API_TOKEN; CloudBase uses it to give the callee the
    // original user's identity. Without one (a server script) there is no user.
    const parent = h.callerForToken(params.wxCloudApiToken);
    const caller: Caller = parent
      ? { openid: parent.openid, unionid: parent.unionid, clientIp: parent.clientIp, source: `${parent.source},${SOURCE_FUNCTION}` }
      : { source: SOURCE_FUNCTION };
    const outcome = await h.invoke(name, event, caller);
    if (!outcome.ok) throw new EmulatorError(outcome.failure.code, outcome.failure.message);
    return { requestId: outcome.requestId, data: { response_data: outcome.json } };
  }

  async function clientCall(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const openid = header(req, 'x-wx-openid');
    if (!openid) {
      send(res, 401, { errCode: 'UNAUTHENTICATED', errMsg: "cloud.callFunction:fail the X-WX-OPENID header (the calling user's openid) is required" });
      return;
    }
    const read = await readBodyUpTo(req, MAX_EVENT_BYTES);
    if (!read.ok) {
      sendFailure(res, tooLarge('request body', read.bytes));
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = parseJsonObject(read.body);
    } catch (err) {
      send(res, 400, { errCode: INVALID_PARAM.errCode, errMsg: `cloud.callFunction:fail ${err instanceof Error ? err.message : String(err)}` });
      return;
    }
    const { name, data } = body;
    if (typeof name !== 'string' || !isValidFunctionName(name)) {
      send(res, 400, {
        errCode: INVALID_PARAM.errCode,
        errMsg: `cloud.callFunction:fail parameter.name should be a function name, got ${JSON.stringify(name)}`,
      });
      return;
    }
    if (data !== undefined && (data === null || typeof data !== 'object' || Array.isArray(data))) {
      send(res, 400, { errCode: INVALID_PARAM.errCode, errMsg: 'cloud.callFunction:fail parameter.data should be an object' });
      return;
    }
    const sourceHeader = header(req, 'x-wx-source');
    if (sourceHeader !== undefined && sourceHeader !== SOURCE_CLIENT && sourceHeader !== SOURCE_DEVTOOLS) {
      send(res, 400, { errCode: INVALID_PARAM.errCode, errMsg: `cloud.callFunction:fail X-WX-SOURCE must be ${SOURCE_CLIENT} or ${SOURCE_DEVTOOLS}` });
      return;
    }
    const unionid = header(req, 'x-wx-unionid');
    const clientIp = req.socket.remoteAddress?.replace(/^::ffff:/, '');
    // CloudBase adds userInfo to the event of a mini-program call.
    const event = { ...(data as Record<string, unknown> | undefined), userInfo: { appId: ctx.config.appId, openId: openid } };
    const outcome = await h.invoke(name, event, { openid, unionid, clientIp, source: sourceHeader ?? SOURCE_CLIENT });
    if (outcome.ok) send(res, 200, { result: JSON.parse(outcome.json) as unknown, requestId: outcome.requestId });
    else sendFailure(res, outcome.failure, outcome.requestId);
  }

  return {
    name: 'functions',
    actions: { 'functions.invokeFunction': invokeFunction },
    routes: [
      { method: 'POST', path: '/wx/callFunction', handle: clientCall },
      {
        method: 'OPTIONS',
        path: '/wx/callFunction',
        handle(_req, res) {
          res.writeHead(204, CORS_HEADERS);
          res.end();
        },
      },
      {
        method: 'GET',
        path: '/__emulator/invocations',
        handle(_req, res, url) {
          const fn = url.searchParams.get('function') ?? undefined;
          send(res, 200, { invocations: h.invocations(fn) });
        },
      },
    ],
    health() {
      const triggers = timers.list();
      return {
        ...h.health(),
        triggers,
        invalidTriggers: timers.invalid(),
      };
    },
    reset() {
      h.reset();
    },
    close() {
      timers.close();
      h.close();
    },
  };
};
