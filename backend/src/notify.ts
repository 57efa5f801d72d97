// Subscribe messages. A one-time authorisation (wx.requestSubscribeMessage) allows exactly one send,
// so we count the authorisations each user holds per template; a government-affairs (政务民生) account
// may hold long-term ones. A user with none left is skipped (the in-app inbox still has the item) and
// the skip is reported so committees can see whose authorisations ran out; a responder is then
// reached by SMS (below, and core/src/channels.ts), which needs no consent but is paid for.
import { SMS_LINK_EXPIRY_DAYS, smsDayOf, smsUsageId, withinSmsBudget } from '../../core/src/channels';
import { chinaDayjs } from '../../core/src/chinaTime';
import type { SendOutcome } from '../../core/src/delivery';
import type { EpochMs, SmsPolicy } from '../../core/src/model';
import {
  DEFAULT_TEMPLATE_IDS,
  RESIDENT_NOTICE_TEMPLATE_KEYS,
  RESIDENT_REQUEST_TEMPLATE_KEYS,
  TEMPLATE_KEYS,
  type TemplateKey,
} from '../../core/src/subscriptions';
import { truncateChars } from '../../core/src/text';
import type { Database, WxCloud } from './cloud';
import { COLLECTIONS } from './collections';
import { fetchAll, fetchById, insertOnce, MAX_GET_LIMIT, removeWhere, updateWhere } from './db';
import { wxacodeEnvVersion } from './membership/qrcode';

/** Subscription templates, configured per deployment through the function environment (an empty value keeps the emulator's id). */
export const TEMPLATE_IDS: Readonly<Record<TemplateKey, string>> = {
  requestAssigned: process.env.TEMPLATE_REQUEST_ASSIGNED || DEFAULT_TEMPLATE_IDS.requestAssigned,
  requestEscalated: process.env.TEMPLATE_REQUEST_ESCALATED || DEFAULT_TEMPLATE_IDS.requestEscalated,
  requestDueSoon: process.env.TEMPLATE_REQUEST_DUE_SOON || DEFAULT_TEMPLATE_IDS.requestDueSoon,
  requestUpdated: process.env.TEMPLATE_REQUEST_UPDATED || DEFAULT_TEMPLATE_IDS.requestUpdated,
  noticePublished: process.env.TEMPLATE_NOTICE_PUBLISHED || DEFAULT_TEMPLATE_IDS.noticePublished,
};

/**
 * Long-term subscriptions (长期订阅, for government-affairs accounts): LONG_TERM_SUBSCRIPTIONS=true for
 * every template, or a comma list of the template keys WeChat approved as long-term (e.g.
 * "requestAssigned,requestEscalated,requestDueSoon"); sends of those consume nothing.
 */
const LONG_TERM_SETTING = (process.env.LONG_TERM_SUBSCRIPTIONS ?? '').trim();
const LONG_TERM_TEMPLATE_IDS: ReadonlySet<string> = new Set(
  LONG_TERM_SETTING === 'true'
    ? Object.values(TEMPLATE_IDS)
    : LONG_TERM_SETTING.split(',')
        .map((key) => key.trim())
        .filter((key): key is TemplateKey => (TEMPLATE_KEYS as readonly string[]).includes(key))
        .map((key) => TEMPLATE_IDS[key]),
);

/** True when every template is long-term: nothing is counted anywhere. */
export const LONG_TERM_SUBSCRIPTIONS = TEMPLATE_KEYS.every((key) => LONG_TERM_TEMPLATE_IDS.has(TEMPLATE_IDS[key]));

/** True when sends of this template consume no authorisation. */
export function isLongTerm(templateId: string): boolean {
  return LONG_TERM_TEMPLATE_IDS.has(templateId);
}

/** WeChat's limit for a `thing` keyword of a subscribe message, in characters. */
const THING_MAX_CHARS = 20;
const MESSAGE_TIME_FORMAT = 'YYYY-MM-DD HH:mm';

/** A `thing` keyword's value, cut to WeChat's limit. */
export function thingValue(text: string): { value: string } {
  return { value: truncateChars(text, THING_MAX_CHARS) };
}

/** A `time` keyword's value, in China time. */
export function timeValue(at: EpochMs): { value: string } {
  return { value: chinaDayjs(at).format(MESSAGE_TIME_FORMAT) };
}

/** WeChat's errcode when the user has no (remaining) authorisation for the template. */
const ERRCODE_USER_REFUSED = 43101;

