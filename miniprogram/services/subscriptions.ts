// Asking for subscribe messages (订阅消息): the one place on the phone that does. WeChat shows the
// prompt only inside a tap, for at most SUBSCRIBE_TEMPLATES_MAX templates, and each acceptance
// allows exactly one message of that template. So every tap after which a message could follow
// asks here first, synchronously, and then goes on with its own work at once: the answer arrives
// later and is recorded (recordSubscription) in the background, never delaying or blocking what the
// person tapped for. Who is asked for which templates is core's (generated/subscriptions.js); the
// ids are the deployment's (config.ts). With "总是保持以上选择" ticked, later prompts resolve without
// a dialog and still add one each, so responders gather reminders simply by working.
import { APP_CONFIG } from '../config';
import { SUBSCRIBE_TEMPLATES_MAX } from '../generated/rules';
import {
  FEW_REMINDERS_LEFT,
  RESIDENT_NOTICE_TEMPLATE_KEYS,
  RESIDENT_REQUEST_TEMPLATE_KEYS,
  RESPONDER_TEMPLATE_KEYS,
  TEMPLATE_KEYS,
  type TemplateKey,
} from '../generated/subscriptions';
import { newIdempotencyKey } from '../utils/ids';
import { call } from './api';
import type { MyProfile } from './outputs';
import { rememberReminders } from './profile';

export type ReminderCounts = MyProfile['reminders'];

/** Why someone is asked: a responder at work, a resident about their request, a resident about notices. */
export type ConsentPurpose = 'responder' | 'residentRequest' | 'residentNotice';

const TEMPLATES_FOR: Record<ConsentPurpose, readonly TemplateKey[]> = {
  responder: RESPONDER_TEMPLATE_KEYS,
  residentRequest: RESIDENT_REQUEST_TEMPLATE_KEYS,
  residentNotice: RESIDENT_NOTICE_TEMPLATE_KEYS,
};

/** requestSubscribeMessage's answer for a template the person allowed. */
const ACCEPTED = 'accept';
/** Under long-term subscriptions: the templates this phone's person already allowed (asked once only). */
const LONG_TERM_GRANTED_KEY = 'lx.longTermGranted';
/** The inbox explained "总是保持以上选择" once. */
const KEEP_CHOICE_EXPLAINED_KEY = 'lx.keepChoiceExplained';
/** A recording that failed on the network is sent once more with the same grantId (counted once). */
const RECORD_ATTEMPTS = 2;

export interface ConsentAnswer {
  /** The templates the person allowed in this prompt (none when declined, failed or not asked). */
  accepted: TemplateKey[];
  /** Whether the backend counted them (recordSubscription answered ok); true when there was nothing to record. */
  recorded: boolean;
}

function longTermGranted(): TemplateKey[] {
  const stored: unknown = wx.getStorageSync(LONG_TERM_GRANTED_KEY);
  return Array.isArray(stored) ? (stored.filter((k) => (TEMPLATE_KEYS as readonly unknown[]).includes(k)) as TemplateKey[]) : [];
}

/** The templates `purpose` asks for now: all of them, or under long-term subscriptions those not yet allowed. */
function templatesToAsk(purpose: ConsentPurpose): TemplateKey[] {
  const keys = TEMPLATES_FOR[purpose].slice(0, SUBSCRIBE_TEMPLATES_MAX);
  if (!APP_CONFIG.longTermSubscriptions) return keys;
  const granted = longTermGranted();
  return keys.filter((k) => !granted.includes(k));
}

/** The prompt itself; resolves to the accepted keys, never rejects (a declined, failed or missing prompt is none). */
function prompt(keys: readonly TemplateKey[]): Promise<TemplateKey[]> {
  const idOf = (key: TemplateKey): string => APP_CONFIG.templateIds[key];
  return new Promise((resolve) => {
    try {
      wx.requestSubscribeMessage({
        tmplIds: keys.map(idOf),
        success: (res) => resolve(keys.filter((k) => (res as unknown as Record<string, unknown>)[idOf(k)] === ACCEPTED)),
        fail: () => resolve([]),
      });
    } catch {
      // A base library without the API, or a call WeChat refuses outright: the tap goes on regardless.
      resolve([]);
    }
  });
}

