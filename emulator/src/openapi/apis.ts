// The WeChat open APIs the emulator answers, each validating its arguments the way WeChat does and
// returning WeChat's JSON body (or an image). Arguments arrive snake_cased, as wx-server-sdk sends them.
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
const ERR_INVALID_SCENE = 40169;
const ERR_INVALID_PAGE = 41030;
const ERR_DATA_FORMAT = 47001;
const ERR_ARGUMENT_INVALID = 47003;
const ERR_RISKY_CONTENT = 87014;

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