interface SubscriptionDoc {
  _id: string;
  userId: string;
  templateId: string;
  /** One-time authorisations not yet used. */
  remaining: number;
  updatedAt: number;
}

function subscriptionId(userId: string, templateId: string): string {
  return `${userId}:${templateId}`;
}

/** A recorded consent tap (recordSubscription): the user's id first, so one range finds all of theirs. */
export function subscriptionGrantId(userId: string, clientGrantId: string): string {
  return `${userId}:${clientGrantId}`;
}

/** What a resident alone is sent (their requests' updates, notices): none once they have left the grid. */
const RESIDENT_TEMPLATE_IDS: readonly string[] = [...RESIDENT_REQUEST_TEMPLATE_KEYS, ...RESIDENT_NOTICE_TEMPLATE_KEYS].map((key) => TEMPLATE_IDS[key]);

/**
 * Forgets a resident's authorisations for residents' messages, and the consent taps that gave only
 * those (PIPL: nothing is left to send them once they have left); a staff member's own templates stay.
 * Idempotent. Round trips: the taps (a range of _id) ∥ the authorisations' removal, then the taps' removal.
 */
export async function forgetResidentAuthorisations(db: Database, userId: string): Promise<void> {
  const _ = db.command;
  const grants = db.collection(COLLECTIONS.subscriptionGrants);
  const [taps] = await Promise.all([
    // ';' follows ':' in code-unit order: the range is exactly the ids subscriptionGrantId(userId, …) makes.
    fetchAll<{ _id: string; templateIds: string[] }>(
      grants
        .where({ _id: _.gte(subscriptionGrantId(userId, '')).and(_.lt(`${userId};`)) })
        .field({ _id: true, templateIds: true })
        .limit(MAX_GET_LIMIT),
    ),
    removeWhere(db.collection(COLLECTIONS.subscriptions).where({ userId, templateId: _.in([...RESIDENT_TEMPLATE_IDS]) })),
  ]);
  const residentOnly = taps.filter((tap) => tap.templateIds.every((id) => RESIDENT_TEMPLATE_IDS.includes(id))).map((tap) => tap._id);
  if (residentOnly.length > 0) await removeWhere(grants.where({ _id: _.in(residentOnly) }));
}

export interface SubscribeMessage {
  touser: string;
  templateId: string;
  /** Mini-program page the message opens, e.g. 'pages/request/index?id=…'. */
  page: string;
  /** Template keywords, e.g. { thing1: { value: '…' } }. */
  data: Record<string, { value: string }>;
}

/** Adds one-time authorisations the user just granted (recordSubscription). One round trip per template. */
export async function addAuthorisations(db: Database, userId: string, templateIds: readonly string[], now: number): Promise<void> {
  const _ = db.command;
  await Promise.all(
    templateIds.map(async (templateId) => {
      const id = subscriptionId(userId, templateId);
      const updated = await updateWhere(db.collection(COLLECTIONS.subscriptions).where({ _id: id }), { remaining: _.inc(1), updatedAt: now });
      if (updated === 0) {
        await db
          .collection(COLLECTIONS.subscriptions)
          .doc(id)
          .set({ data: { userId, templateId, remaining: 1, updatedAt: now } });
      }
    }),
  );
}

/**
 * Sends one subscribe message if the user holds an authorisation for it. The authorisation is spent
 * only by a send WeChat accepted (or refused for the user's reason, 43101, which clears the count): a
 * system error keeps it for the retry. The spend is a conditional decrement, so two concurrent sends
 * never take the count below zero; if that write fails after an accepted send the count stays one too
 * high, and WeChat's 43101 on a later send corrects it.
 * Round trips: one read, the send, one update.
 */
export async function sendSubscribeMessage(cloud: WxCloud, db: Database, message: SubscribeMessage, now: number): Promise<SendOutcome> {
  const held = isLongTerm(message.templateId)
    ? Number.POSITIVE_INFINITY
    : ((await fetchById<SubscriptionDoc>(db, COLLECTIONS.subscriptions, subscriptionId(message.touser, message.templateId)))?.remaining ?? 0);
  return sendHeldSubscribeMessage(cloud, db, message, held, now);
}

/**
 * sendSubscribeMessage for a caller that read the recipient's authorisations already (several
 * recipients in one read, remainingAuthorisations): `held` is what that read found. The spend is
 * written at once, or handed to `deferSpend` for a caller that writes it alongside its own next
 * write. Round trips: the send, one update.
 */