async function record(accepted: readonly TemplateKey[]): Promise<boolean> {
  const input = { acceptedTemplateIds: accepted.map((k) => APP_CONFIG.templateIds[k]), grantId: newIdempotencyKey() };
  for (let attempt = 1; attempt <= RECORD_ATTEMPTS; attempt += 1) {
    const result = await call('recordSubscription', input);
    if (result.ok) return true;
    if (result.code !== 'NETWORK.FAILED' && result.code !== 'INTERNAL') return false;
  }
  return false;
}

/**
 * Asks for `purpose`'s templates. Call it first thing in the tap handler, before any await (WeChat
 * refuses the prompt anywhere else), and do not wait for it before the action: the promise is for
 * showing the new state (e.g. one more reminder) once the person answered and it was recorded.
 */
export function askConsent(purpose: ConsentPurpose): Promise<ConsentAnswer> {
  const keys = templatesToAsk(purpose);
  if (keys.length === 0) return Promise.resolve({ accepted: [], recorded: true });
  return prompt(keys).then(async (accepted) => {
    if (accepted.length === 0) return { accepted, recorded: true };
    if (APP_CONFIG.longTermSubscriptions) wx.setStorageSync(LONG_TERM_GRANTED_KEY, [...new Set([...longTermGranted(), ...accepted])]);
    return { accepted, recorded: await record(accepted) };
  });
}

/**
 * askConsent for a page that shows the counts: once an acceptance is recorded, `show` gets the new
 * counts (one more per accepted template), and so does the session's profile for the pages opened next.
 */
export function askAndCount(purpose: ConsentPurpose, shown: () => ReminderCounts | null, show: (counts: ReminderCounts | null) => void): void {
  void askConsent(purpose).then((answer) => {
    const before = shown();
    const after = withAccepted(before, answer);
    if (after === before) return;
    rememberReminders(after);
    show(after);
  });
}

/** How the reminders of `purpose` stand: how many are left (the fewest of its templates), or long-term, or not known. */
export type ReminderState = { kind: 'count'; left: number; few: boolean } | { kind: 'longTerm' } | { kind: 'unknown' };

export function reminderState(counts: ReminderCounts | null, purpose: ConsentPurpose): ReminderState {
  if (counts === null) return { kind: 'unknown' };
  // A long-term template (null) counts nothing: the others say how many reminders are left.
  const counted = TEMPLATES_FOR[purpose].map((k) => counts.left[k]).filter((n): n is number => typeof n === 'number');
  if (counts.longTerm || counted.length === 0) return { kind: 'longTerm' };
  const left = Math.min(...counted);
  return { kind: 'count', left, few: left <= FEW_REMINDERS_LEFT };
}

/** The counts after an accepted, recorded prompt: one more of each accepted template. */
export function withAccepted(counts: ReminderCounts | null, answer: ConsentAnswer): ReminderCounts | null {
  if (counts === null || counts.longTerm || !answer.recorded || answer.accepted.length === 0) return counts;
  const left = { ...counts.left };
  for (const key of answer.accepted) {
    const held = left[key];
    // An older backend may omit a template: none held.
    if (held !== null) left[key] = (held ?? 0) + 1;
  }
  return { ...counts, left };
}

/** True the first time it is asked on this phone (and remembered): the inbox explains "总是保持以上选择" once. */
export function firstKeepChoiceExplanation(): boolean {
  if (wx.getStorageSync(KEEP_CHOICE_EXPLAINED_KEY) === true) return false;
  wx.setStorageSync(KEEP_CHOICE_EXPLAINED_KEY, true);
  return true;
}
