// @vitest-environment jsdom
// services/subscriptions.ts itself: the deployment's template ids from config.ts, long-term
// subscriptions asked once per template, a recording retried under the same grant, the counts
// shown after an accepted prompt.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATE_IDS } from '../../core/src/subscriptions';
import { APP_CONFIG } from '../../miniprogram/config';
import { resetTransport } from '../../miniprogram/services/api';
import { askConsent, reminderState, withAccepted } from '../../miniprogram/services/subscriptions';
import { installWorld, NO_REMINDERS, ok, type FakeWorld } from './harness';

const DEPLOYED = { ...DEFAULT_TEMPLATE_IDS, requestAssigned: 'Ab1-deployed-assigned', noticePublished: 'Zz9_deployed_notice' };

let world: FakeWorld;
beforeEach(() => {
  world = installWorld();
  resetTransport();
  APP_CONFIG.templateIds = DEPLOYED;
});
afterEach(() => {
  APP_CONFIG.templateIds = DEFAULT_TEMPLATE_IDS;
  APP_CONFIG.longTermSubscriptions = false;
});

const recorded = () => world.calls.filter((c) => c.name === 'recordSubscription').map((c) => c.data);

describe('askConsent', () => {
  it("asks for the deployment's ids from config.ts and reports the accepted ones by template", async () => {
    world.subscribeAnswers = { [DEPLOYED.requestAssigned]: 'accept', [DEPLOYED.requestDueSoon]: 'accept' };
    const answer = await askConsent('responder');
    expect(world.subscribeRequests).toEqual([[DEPLOYED.requestAssigned, DEPLOYED.requestEscalated, DEPLOYED.requestDueSoon]]);
    expect(answer).toEqual({ accepted: ['requestAssigned', 'requestDueSoon'], recorded: true });
    expect(recorded()).toEqual([{ acceptedTemplateIds: [DEPLOYED.requestAssigned, DEPLOYED.requestDueSoon], grantId: expect.any(String) }]);
  });

  it('sends a recording lost on the network once more, under the same grant id', async () => {
    world.subscribeAnswers = { [DEPLOYED.noticePublished]: 'accept' };
    let tries = 0;
    world.handlers.recordSubscription = () => {
      tries += 1;
      if (tries === 1) throw new Error('network down');
      return ok({ recorded: [DEPLOYED.noticePublished], duplicate: false });
    };
    expect(await askConsent('residentNotice')).toEqual({ accepted: ['noticePublished'], recorded: true });
    const [first, second] = recorded();
    expect(second?.grantId).toBe(first?.grantId);
  });

  it('under long-term subscriptions asks for a template until it is allowed, then no more', async () => {
    APP_CONFIG.longTermSubscriptions = true;
    await askConsent('residentNotice');
    expect(world.subscribeRequests).toEqual([[DEPLOYED.noticePublished]]);
    world.subscribeAnswers = { [DEPLOYED.noticePublished]: 'accept' };
    await askConsent('residentNotice');
    expect(await askConsent('residentNotice')).toEqual({ accepted: [], recorded: true });
    expect(world.subscribeRequests).toHaveLength(2);
    // Other templates are still asked for.
    await askConsent('residentRequest');
    expect(world.subscribeRequests.at(-1)).toEqual([DEPLOYED.requestUpdated]);
  });
});

describe('reminder counts', () => {
  it('are the fewest of the templates asked together, few at FEW_REMINDERS_LEFT, and grow by an accepted, recorded answer', () => {
    const counts = { longTerm: false, left: { ...NO_REMINDERS.left, requestAssigned: 4, requestEscalated: 3, requestDueSoon: 3 } };
    expect(reminderState(counts, 'responder')).toEqual({ kind: 'count', left: 3, few: false });
    const after = withAccepted(counts, { accepted: ['requestEscalated'], recorded: true });
    expect(after?.left).toMatchObject({ requestAssigned: 4, requestEscalated: 4, requestDueSoon: 3 });
    expect(withAccepted(counts, { accepted: ['requestDueSoon'], recorded: false })).toBe(counts);
    expect(reminderState({ ...counts, left: { ...counts.left, requestDueSoon: 2 } }, 'responder')).toEqual({ kind: 'count', left: 2, few: true });
    expect(reminderState(null, 'responder')).toEqual({ kind: 'unknown' });
    // Long-term templates (null) count nothing: the others say how many are left; all long-term, no count.
    const someLongTerm = { longTerm: false, left: { ...counts.left, requestAssigned: null, requestEscalated: null } };
    expect(reminderState(someLongTerm, 'responder')).toEqual({ kind: 'count', left: 3, few: false });
    expect(withAccepted(someLongTerm, { accepted: ['requestAssigned', 'requestDueSoon'], recorded: true })?.left).toMatchObject({
      requestAssigned: null,
      requestDueSoon: 4,
    });
    expect(reminderState({ ...someLongTerm, left: { ...someLongTerm.left, requestDueSoon: null } }, 'responder')).toEqual({ kind: 'longTerm' });
  });
});