export async function sendHeldSubscribeMessage(
  cloud: WxCloud,
  db: Database,
  message: SubscribeMessage,
  held: number,
  now: number,
  deferSpend?: (spend: () => Promise<void>) => void,
): Promise<SendOutcome> {
  const longTerm = isLongTerm(message.templateId);
  if (!longTerm && held <= 0) return 'noAuthorisation';
  const id = subscriptionId(message.touser, message.templateId);
  const outcome = await sendCounted(cloud, message);
  // WeChat says the user holds no authorisation: our count was stale, so clear it.
  const update = outcome === 'refused' ? { remaining: 0 } : outcome === 'sent' && !longTerm ? { remaining: db.command.inc(-1) } : null;
  if (update) {
    const spend = () => spendAuthorisation(db, id, { ...update, updatedAt: now });
    if (deferSpend) deferSpend(spend);
    else await spend();
  }
  return outcome;
}

/** Writes down a spent (or cleared) authorisation; a failure is logged, not thrown: the send's outcome stands. */
async function spendAuthorisation(db: Database, id: string, update: Record<string, unknown>): Promise<void> {
  try {
    await updateWhere(db.collection(COLLECTIONS.subscriptions).where({ _id: id, remaining: db.command.gt(0) }), update);
  } catch (err) {
    console.error('[notify] authorisation count not updated', id, err instanceof Error ? err.message : err);
  }
}

/** Authorisations left per user for one template; users without a document have none. */
export async function remainingAuthorisations(db: Database, userIds: readonly string[], templateId: string): Promise<Record<string, number>> {
  const _ = db.command;
  const out: Record<string, number> = Object.fromEntries(userIds.map((u) => [u, 0]));
  if (userIds.length === 0) return out;
  const docs = await fetchAll<SubscriptionDoc>(
    db
      .collection(COLLECTIONS.subscriptions)
      .where({ _id: _.in(userIds.map((u) => subscriptionId(u, templateId))) })
      .limit(MAX_GET_LIMIT),
  );
  for (const doc of docs) out[doc.userId] = doc.remaining;
  return out;
}

// ---------------------------------------------------------------------------------------------
// SMS (CloudBase sendSmsV2): no consent needed, but paid for, so budgeted per village per China day.

/**
 * The SMS template (CloudBase console → 短信, a template with one variable {1} and the link {2}),
 * configured per deployment through SMS_TEMPLATE_ID; the default is the emulator's.
 */
const SMS_TEMPLATE_ID = process.env.SMS_TEMPLATE_ID || 'sms-request-waiting';

/** The CloudBase environment the function runs in (sendSmsV2 bills it), as the SDK reads it from the platform. */
function currentEnvId(cloud: WxCloud): string {
  return cloud.getWXContext().ENV ?? '';
}

/** urllink.generate's expire_type for "expire_interval days after generation". */
const URL_LINK_EXPIRE_BY_INTERVAL = 1;

/** A URL Link (https://wxaurl.cn/…) opening `path?query` in the mini-program, valid SMS_LINK_EXPIRY_DAYS. One open-API call. */
export async function generateUrlLink(cloud: WxCloud, path: string, query: string): Promise<string> {
  const api = cloud.openapi as unknown as { urllink: { generate(args: Record<string, unknown>): Promise<{ urlLink?: string }> } };
  const result = await api.urllink.generate({
    path,
    query,
    expireType: URL_LINK_EXPIRE_BY_INTERVAL,
    expireInterval: SMS_LINK_EXPIRY_DAYS,
    envVersion: wxacodeEnvVersion(),
  });
  if (!result.urlLink) throw new Error('urllink.generate returned no url_link');
  return result.urlLink;
}

/** What became of one SMS: sent, or refused for a reason (a status other than Ok, or the call's error). */
export type SmsSend = { sent: true } | { sent: false; reason: string };

/** Sends one SMS with its variable and link to one +86 number. One open-API call; throws only on a call that failed. */
export async function sendSms(cloud: WxCloud, phoneNumber: string, variable: string, urlLink: string): Promise<SmsSend> {
  const api = cloud.openapi as unknown as {
    cloudbase: { sendSmsV2(args: Record<string, unknown>): Promise<{ sendStatusList?: Array<{ code?: string; message?: string }> }> };
  };
  const result = await api.cloudbase.sendSmsV2({
    env: currentEnvId(cloud),
    urlLink,
    templateId: SMS_TEMPLATE_ID,
    templateParamList: [variable],
    phoneNumberList: [phoneNumber],
  });
  const status = result.sendStatusList?.[0];
  if (status?.code?.toLowerCase() === SMS_STATUS_OK) return { sent: true };
  return { sent: false, reason: `${status?.code ?? 'noStatus'} ${status?.message ?? ''}`.trim() };
}

