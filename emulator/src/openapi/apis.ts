// The WeChat open APIs the emulator answers, each validating its arguments the way WeChat does and
// returning WeChat's JSON body (or an image). Arguments arrive snake_cased, as wx-server-sdk sends them.
import { randomBytes, randomInt } from 'node:crypto';
import QRCode from 'qrcode';
import type { EmulatorContext } from '../context';

/** A WeChat-level failure: reported to the SDK as { errcode, errmsg } JSON, which it throws as errCode. */
export class WxApiError extends Error {
  constructor(
    readonly errcode: number,
    readonly errmsg: string,
  ) {
    super(errmsg);
  }
}

/** What an API produced: a JSON body, or binary content such as the wxacode image. */
export type ApiResult = { kind: 'json'; body: Record<string, unknown> } | { kind: 'binary'; contentType: string; body: Buffer };

export type OpenApiArgs = Record<string, unknown>;
export type OpenApiHandler = (args: OpenApiArgs, ctx: EmulatorContext) => Promise<ApiResult> | ApiResult;

// WeChat error codes used below (https://developers.weixin.qq.com/doc/oplatform/Return_codes/Return_code_descriptions_new.html).
const ERR_INVALID_OPENID = 40003;
const ERR_INVALID_TEMPLATE_ID = 40037;
const ERR_INVALID_ARGS = 40097;
const ERR_INVALID_PAGEPATH = 40165;
const ERR_INVALID_SCENE = 40169;
const ERR_INVALID_QUERY = 40212;
const ERR_INVALID_PAGE = 41030;
const ERR_DATA_FORMAT = 47001;
const ERR_ARGUMENT_INVALID = 47003;
const ERR_INVALID_EXPIRE_TIME = 85401;
const ERR_RISKY_CONTENT = 87014;

const MS_PER_SECOND = 1000;
const MS_PER_DAY = 24 * 60 * 60 * MS_PER_SECOND;

const ok = (extra: Record<string, unknown> = {}): ApiResult => ({ kind: 'json', body: { errcode: 0, errmsg: 'ok', ...extra } });
const isNonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

// ---------------------------------------------------------------- subscribeMessage.send

const MINIPROGRAM_STATES = ['developer', 'trial', 'formal'];
/** msgid values WeChat returns are large integers; the emulator counts from here. */
const FIRST_MSGID = 2_000_000_000;
let nextMsgid = FIRST_MSGID;

/**
 * WeChat's length limits per template keyword type (the key minus its trailing number, e.g. thing1 → thing).
 * Types not listed (time, date, amount, ...) are checked for presence only.
 */
const KEYWORD_MAX_LENGTH: Record<string, number> = {
  thing: 20,
  number: 32,
  letter: 32,
  symbol: 5,
  character_string: 32,
  phone_number: 17,
  car_number: 8,
  name: 10,
  phrase: 5,
};

export const subscribeMessageSend: OpenApiHandler = (args) => {
  if (!isNonEmptyString(args.touser)) throw new WxApiError(ERR_INVALID_OPENID, 'invalid openid');
  if (!isNonEmptyString(args.template_id)) throw new WxApiError(ERR_INVALID_TEMPLATE_ID, 'invalid template_id');
  const data = args.data;
  if (!data || typeof data !== 'object' || Array.isArray(data) || Object.keys(data).length === 0) {
    throw new WxApiError(ERR_ARGUMENT_INVALID, 'argument invalid! data is empty');
  }
  for (const [key, field] of Object.entries(data as Record<string, unknown>)) {
    const value = field && typeof field === 'object' ? (field as Record<string, unknown>).value : undefined;
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new WxApiError(ERR_ARGUMENT_INVALID, `argument invalid! data.${key}.value is empty`);
    }
    const limit = KEYWORD_MAX_LENGTH[key.replace(/\d+$/, '')];
    // Counted in characters (code points), as WeChat counts Chinese text.
    if (limit !== undefined && [...String(value)].length > limit) {
      throw new WxApiError(ERR_ARGUMENT_INVALID, `argument invalid! data.${key}.value exceeds limit of ${limit} characters`);
    }
  }
  const state = args.miniprogram_state;
  if (state !== undefined && !MINIPROGRAM_STATES.includes(String(state))) {
    throw new WxApiError(ERR_ARGUMENT_INVALID, `argument invalid! miniprogram_state must be one of ${MINIPROGRAM_STATES.join('|')}`);
  }
  if (args.page !== undefined && typeof args.page !== 'string') throw new WxApiError(ERR_ARGUMENT_INVALID, 'argument invalid! page');
  nextMsgid += 1;
  return ok({ msgid: nextMsgid });
};

