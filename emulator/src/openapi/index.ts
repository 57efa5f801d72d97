// The open-API module: answers wx-server-sdk's `wx.openApi` action (cloud.openapi.* and cloud.getOpenData)
// with the protobuf envelope the SDK decodes, records every call in a durable outbox, mints cloudIDs for
// tests (standing in for wx.getGroupEnterInfo) and honours injected open-API faults.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { EmulatorError, RawResponse, type ActionParams, type EmulatorContext, type ModuleFactory } from '../context';
import { isDelayOnly } from '../faults';
import { readJson, sendJson } from '../http-util';
import {
  URL_LINKS_TABLE_SQL,
  WxApiError,
  cloudbaseSendSmsV2,
  findUrlLink,
  securityMsgSecCheck,
  subscribeMessageSend,
  urllinkGenerate,
  wxacodeGetUnlimited,
  type ApiResult,
  type OpenApiArgs,
  type OpenApiHandler,
} from './apis';
import {
  API_TYPE_OPEN_API,
  API_TYPE_SVRKIT_API,
  decodeCommApiData,
  decodeGetOpenDataReq,
  encodeCommOpenApiResp,
  encodeGetOpenDataResp,
  type DecodedCommApiData,
} from './proto';

/** Content type of a successful wx.openApi answer; anything but JSON makes the SDK decode the protobuf. */
const PROTOBUF_CONTENT_TYPE = 'application/octet-stream';
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
/** The svrkit API behind cloud.getOpenData. */
const GET_OPEN_DATA_SVRKIT_API = 'ApiGetOpenDataByCloudId';
/** WeChat keeps a cloudID usable for five minutes after the client obtains it. */
const CLOUD_ID_TTL_MS = 5 * 60_000;
const CLOUD_ID_BYTES = 24;
const MS_PER_SECOND = 1000;
/** wx-server-sdk's codes for cloudID failures (its ERR_CODE table), sent as CommOpenApiResp.errorCode. */
const WX_INVALID_CLOUDID = -601005;
const WX_CLOUDID_EXPIRED = -601006;
/** WeChat's "system busy" errcode, used for a fault armed without an errcode. */
const WX_SYSTEM_BUSY = -1;
const WX_DATA_FORMAT_ERROR = 47001;
/** GET <route><code>: a URL Link's page, query, version and expiry. */
const URL_LINK_ROUTE = '/__emulator/urllink/';

const OPEN_APIS: Record<string, OpenApiHandler> = {
  'subscribeMessage.send': subscribeMessageSend,
  'wxacode.getUnlimited': wxacodeGetUnlimited,
  'security.msgSecCheck': securityMsgSecCheck,
  'urllink.generate': urllinkGenerate,
  'cloudbase.sendSmsV2': cloudbaseSendSmsV2,
  'cloudbase.getOpenData': (args, ctx) => {
    const list = args.cloudid_list;
    if (!Array.isArray(list) || list.some((c) => typeof c !== 'string')) {
      throw new WxApiError(WX_DATA_FORMAT_ERROR, 'data format error: cloudid_list must be an array of strings');
    }
    let items: { cloudId: string; json: string }[];
    try {
      items = resolveCloudIds(ctx, list as string[]);
    } catch (err) {
      throw err instanceof CloudIdError ? new WxApiError(err.errorCode, err.message) : err;
    }
    return { kind: 'json', body: { errcode: 0, errmsg: 'ok', data_list: items.map((i) => ({ cloud_id: i.cloudId, json: i.json })) } };
  },
};

interface OutboxRow {
  id: number;
  api: string;
  request: string;
  response: string | null;
  error: string | null;
  at_ms: number;
}

/** One open-API call as the outbox keeps it (tests name the shapes of the request and response they read). */
export interface OutboxMessage<Request = unknown, Response = unknown> {
  id: number;
  api: string;
  request: Request;
  response?: Response;
  error?: { errcode: number | string; errmsg: string };
  atMs: number;
}

