// The mini-program loads the backend's words from generated/words.js (the DevTools compile only
// miniprogram/): what pages show must be core's text, and the phone's own lists must be complete.
import { describe, expect, it } from 'vitest';
import { ERROR_MESSAGES as CORE_MESSAGES } from '../../core/src/errors';
import { CARE_NEEDS, REQUEST_CATEGORIES, REQUEST_CATEGORY_LABELS, REQUEST_STATES } from '../../core/src/model';
import { ERROR_MESSAGES } from '../../miniprogram/utils/errors';
import { CARE_NEED_ORDER, CATEGORY_LABELS, CATEGORY_ORDER, STATE_LABELS } from '../../miniprogram/utils/labels';

describe('copied words', () => {
  it('has the same message as core for every backend error code', () => {
    for (const [code, message] of Object.entries(CORE_MESSAGES)) expect([code, ERROR_MESSAGES[code as keyof typeof ERROR_MESSAGES]]).toEqual([code, message]);
  });
  it('has the same category and state labels as core, and lists every value', () => {
    expect(CATEGORY_LABELS).toEqual(REQUEST_CATEGORY_LABELS);
    expect([...CATEGORY_ORDER].sort()).toEqual([...REQUEST_CATEGORIES].sort());
    expect(STATE_LABELS).toEqual(Object.fromEntries(Object.entries(REQUEST_STATES).map(([k, v]) => [k, v.label])));
    expect([...CARE_NEED_ORDER].sort()).toEqual([...CARE_NEEDS].sort());
  });
});
