// Which channel reaches whom (pure). A subscribe message costs nothing but needs the recipient's
// consent: one send per tap of a one-time authorisation (none on a 政务民生 account with long-term
// subscriptions). An SMS (CloudBase sendSmsV2) needs no consent but costs money, so a village can
// switch it off and budgets it per China day. A responder gets an SMS when their subscribe message
// could not go out for want of consent, and every escalation to the duty officers or the street goes
// by SMS as well as by subscribe message. Residents are reached by subscribe message only.
import { chinaDateOf } from './chinaTime';
import type { ChinaDate, EpochMs, EscalationAudience, Id } from './model';
import type { SmsPolicy } from './model';
import { truncateChars } from './text';

/** When a responder's message also goes by SMS: only when the subscribe message could not reach them, or always. */
export type SmsRule = 'fallback' | 'always';

/** Escalations to these audiences are urgent enough to pay for an SMS whatever the subscription. */
const SMS_ALWAYS_AUDIENCES: readonly EscalationAudience[] = ['dutyOfficers', 'streetAdmins'];

export function smsRuleForEscalation(audience: EscalationAudience): SmsRule {
  return SMS_ALWAYS_AUDIENCES.includes(audience) ? 'always' : 'fallback';
}

/** Subscribe outcomes that mean the recipient's consent ran out (WeChat would not show the message). */
const NO_CONSENT_OUTCOMES: readonly string[] = ['noAuthorisation', 'refused'];

/**
 * Whether an SMS is owed given how the subscribe message went: always for 'always'; for 'fallback'
 * when consent ran out or the message failed for good; undecided (null) while the message is still being tried.
 */
export function smsNeeded(rule: SmsRule, message: { state: 'pending' | 'done' | 'failed'; outcome?: string } | undefined): boolean | null {
  if (rule === 'always') return true;
  if (!message) return true;
  if (message.state === 'pending') return null;
  return message.state === 'failed' || NO_CONSENT_OUTCOMES.includes(message.outcome ?? '');
}

/** sendSmsV2 takes mainland numbers with the country code. */
const SMS_COUNTRY_CODE = '+86';
/** A mainland mobile number: 11 digits starting with 1 (landlines cannot receive SMS). */
const MAINLAND_MOBILE = /^1\d{10}$/;

/** The number an SMS goes to (+86…), or null when the phone given is no mainland mobile. */
export function smsNumberOf(phone: string | undefined): string | null {
  if (phone === undefined) return null;
  const digits = phone.replace(/[\s-]/g, '').replace(/^\+?86/, '');
  return MAINLAND_MOBILE.test(digits) ? `${SMS_COUNTRY_CODE}${digits}` : null;
}

/** sendSmsV2's limit on the template's one variable, in characters (it takes 1–1,000 numbers a call; we send one). */
export const SMS_VARIABLE_MAX_CHARS = 30;

/** The SMS's one variable: what (the category), where (the grid) and why, cut to the template's limit. */
export function smsVariable(what: string, where: string, why: string): string {
  return truncateChars(`${where}${what}诉求：${why}`, SMS_VARIABLE_MAX_CHARS);
}

/** A URL Link in an SMS opens the page for this long (WeChat allows at most 30 days). */
export const SMS_LINK_EXPIRY_DAYS = 7;

/** What became of an SMS owed to a responder (kept on their inbox item; 'pending' while it is retried). */
export type SmsOutcome = 'sent' | 'failed' | 'noPhone' | 'off' | 'overBudget' | 'pending';

/** Before the budget: an SMS goes out only to a mobile (the first of the recipient's phones that is one), in a village that has SMS on. */
export function smsDecision(sms: SmsPolicy, phones: readonly (string | undefined)[]): { send: string } | { skip: 'off' | 'noPhone' } {
  if (!sms.enabled) return { skip: 'off' };
  const number = phones.map(smsNumberOf).find((n) => n !== null);
  return number === undefined || number === null ? { skip: 'noPhone' } : { send: number };
}

/** The day an SMS counts against: budgets are per village per China day. */
export function smsUsageId(villageId: Id, at: EpochMs): string {
  return `${villageId}:${smsDayOf(at)}`;
}

export function smsDayOf(at: EpochMs): ChinaDate {
  return chinaDateOf(at);
}

/** Whether one more SMS fits in today's budget. */
export function withinSmsBudget(sms: SmsPolicy, usedToday: number): boolean {
  return usedToday < sms.dailyBudget;
}

/** Each message opens its recipient's own page of the request: the leader's in packageLeader, the resident's in the main package. */
export const RESPONDER_REQUEST_PAGE = 'packageLeader/pages/request/index';
const RESIDENT_REQUEST_PAGE = 'pages/request/index';
/** A message about several requests at once (an escalated group) opens the responder's inbox. */
export const RESPONDER_INBOX_PAGE = 'packageLeader/pages/inbox/index';

/** What a message or SMS about several requests of mixed categories calls them. */
export const MIXED_CATEGORIES_LABEL = '多类诉求';

/** How an SMS about `count` requests at once names them (it reads "<grid><count>件诉求：<why>"). */
export function countedRequestsLabel(count: number): string {
  return `${count}件`;
}

/** The text of a message about `count` requests at once, led by the first one's text. */
export function groupedRequestsText(count: number, firstText: string): string {
  return `${count}件诉求未回复：${firstText}`;
}

/** The query that names the request on either page. */
export function requestPageQuery(requestId: Id): string {
  return `id=${requestId}`;
}

export function requestPageFor(recipient: 'responder' | 'resident', requestId: Id): string {
  return `${recipient === 'responder' ? RESPONDER_REQUEST_PAGE : RESIDENT_REQUEST_PAGE}?${requestPageQuery(requestId)}`;
}