// ---------------------------------------------------------------- wxacode.getUnlimited

/** WeChat's limit on `scene`: at most 32 visible characters from this set. */
const SCENE_MAX_LENGTH = 32;
const SCENE_PATTERN = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]*$/;
const ENV_VERSIONS = ['release', 'trial', 'develop'];
const WIDTH_DEFAULT = 430;
const WIDTH_MIN = 280;
const WIDTH_MAX = 1280;
/** The QR's quiet zone, in modules (the QR spec's minimum is 4). */
const QR_MARGIN_MODULES = 4;

/**
 * The text the emulator's code encodes. A real wxacode is a proprietary "sun code" only WeChat can read;
 * the emulator draws a standard QR code of this URL instead, so tests and the local client can decode it.
 */
function wxacodeText(appId: string, page: string, scene: string, envVersion: string): string {
  return `https://mp.weixin.qq.com/a/${appId}?page=${encodeURIComponent(page)}&scene=${encodeURIComponent(scene)}&env_version=${envVersion}`;
}

export const wxacodeGetUnlimited: OpenApiHandler = async (args, ctx) => {
  const scene = args.scene;
  if (typeof scene !== 'string' || scene.length === 0 || scene.length > SCENE_MAX_LENGTH || !SCENE_PATTERN.test(scene)) {
    throw new WxApiError(ERR_INVALID_SCENE, 'invalid length for scene, or the data is not json string');
  }
  const page = args.page ?? '';
  // WeChat wants a path such as "pages/index/index": no leading slash and no query string.
  if (typeof page !== 'string' || page.startsWith('/') || page.includes('?')) throw new WxApiError(ERR_INVALID_PAGE, 'invalid page');
  const envVersion = args.env_version ?? 'release';
  if (typeof envVersion !== 'string' || !ENV_VERSIONS.includes(envVersion)) {
    throw new WxApiError(ERR_INVALID_ARGS, `invalid args: env_version must be one of ${ENV_VERSIONS.join('|')}`);
  }
  // check_path asks WeChat to verify that the page exists in the published version, which only WeChat
  // knows; the emulator checks the flag's type and the page's form, not its existence.
  const checkPath = args.check_path ?? true;
  if (typeof checkPath !== 'boolean') throw new WxApiError(ERR_INVALID_ARGS, 'invalid args: check_path must be a boolean');
  const rawWidth = args.width ?? WIDTH_DEFAULT;
  if (typeof rawWidth !== 'number' || !Number.isFinite(rawWidth)) throw new WxApiError(ERR_INVALID_ARGS, 'invalid args: width must be a number');
  // WeChat clamps the width into its supported range rather than failing.
  const width = Math.round(Math.min(WIDTH_MAX, Math.max(WIDTH_MIN, rawWidth)));
  const png = await QRCode.toBuffer(wxacodeText(ctx.config.appId, page, scene, envVersion), {
    type: 'png',
    width,
    margin: QR_MARGIN_MODULES,
    errorCorrectionLevel: 'M',
  });
  return { kind: 'binary', contentType: 'image/png', body: png };
};

// ---------------------------------------------------------------- security.msgSecCheck

/** Label the emulator gives every risky-word hit: 20006 违法犯罪 (the default words are gambling, fraud, guns). */
const RISKY_LABEL = 20006;
/** Label WeChat gives clean content. */
const PASS_LABEL = 100;
const MSG_SEC_SCENES = [1, 2, 3, 4];
const MSG_SEC_VERSION = 2;
/** Confidence WeChat's content model reports; the emulator's keyword matching is certain either way. */
const MODEL_PROB = 90;
/** Keyword strategy "level" WeChat reports for a hit. */
const KEYWORD_LEVEL = 20;
const TRACE_ID_RADIX = 36;

