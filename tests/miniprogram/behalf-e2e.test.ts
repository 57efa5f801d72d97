// @vitest-environment jsdom
// 代办 end to end: the real pages (miniprogram-simulate) with the service layer going over real HTTP to
// a real emulator running the built cloud functions and the seeded street. The grid leader holds the
// phone: 代办 from the roster row, the submit page naming the household, the leader's request page
// with the village's quick replies (one tap fills, one tap sends); then the household's resident holds
// it: the request is on their list, and its page says 由网格员代办. Run `npm run build:functions` first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FunctionOutputs } from '../../miniprogram/services/outputs';
import { DEFAULT_POLICY } from '../../core/src/policy';
import { startTestBackend, type TestBackend } from '../helpers/backend';
import { onePageAtATime, routeToEmulator, STEP_LIMIT_MS, until, type Forwarded } from './emulator-phone';
import { installWorld, mount, type FakeWorld } from './harness';

const MEDICINE_INDEX = 1; // CATEGORY_ORDER: supplies, medicine, …
const REQUEST_TEXT = '王阿姨电话说降压药吃完了，走不动路';

describe('代办 against the real backend', () => {
  let backend: TestBackend;
  let world: FakeWorld;
  const screen = onePageAtATime();
  const phone: { openid: string | null } = { openid: null };
  const forwarded: Forwarded[] = [];
  let gridId = '';
  let leader = '';
  let resident = '';
  let householdId = '';
  let requestId = '';

  beforeAll(async () => {
    backend = await startTestBackend();
    const grid = backend.street.people.grids[0];
    const joined = grid?.residents[0];
    if (grid === undefined || joined === undefined) throw new Error('the seed has no grid with a joined household');
    gridId = grid.gridId;
    leader = grid.leaders.gridLeader;
    resident = joined.openid;
    householdId = joined.householdId;
    world = installWorld({ envVersion: 'develop' });
    routeToEmulator(world, backend.emu.url, phone, forwarded);
  }, STEP_LIMIT_MS * 3);

  afterAll(async () => {
    screen.close();
    await backend?.emu.stop();
  });

  it("the leader's roster row opens 代办 for that household", async () => {
    phone.openid = leader;
    const roster = screen.show(await mount('packageLeader/pages/roster/index', { query: { gridId } }));
    await until('roster listed', () => roster.comp.querySelector(`#behalf-${householdId}`) != null);
    const before = world.navigations.length;
    await roster.tap(`#behalf-${householdId}`);
    expect(world.navigations.slice(before)).toEqual([
      { kind: 'navigateTo', url: `/pages/submit/index?householdId=${encodeURIComponent(householdId)}&gridId=${encodeURIComponent(gridId)}` },
    ]);
  });

  it('the submit page names the household and submits for it, landing on the leader request page', async () => {
    const submit = screen.show(await mount('pages/submit/index', { query: { householdId, gridId } }));
    await until('household named', () => submit.node('#behalf').dom.textContent?.includes('1栋 1单元 101') === true);
    await submit.change('#category', String(MEDICINE_INDEX));
    await submit.change('#text', REQUEST_TEXT);
    const before = world.navigations.length;
    await submit.tap('#send');
    await until('submitted', () => world.navigations.length > before);
    const landed = world.navigations.at(-1);
    expect(landed?.kind).toBe('redirectTo');
    expect(landed?.url).toMatch(/^\/packageLeader\/pages\/request\/index\?id=/);
    requestId = /id=([^&]+)/.exec(landed?.url ?? '')?.[1] ?? '';
    expect(forwarded.filter((f) => f.name === 'submitRequest')).toEqual([
      { name: 'submitRequest', openid: leader, result: expect.objectContaining({ ok: true }) },
    ]);
    const stored = await backend.call<FunctionOutputs['getRequest']>('getRequest', { requestId }, leader);
    expect(stored.data).toMatchObject({ householdId, residentId: resident, submittedBy: leader, category: 'medicine', state: 'submitted' });
  });

  it("the leader answers with the village's first quick reply: one tap fills, one tap sends", async () => {
    const detail = screen.show(await mount('packageLeader/pages/request/index', { query: { id: requestId } }));
    await until('quick replies shown', () => detail.comp.querySelector('#quick-reply-0') != null);
    expect(detail.node('#on-behalf').dom.textContent).toBe('由网格员代办');
    await detail.tap('#quick-reply-0');
    await detail.tap('#send-reply');
    await until('answered and reloaded', () => detail.comp.querySelector('#reply-box') == null);
    const stored = await backend.call<FunctionOutputs['getRequest']>('getRequest', { requestId }, leader);
    expect(stored.data?.events.at(-1)).toMatchObject({ kind: 'respond', note: DEFAULT_POLICY.quickReplies[0] });
  });

  it("the household's resident finds it on their list, and its page says 由网格员代办", async () => {
    phone.openid = resident;
    const list = screen.show(await mount('pages/requests/index'));
    await until('my requests listed', () => list.comp.querySelector(`#request-${requestId}`) != null);
    expect(list.node(`#request-${requestId}`).dom.textContent).toContain(REQUEST_TEXT);
    const detail = screen.show(await mount('pages/request/index', { query: { id: requestId } }));
    await until('request shown', () => detail.comp.querySelector('#on-behalf') != null);
    expect(detail.node('#on-behalf').dom.textContent).toBe('由网格员代办');
    expect(detail.text()).toContain(DEFAULT_POLICY.quickReplies[0]!);
  });
});