/** A cloudID lookup failure, reported through CommOpenApiResp.errorCode as WeChat does. */
class CloudIdError extends Error {
  constructor(
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
  }
}

function resolveCloudIds(ctx: EmulatorContext, cloudIds: string[]): { cloudId: string; json: string }[] {
  const get = ctx.store.prepare('SELECT json, expires_ms FROM openapi_cloud_ids WHERE cloud_id = ?');
  return cloudIds.map((cloudId) => {
    const row = get.get(cloudId) as { json: string; expires_ms: number } | undefined;
    if (!row) throw new CloudIdError(WX_INVALID_CLOUDID, `invalid cloudID ${cloudId} (mint one with POST /__emulator/cloudid)`);
    if (row.expires_ms <= ctx.clock.now()) throw new CloudIdError(WX_CLOUDID_EXPIRED, `cloudID expired: ${cloudId}`);
    return { cloudId, json: row.json };
  });
}

export const createOpenApiModule: ModuleFactory = (ctx) => {
  const db = ctx.store;
  db.exec(`
    CREATE TABLE IF NOT EXISTS openapi_outbox (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      api TEXT NOT NULL,
      request TEXT NOT NULL,
      response TEXT,
      error TEXT,
      at_ms INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS openapi_outbox_api ON openapi_outbox(api, id);
    CREATE TABLE IF NOT EXISTS openapi_cloud_ids (
      cloud_id TEXT PRIMARY KEY,
      json TEXT NOT NULL,
      expires_ms INTEGER NOT NULL
    );
    ${URL_LINKS_TABLE_SQL}
  `);
  const insertOutbox = db.prepare('INSERT INTO openapi_outbox (api, request, response, error, at_ms) VALUES (?, ?, ?, ?, ?)');
  const record = (api: string, request: unknown, outcome: { response: unknown } | { error: OutboxMessage['error'] }): void => {
    insertOutbox.run(
      api,
      JSON.stringify(request ?? null),
      'response' in outcome ? JSON.stringify(outcome.response) : null,
      'error' in outcome ? JSON.stringify(outcome.error) : null,
      ctx.clock.now(),
    );
  };

  /** Answers a WeChat-level result as the SDK expects: the JSON (or image) inside CommOpenApiResp.respData. */
  const wxReply = (result: ApiResult): RawResponse => {
    const respData = result.kind === 'json' ? Buffer.from(JSON.stringify(result.body)) : result.body;
    const contentType = result.kind === 'json' ? JSON_CONTENT_TYPE : result.contentType;
    return new RawResponse(encodeCommOpenApiResp({ respData, contentType }), PROTOBUF_CONTENT_TYPE);
  };

  async function handleOpenApi(apiName: string, comm: DecodedCommApiData): Promise<RawResponse> {
    if (comm.apiType === API_TYPE_SVRKIT_API) return handleSvrkit(apiName, comm);
    if (comm.apiType !== API_TYPE_OPEN_API) {
      throw new EmulatorError(
        'OPENAPI_NOT_SUPPORTED',
        `openapi.${apiName}: the emulator supports only OPEN_API and SVRKIT_API calls (got apiType ${comm.apiType})`,
      );
    }
    const args = decodeArgs(comm);
    const handler = OPEN_APIS[apiName];
    if (!handler) {
      const message = `openapi.${apiName} is not supported by the emulator (supported: ${Object.keys(OPEN_APIS).join(', ')})`;
      record(apiName, args, { error: { errcode: 'OPENAPI_NOT_SUPPORTED', errmsg: message } });
      throw new EmulatorError('OPENAPI_NOT_SUPPORTED', message);
    }
    const fault = ctx.faults.take('openApi', apiName);
    if (fault?.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault && !isDelayOnly(fault)) {
      const error = { errcode: Number(fault.errcode ?? WX_SYSTEM_BUSY), errmsg: fault.errmsg ?? `injected fault for ${apiName}` };
      record(apiName, args, { error });
      return wxReply({ kind: 'json', body: error });
    }
    let result: ApiResult;
    try {
      result = await handler(args, ctx);
    } catch (err) {
      if (!(err instanceof WxApiError)) throw err;
      const error = { errcode: err.errcode, errmsg: err.errmsg };
      record(apiName, args, { error });
      return wxReply({ kind: 'json', body: error });
    }
    record(apiName, args, {
      response: result.kind === 'json' ? result.body : { contentType: result.contentType, byteLength: result.body.length },
    });
    return wxReply(result);
  }

  function handleSvrkit(apiName: string, comm: DecodedCommApiData): RawResponse {
    const svrkitName = comm.svrkit?.apiName ?? apiName;
    if (svrkitName !== GET_OPEN_DATA_SVRKIT_API) {
      throw new EmulatorError('OPENAPI_NOT_SUPPORTED', `svrkit API ${svrkitName} is not supported by the emulator (supported: ${GET_OPEN_DATA_SVRKIT_API})`);
    }
    const request = decodeGetOpenDataReq(comm.svrkit?.reqData ?? Buffer.alloc(0));
    const fail = (errorCode: number, errmsg: string): RawResponse => {
      record(svrkitName, request, { error: { errcode: errorCode, errmsg } });
      return new RawResponse(encodeCommOpenApiResp({ respData: Buffer.alloc(0), contentType: '', errorCode }), PROTOBUF_CONTENT_TYPE);
    };
    const fault = ctx.faults.take('openApi', svrkitName);
    if (fault) return fail(Number(fault.errcode ?? WX_SYSTEM_BUSY), fault.errmsg ?? `injected fault for ${svrkitName}`);
    let items: { cloudId: string; json: string }[];
    try {
      items = resolveCloudIds(ctx, request.cloudidList);
    } catch (err) {
      if (err instanceof CloudIdError) return fail(err.errorCode, err.message);
      throw err;
    }
    record(svrkitName, request, { response: { dataList: items.map((i) => JSON.parse(i.json) as unknown) } });
    const respData = encodeGetOpenDataResp(items);
    return new RawResponse(encodeCommOpenApiResp({ respData, contentType: '' }), PROTOBUF_CONTENT_TYPE);
  }

  function outbox(api: string | null): OutboxMessage[] {
    const rows = (
      api === null
        ? db.prepare('SELECT * FROM openapi_outbox ORDER BY id').all()
        : db.prepare('SELECT * FROM openapi_outbox WHERE api = ? ORDER BY id').all(api)
    ) as OutboxRow[];
    return rows.map((r) => ({
      id: r.id,
      api: r.api,
      request: JSON.parse(r.request) as unknown,
      ...(r.response !== null ? { response: JSON.parse(r.response) as unknown } : {}),
      ...(r.error !== null ? { error: JSON.parse(r.error) as OutboxMessage['error'] } : {}),
      atMs: r.at_ms,
    }));
  }

  return {
    name: 'openapi',
    actions: {
      'wx.openApi': async (params: ActionParams, _req: IncomingMessage) => {
        const apiName = params.apiName;
        if (typeof apiName !== 'string' || apiName.length === 0) throw new EmulatorError('INVALID_PARAM', 'wx.openApi: apiName is required');
        const raw = params.requestData;
        if (!Buffer.isBuffer(raw)) throw new EmulatorError('INVALID_PARAM', `openapi.${apiName}: requestData must be a protobuf file part`);
        let comm: DecodedCommApiData;
        try {
          comm = decodeCommApiData(raw);
        } catch (err) {
          throw new EmulatorError('INVALID_PARAM', `openapi.${apiName}: requestData is not a CommApiData protobuf (${String(err)})`);
        }
        return handleOpenApi(apiName, comm);
      },
      'wx.wxPayApi': (params: ActionParams) => {
        throw new EmulatorError('OPENAPI_NOT_SUPPORTED', `WeChat Pay API ${String(params.apiName)} is not supported by the emulator`);
      },
      'wx.api': (params: ActionParams) => {
        throw new EmulatorError(
          'OPENAPI_NOT_SUPPORTED',
          `wx.api ${String(params.apiName)} (callWxOpenApi) is not supported by the emulator; use cloud.openapi.*`,
        );
      },
    },
    routes: [
      {
        method: 'GET',
        path: '/__emulator/outbox',
        handle(_req, res, url) {
          sendJson(res, 200, { messages: outbox(url.searchParams.get('api')) });
        },
      },
      {
        // Stands in for the client's wx.getGroupEnterInfo / wx.getShareInfo: mints a cloudID whose open data
        // is { openGId } (or any `data` given), resolvable by cloud.getOpenData for CLOUD_ID_TTL_MS.
        method: 'POST',
        path: '/__emulator/cloudid',
        async handle(req, res) {
          const body = await readJson(req);
          const { opengid, data } = body;
          let openData: Record<string, unknown>;
          if (typeof opengid === 'string' && opengid.length > 0) openData = { openGId: opengid };
          else if (data && typeof data === 'object' && !Array.isArray(data)) openData = { ...(data as Record<string, unknown>) };
          else throw new EmulatorError('INVALID_PARAM', 'body must be { "opengid": "<group id>" } or { "data": { ... } }', 400);
          const now = ctx.clock.now();
          const cloudID = randomBytes(CLOUD_ID_BYTES).toString('base64url');
          // Open data carries a watermark naming the app and the time it was issued, as WeChat's does.
          const json = JSON.stringify({
            cloudID,
            data: { ...openData, watermark: { timestamp: Math.floor(now / MS_PER_SECOND), appid: ctx.config.appId } },
          });
          const expiresAtMs = now + CLOUD_ID_TTL_MS;
          db.prepare('INSERT INTO openapi_cloud_ids (cloud_id, json, expires_ms) VALUES (?, ?, ?)').run(cloudID, json, expiresAtMs);
          sendJson(res, 200, { cloudID, expiresAtMs });
        },
      },
      {
        // For tests: where a URL Link from urllink.generate opens the mini-program, and whether it has
        // expired on the emulator clock (what a phone tapping the link in an SMS would get).
        method: 'GET',
        path: URL_LINK_ROUTE,
        handle(_req, res, url) {
          const code = url.pathname.slice(URL_LINK_ROUTE.length);
          const link = findUrlLink(ctx, code);
          if (!link) throw new EmulatorError('URLLINK_NOT_FOUND', `no URL Link ${code} was generated by this emulator`, 404);
          const { path, query, envVersion, createdAtMs, expiresAtMs } = link;
          sendJson(res, 200, { code, path, query, envVersion, createdAtMs, expiresAtMs, expired: expiresAtMs <= ctx.clock.now() });
        },
      },
    ],
    reset() {
      db.exec('DELETE FROM openapi_outbox; DELETE FROM openapi_cloud_ids; DELETE FROM openapi_url_links;');
    },
    health() {
      const count = (table: string): number => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
      return { outboxMessages: count('openapi_outbox'), urlLinks: count('openapi_url_links') };
    },
  };
};

/** The call's arguments: each pair's value is JSON, except media parts (described, not stored). */
function decodeArgs(comm: DecodedCommApiData): OpenApiArgs {
  const args: OpenApiArgs = {};
  for (const pair of comm.pairs) {
    if (pair.contentType !== undefined) {
      args[pair.key] = { contentType: pair.contentType, filename: pair.filename, byteLength: pair.value.length };
      continue;
    }
    try {
      args[pair.key] = JSON.parse(pair.value.toString('utf8')) as unknown;
    } catch {
      throw new EmulatorError('INVALID_PARAM', `argument ${pair.key} is not JSON`);
    }
  }
  return args;
}