export const securityMsgSecCheck: OpenApiHandler = (args, ctx) => {
  const content = args.content;
  if (typeof content !== 'string' || content.length === 0) throw new WxApiError(ERR_DATA_FORMAT, 'data format error: content is required');
  // Version 2 also checks these profile texts when given.
  const texts = [content, args.title, args.nickname, args.signature].filter((t): t is string => typeof t === 'string');
  const hit = ctx.config.riskyWords.find((w) => w.length > 0 && texts.some((t) => t.includes(w)));

  if (args.version === undefined) {
    // Version 1 answers only with an errcode: 87014 for risky content.
    if (hit !== undefined) throw new WxApiError(ERR_RISKY_CONTENT, 'risky content');
    return ok();
  }
  if (args.version !== MSG_SEC_VERSION) throw new WxApiError(ERR_INVALID_ARGS, 'invalid args: version must be 2');
  if (!isNonEmptyString(args.openid)) throw new WxApiError(ERR_INVALID_OPENID, 'invalid openid');
  if (!MSG_SEC_SCENES.includes(Number(args.scene))) throw new WxApiError(ERR_INVALID_ARGS, 'invalid args: scene must be 1, 2, 3 or 4');

  const suggest = hit === undefined ? 'pass' : 'risky';
  const label = hit === undefined ? PASS_LABEL : RISKY_LABEL;
  const detail: Record<string, unknown>[] = [{ strategy: 'content_model', errcode: 0, suggest, label, prob: MODEL_PROB }];
  if (hit !== undefined) detail.push({ strategy: 'keyword', errcode: 0, suggest, label, level: KEYWORD_LEVEL, keyword: hit });
  return ok({
    result: { suggest, label },
    detail,
    trace_id: `emu-${ctx.clock.now().toString(TRACE_ID_RADIX)}-${Math.random().toString(TRACE_ID_RADIX).slice(2)}`,
  });
};

// ---------------------------------------------------------------- urllink.generate

/** The host of the links the emulator issues; WeChat also issues them on wxmpurl.cn. */
const URL_LINK_HOST = 'wxaurl.cn';
const URL_LINK_HOSTS = [URL_LINK_HOST, 'wxmpurl.cn'];
/** Tickets WeChat issues are 11 letters and digits, e.g. tN5huKl2Gwg. */
const URL_LINK_CODE_LENGTH = 11;
const URL_LINK_CODE_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const EXPIRE_TYPE_TIME = 0;
const EXPIRE_TYPE_INTERVAL = 1;
/** Since April 2022 every URL Link expires, at most 30 days after it is generated. */
const URL_LINK_MAX_DAYS = 30;
const URL_LINK_MIN_INTERVAL_DAYS = 1;
const URL_LINK_QUERY_MAX_LENGTH = 1024;
const URL_LINK_QUERY_PATTERN = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~%]*$/;

/** What the emulator keeps of one URL Link (openapi_url_links), for SMS checks and the test endpoint. */
export interface UrlLinkInfo {
  code: string;
  /** The page, e.g. "pages/request/detail"; empty for the home page. */
  path: string;
  query: string;
  envVersion: string;
  createdAtMs: number;
  expiresAtMs: number;
}

/** The table the open-API module creates for the links urllink.generate issues. */
export const URL_LINKS_TABLE_SQL = `
  CREATE TABLE IF NOT EXISTS openapi_url_links (
    code TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    query TEXT NOT NULL,
    env_version TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    expires_ms INTEGER NOT NULL
  );
`;

export function findUrlLink(ctx: EmulatorContext, code: string): UrlLinkInfo | undefined {
  const row = ctx.store.prepare('SELECT * FROM openapi_url_links WHERE code = ?').get(code) as
    | { code: string; path: string; query: string; env_version: string; created_ms: number; expires_ms: number }
    | undefined;
  if (!row) return undefined;
  return { code: row.code, path: row.path, query: row.query, envVersion: row.env_version, createdAtMs: row.created_ms, expiresAtMs: row.expires_ms };
}