/** sendSmsV2's status code of a number the SMS went to ('Ok'). */
const SMS_STATUS_OK = 'ok';

/** A village's SMS count for one China day (smsUsage, `_id` = villageId:date). */
interface SmsUsageDoc {
  _id: string;
  villageId: string;
  day: string;
  used: number;
  updatedAt: number;
}

/**
 * Takes one SMS from the village's budget for today, unless it is used up: a conditional increment
 * (`used < budget`), or the day's first document. Two senders never take the count past the budget.
 * Round trips: one update, and on the day's first SMS an insert (and a second update if another sender inserted first).
 */
export async function reserveSms(db: Database, villageId: string, sms: SmsPolicy, now: number): Promise<boolean> {
  if (!withinSmsBudget(sms, 0)) return false;
  const id = smsUsageId(villageId, now);
  const _ = db.command;
  const take = () => updateWhere(db.collection(COLLECTIONS.smsUsage).where({ _id: id, used: _.lt(sms.dailyBudget) }), { used: _.inc(1), updatedAt: now });
  if ((await take()) === 1) return true;
  const first: SmsUsageDoc = { _id: id, villageId, day: smsDayOf(now), used: 1, updatedAt: now };
  if (await insertOnce(db, COLLECTIONS.smsUsage, first)) return true;
  return (await take()) === 1;
}

/** Gives back an SMS the budget counted but that did not go out (the call failed); a failure is logged. */
export async function releaseSms(db: Database, villageId: string, now: number): Promise<void> {
  try {
    await updateWhere(db.collection(COLLECTIONS.smsUsage).where({ _id: smsUsageId(villageId, now), used: db.command.gt(0) }), {
      used: db.command.inc(-1),
      updatedAt: now,
    });
  } catch (err) {
    console.error('[notify] SMS budget not given back', villageId, err instanceof Error ? err.message : err);
  }
}

/** SMS the village sent today (China day). One read. */
export async function smsUsedToday(db: Database, villageId: string, now: number): Promise<number> {
  return (await fetchById<SmsUsageDoc>(db, COLLECTIONS.smsUsage, smsUsageId(villageId, now)))?.used ?? 0;
}

// ---------------------------------------------------------------------------------------------
// Notices go out in batches (notices/deliver.ts): the batch reads its residents' authorisations once,
// sends without a read each, and writes the spends of the whole batch at once.

/** One subscribe message send, with the authorisation already checked by the caller and spent by spendAuthorisations. */
export async function sendCounted(cloud: WxCloud, message: SubscribeMessage): Promise<SendOutcome> {
  try {
    await cloud.openapi.subscribeMessage.send({ touser: message.touser, templateId: message.templateId, page: message.page, data: message.data });
    return 'sent';
  } catch (err) {
    const errCode = (err as { errCode?: number }).errCode;
    if (errCode === ERRCODE_USER_REFUSED) return 'refused';
    console.error('[notify] subscribeMessage.send failed', errCode, err instanceof Error ? err.message : err);
    return 'failed';
  }
}

/**
 * Spends one authorisation of each user in `spent` and clears the count of each WeChat refused: two
 * conditional writes for a whole batch, never one per send. A failure is logged, not thrown (as for a
 * single spend): a count left one too high is corrected by WeChat's 43101 on a later send.
 */
export async function spendAuthorisations(
  db: Database,
  templateId: string,
  users: { spent: readonly string[]; cleared: readonly string[] },
  now: number,
): Promise<void> {
  if (isLongTerm(templateId)) return;
  const _ = db.command;
  const write = async (userIds: readonly string[], remaining: unknown): Promise<void> => {
    if (userIds.length === 0) return;
    const ids = userIds.map((u) => subscriptionId(u, templateId));
    try {
      await updateWhere(db.collection(COLLECTIONS.subscriptions).where({ _id: _.in(ids), remaining: _.gt(0) }), { remaining, updatedAt: now });
    } catch (err) {
      console.error('[notify] authorisation counts not updated', userIds.length, err instanceof Error ? err.message : err);
    }
  };
  await Promise.all([write(users.spent, _.inc(-1)), write(users.cleared, 0)]);
}
