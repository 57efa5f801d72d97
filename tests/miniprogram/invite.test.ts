// @vitest-environment jsdom
// The invite page: what a person invited to a role types, what acceptInvitation is sent, what a
// refusal says, and that accepting refreshes the profile and goes home.
import { beforeEach, describe, expect, it } from 'vitest';
import type { FunctionOutputs } from '../../miniprogram/services/outputs';
import { failWith, installWorld, mount, ok, type FakeWorld, type Mounted, NO_REMINDERS } from './harness';

const SCENE = 'Ik0a1b2cINV0123456abcdef';
const HOME = { kind: 'reLaunch', url: '/pages/home/index' };

const ACCEPTED: FunctionOutputs['acceptInvitation'] = {
  assignmentId: 'gridLeader:g1:o-me',
  role: 'gridLeader',
  scope: { streetId: 's1', villageId: 'v1', gridId: 'g1' },
};
const LEADER_PROFILE: FunctionOutputs['getMyProfile'] = {
  membership: null,
  grids: [{ gridId: 'g1', gridName: '第三网格', villageId: 'v1', villageName: '幸福里', roles: ['gridLeader'] }],
  villages: [],
  streetAdmin: false,
  reminders: NO_REMINDERS,
};

let world: FakeWorld;
let page: Mounted | null = null;
beforeEach(() => {
  world = installWorld();
});

async function openInvite(): Promise<Mounted> {
  page = await mount('pages/invite/index', { query: { scene: encodeURIComponent(SCENE) } });
  return page;
}

describe('invite page', () => {
  it('sends the trimmed name and the phone with the scene', async () => {
    world.handlers.acceptInvitation = () => ok(ACCEPTED);
    const invite = await openInvite();
    await invite.change('#name', '  王秀英 ');
    await invite.change('#phone', ' 138 1234 5678 ');
    await invite.tap('#accept');
    expect(world.calls[0]).toEqual({ name: 'acceptInvitation', data: { scene: SCENE, displayName: '王秀英', phone: '13812345678' } });
  });

  it('leaves the phone out when none was given', async () => {
    world.handlers.acceptInvitation = () => ok(ACCEPTED);
    const invite = await openInvite();
    await invite.change('#name', '王秀英');
    await invite.tap('#accept');
    expect(world.calls[0]).toEqual({ name: 'acceptInvitation', data: { scene: SCENE, displayName: '王秀英' } });
  });

  it('refuses a blank name on the phone, before any call', async () => {
    const invite = await openInvite();
    await invite.change('#name', '   ');
    await invite.tap('#accept');
    expect(world.calls).toEqual([]);
    expect(invite.node('#name-error').dom.textContent).toBe('请填写您的姓名');
    expect(world.navigations).toEqual([]);
  });

  it('refuses a bad phone number on the phone, keeping the name', async () => {
    const invite = await openInvite();
    await invite.change('#name', '王秀英');
    await invite.change('#phone', '12345');
    await invite.tap('#accept');
    expect(world.calls).toEqual([]);
    expect(invite.node('#phone-error').dom.textContent).toContain('电话号码不对');
    expect(invite.comp.querySelector('#name-error') ?? null).toBeNull();
    expect(invite.node('#name').instance?.data.value).toBe('王秀英');
  });

  it('an invitation already used: says so, says to ask the village again, and keeps what was typed', async () => {
    world.handlers.acceptInvitation = () => failWith('INVITATION.USED');
    const invite = await openInvite();
    await invite.change('#name', '王秀英');
    await invite.change('#phone', '13812345678');
    await invite.tap('#accept');
    const error = invite.node('#error').dom.textContent ?? '';
    expect(error).toContain('已被使用');
    expect(error).toContain('重新邀请');
    expect(invite.node('#name').instance?.data.value).toBe('王秀英');
    expect(invite.node('#phone').instance?.data.value).toBe('13812345678');
    expect(world.navigations).toEqual([]);
    expect(world.calls.map((c) => c.name)).toEqual(['acceptInvitation']);
  });

  it("a resident's join code scanned here is told apart from an invitation", async () => {
    world.handlers.acceptInvitation = () => failWith('TOKEN.WRONG_PURPOSE');
    const invite = await openInvite();
    await invite.change('#name', '王秀英');
    await invite.tap('#accept');
    expect(invite.node('#error').dom.textContent).toContain('不是工作邀请');
  });

  it('on success refreshes the profile (home shows the new role) and goes home', async () => {
    world.handlers.acceptInvitation = () => ok(ACCEPTED);
    world.handlers.getMyProfile = () => ok(LEADER_PROFILE);
    const invite = await openInvite();
    await invite.change('#name', '王秀英');
    await invite.tap('#accept');
    expect(world.calls.map((c) => c.name)).toEqual(['acceptInvitation', 'getMyProfile']);
    const session = (getApp() as unknown as { globalData: { lxProfile?: FunctionOutputs['getMyProfile'] } }).globalData;
    expect(session.lxProfile?.grids.map((g) => g.gridId)).toEqual(['g1']);
    expect(world.toasts).toEqual(['您已成为网格长']);
    expect(world.navigations).toEqual([HOME]);
  });

  it('opened without a code: says which code to scan and offers nothing to accept', async () => {
    page = await mount('pages/invite/index');
    expect(page.node('#no-code').dom.textContent).toContain('邀请二维码');
    expect(page.comp.querySelector('#accept') ?? null).toBeNull();
  });
});