/** The ticket of a URL Link such as https://wxaurl.cn/tN5huKl2Gwg (WeChat lets callers append ?cq=…), if it is one. */
function urlLinkCode(link: string): string | undefined {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return undefined;
  }
  const code = url.pathname.slice(1);
  if (url.protocol !== 'https:' || !URL_LINK_HOSTS.includes(url.hostname) || !/^[0-9A-Za-z]+$/.test(code)) return undefined;
  return code;
}

function newUrlLinkCode(): string {
  return Array.from({ length: URL_LINK_CODE_LENGTH }, () => URL_LINK_CODE_ALPHABET[randomInt(URL_LINK_CODE_ALPHABET.length)]).join('');
}

/** When a link asked for with these arguments expires, on the emulator clock. */
function urlLinkExpiry(args: OpenApiArgs, nowMs: number): number {
  const latestMs = nowMs + URL_LINK_MAX_DAYS * MS_PER_DAY;
  const expireType = args.expire_type ?? EXPIRE_TYPE_TIME;
  if (expireType === EXPIRE_TYPE_INTERVAL) {
    const days = args.expire_interval;
    if (!Number.isInteger(days) || (days as number) < URL_LINK_MIN_INTERVAL_DAYS || (days as number) > URL_LINK_MAX_DAYS) {
      throw new WxApiError(ERR_INVALID_EXPIRE_TIME, `invalid expire_interval: whole days from ${URL_LINK_MIN_INTERVAL_DAYS} to ${URL_LINK_MAX_DAYS}`);
    }
    return nowMs + (days as number) * MS_PER_DAY;
  }
  if (expireType !== EXPIRE_TYPE_TIME) {
    throw new WxApiError(ERR_INVALID_ARGS, `invalid args: expire_type must be ${EXPIRE_TYPE_TIME} (expire_time) or ${EXPIRE_TYPE_INTERVAL} (expire_interval)`);
  }
  // Without an expire_time the link lives as long as WeChat allows.
  if (args.expire_time === undefined) return latestMs;
  const seconds = args.expire_time;
  if (!Number.isInteger(seconds)) throw new WxApiError(ERR_DATA_FORMAT, 'data format error: expire_time must be a Unix time in seconds');
  const expiresAtMs = (seconds as number) * MS_PER_SECOND;
  if (expiresAtMs <= nowMs || expiresAtMs > latestMs) {
    throw new WxApiError(ERR_INVALID_EXPIRE_TIME, `invalid expire_time: must be after now and at most ${URL_LINK_MAX_DAYS} days ahead`);
  }
  return expiresAtMs;
}

export const urllinkGenerate: OpenApiHandler = (args, ctx) => {
  const path = args.path ?? '';
  // A page such as "pages/index/index": no leading slash and no query string (that goes in `query`); empty is the home page.
  if (typeof path !== 'string' || path.startsWith('/') || path.includes('?')) throw new WxApiError(ERR_INVALID_PAGEPATH, 'invalid weapp pagepath');
  const query = args.query ?? '';
  if (typeof query !== 'string' || query.length > URL_LINK_QUERY_MAX_LENGTH || !URL_LINK_QUERY_PATTERN.test(query)) {
    throw new WxApiError(ERR_INVALID_QUERY, `invalid query: at most ${URL_LINK_QUERY_MAX_LENGTH} characters of 0-9A-Za-z!#$&'()*+,/:;=?@-._~%`);
  }
  const envVersion = args.env_version ?? 'release';
  if (typeof envVersion !== 'string' || !ENV_VERSIONS.includes(envVersion)) {
    throw new WxApiError(ERR_INVALID_ARGS, `invalid args: env_version must be one of ${ENV_VERSIONS.join('|')}`);
  }
  const cloudBase = args.cloud_base;
  if (cloudBase !== undefined && (!cloudBase || typeof cloudBase !== 'object' || !isNonEmptyString((cloudBase as Record<string, unknown>).env))) {
    throw new WxApiError(ERR_DATA_FORMAT, 'data format error: cloud_base must be an object with env');
  }
  const nowMs = ctx.clock.now();
  const expiresAtMs = urlLinkExpiry(args, nowMs);
  const code = newUrlLinkCode();
  ctx.store
    .prepare('INSERT INTO openapi_url_links (code, path, query, env_version, created_ms, expires_ms) VALUES (?, ?, ?, ?, ?, ?)')
    .run(code, path, query, envVersion, nowMs, expiresAtMs);
  return ok({ url_link: `https://${URL_LINK_HOST}/${code}` });
};

