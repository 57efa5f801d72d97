// Subscribe-message templates: which ones exist, who is asked for which, and when a reminder count is
// "few". The template ids are the deployment's (chosen in the WeChat console); the defaults below are
// the emulator's, overridden through the function environment (backend) and miniprogram/config.ts.

/** Every template the product sends, by what it says. */
export const TEMPLATE_KEYS = ['requestAssigned', 'requestEscalated', 'requestDueSoon', 'requestUpdated', 'noticePublished'] as const;
export type TemplateKey = (typeof TEMPLATE_KEYS)[number];

/** The emulator's template ids (and the environment variable that overrides each in a deployment). */
export const DEFAULT_TEMPLATE_IDS: Readonly<Record<TemplateKey, string>> = {
  requestAssigned: 'tmpl-request-assigned',
  requestEscalated: 'tmpl-request-escalated',
  requestDueSoon: 'tmpl-request-due-soon',
  requestUpdated: 'tmpl-request-updated',
  noticePublished: 'tmpl-notice-published',
};

/** What a responder is asked for on every tap in the leader pages (one prompt takes at most three). */
export const RESPONDER_TEMPLATE_KEYS = ['requestAssigned', 'requestEscalated', 'requestDueSoon'] as const satisfies readonly TemplateKey[];
/** What a resident is asked for when they submit or look at an open request of theirs. */
export const RESIDENT_REQUEST_TEMPLATE_KEYS = ['requestUpdated'] as const satisfies readonly TemplateKey[];
/** What a resident is asked for when they join, from home, and when they open a notice. */
export const RESIDENT_NOTICE_TEMPLATE_KEYS = ['noticePublished'] as const satisfies readonly TemplateKey[];

/** At or below this many reminders left, the inbox shows the count in amber. */
export const FEW_REMINDERS_LEFT = 2;