// ---------------------------------------------------------------- cloudbase.sendSmsV2

const SMS_MAX_PHONE_NUMBERS = 1000;
/** Mainland numbers only, with the +86 prefix: +86 then an 11-digit mobile number starting with 1. */
const SMS_PHONE_NUMBER_PATTERN = /^\+861\d{10}$/;
/** The template's custom variable {1} ({2} is the URL Link), counted in characters (code points). */
const SMS_CUSTOM_VARIABLE_MAX_LENGTH = 30;
const SMS_SERIAL_NO_BYTES = 8;

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

export const cloudbaseSendSmsV2: OpenApiHandler = (args, ctx) => {
  const { env, url_link: urlLink, template_id: templateId, template_param_list: params, phone_number_list: numbers } = args;
  if (!isNonEmptyString(env)) throw new WxApiError(ERR_DATA_FORMAT, 'data format error: env is required');
  if (env !== ctx.config.envId) throw new WxApiError(ERR_ARGUMENT_INVALID, `argument invalid! env ${env} is not this environment (${ctx.config.envId})`);
  if (!isNonEmptyString(urlLink)) throw new WxApiError(ERR_DATA_FORMAT, 'data format error: url_link is required');
  if (!isNonEmptyString(templateId)) throw new WxApiError(ERR_DATA_FORMAT, 'data format error: template_id is required');
  if (!isStringArray(params)) throw new WxApiError(ERR_DATA_FORMAT, 'data format error: template_param_list must be an array of strings');
  if (!isStringArray(numbers)) throw new WxApiError(ERR_DATA_FORMAT, 'data format error: phone_number_list must be an array of strings');
  if (args.use_short_name !== undefined && typeof args.use_short_name !== 'boolean') {
    throw new WxApiError(ERR_DATA_FORMAT, 'data format error: use_short_name must be a boolean');
  }
  if (args.resource_appid !== undefined && typeof args.resource_appid !== 'string') {
    throw new WxApiError(ERR_DATA_FORMAT, 'data format error: resource_appid must be a string');
  }
  // The SMS opens the mini-program through the link, so it must be a live link of this app: the emulator
  // knows the ones it issued (stricter than WeChat about expiry, so a stale link fails in tests).
  const code = urlLinkCode(urlLink);
  const link = code === undefined ? undefined : findUrlLink(ctx, code);
  if (!link) throw new WxApiError(ERR_ARGUMENT_INVALID, `argument invalid! url_link ${urlLink} is not a URL Link from urllink.generate`);
  if (link.expiresAtMs <= ctx.clock.now()) throw new WxApiError(ERR_ARGUMENT_INVALID, `argument invalid! url_link ${urlLink} has expired`);
  const customVariable = params[0];
  if (customVariable === undefined) throw new WxApiError(ERR_ARGUMENT_INVALID, 'argument invalid! template_param_list is empty');
  if ([...customVariable].length > SMS_CUSTOM_VARIABLE_MAX_LENGTH) {
    throw new WxApiError(ERR_ARGUMENT_INVALID, `argument invalid! template_param_list[0] exceeds limit of ${SMS_CUSTOM_VARIABLE_MAX_LENGTH} characters`);
  }
  if (numbers.length === 0 || numbers.length > SMS_MAX_PHONE_NUMBERS) {
    throw new WxApiError(ERR_ARGUMENT_INVALID, `argument invalid! phone_number_list must hold 1 to ${SMS_MAX_PHONE_NUMBERS} numbers`);
  }
  const badNumber = numbers.find((n) => !SMS_PHONE_NUMBER_PATTERN.test(n));
  if (badNumber !== undefined) {
    throw new WxApiError(ERR_ARGUMENT_INVALID, `argument invalid! phone number ${badNumber} is not a mainland mobile number starting with +86`);
  }
  return ok({
    send_status_list: numbers.map((phoneNumber) => ({
      serial_no: randomBytes(SMS_SERIAL_NO_BYTES).toString('hex'),
      phone_number: phoneNumber,
      code: 'Ok',
      message: 'send success',
      iso_code: 'CN',
    })),
  });
};
