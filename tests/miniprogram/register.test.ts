// @vitest-environment jsdom
// The household register (一户一档) on the phone, through taps: the committee's page picks a grid of
// the village, opens the import template (getHouseholdTemplate → wx.cloud.downloadFile →
// wx.openDocument), imports a sheet chosen from a chat (wx.chooseMessageFile → wx.cloud.uploadFile →
// importHouseholds) and shows what it did with each refused row by its number; a non-.xlsx file is
// refused on the phone; the chat's files open only past WeChat's privacy popup. The household form adds one household (care needs, members, party member),
// refuses a bad phone before sending, and opened on a household fills in what the register holds.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FunctionOutputs } from '../../miniprogram/services/outputs';
import { dispatchOnDrawn, failWith, fakePrivacyGate, installWorld, mount, ok, settle, type FakeWorld, type Mounted } from './harness';

const TEMPLATE_FILE = 'cloud://env-test.bucket/templates/household-register.xlsx';

function villageGridsReply(): FunctionOutputs['listVillageGrids'] {
  const grid = (n: number) => ({ id: `v01-g0${n}`, villageId: 'v01', streetId: 's1', name: `第${n}网格`, code: `G00000${n}` });
  return { village: { id: 'v01', streetId: 's1', name: '东风村', kind: 'village' }, grids: [grid(1), grid(2)] };
}

const cloud = (world: FakeWorld): Record<string, unknown> => world.wx.cloud as Record<string, unknown>;

describe('the committee’s 一户一档 page', () => {
  let world: FakeWorld;
  let page: Mounted;
  let chosen: { path: string; name: string }[];
  let opened: { filePath: string; fileType?: string }[];
  let downloaded: string[];

  beforeEach(async () => {
    world = installWorld();
    world.handlers.listVillageGrids = () => ok(villageGridsReply());
    world.handlers.getHouseholdTemplate = () => ok({ fileID: TEMPLATE_FILE });
    world.handlers.importHouseholds = () =>
      ok({
        added: 300,
        updated: 0,
        unchanged: 0,
        errors: [
          { row: 7, message: '缺少房号' },
          { row: 120, message: '重点人群“低保户”无法识别，可填：独居老人、患病、残疾、孕妇' },
        ],
      });
    chosen = [{ path: 'wxfile://tmp/grid2.xlsx', name: '第2网格住户.xlsx' }];
    world.wx.chooseMessageFile = (opts: { success?: (r: unknown) => void }) => {
      opts.success?.({ tempFiles: chosen.map((f) => ({ ...f, size: 2048, type: 'file', time: 0 })), errMsg: 'chooseMessageFile:ok' });
    };
    opened = [];
    downloaded = [];
    cloud(world).downloadFile = async (opts: { fileID: string }) => {
      downloaded.push(opts.fileID);
      return { tempFilePath: 'wxfile://tmp/template.xlsx', statusCode: 200, errMsg: 'cloud.downloadFile:ok' };
    };
    world.wx.openDocument = (opts: { filePath: string; fileType?: string; success?: () => void }) => {
      opened.push({ filePath: opts.filePath, fileType: opts.fileType });
      opts.success?.();
    };
    page = await mount('packageCommittee/pages/households/index', { query: { villageId: 'v01' } });
  });
  afterEach(() => page.unmount());

  it('opens the import template from cloud storage', async () => {
    expect(page.textOf('#grid')).toContain('网格：第1网格');
    await page.tap('#template');
    expect(world.calls.map((c) => c.name)).toContain('getHouseholdTemplate');
    expect(downloaded).toEqual([TEMPLATE_FILE]);
    expect(opened).toEqual([{ filePath: 'wxfile://tmp/template.xlsx', fileType: 'xlsx' }]);
  });

  it('imports the chosen sheet into the picked grid and shows the counts and each refused row by its number', async () => {
    await page.change('#grid', '1');
    expect(page.textOf('#grid')).toContain('第2网格');
    await page.tap('#import');
    expect(world.uploads).toEqual([{ cloudPath: expect.stringMatching(/^households\/v01-g02\/\d+\.xlsx$/), filePath: 'wxfile://tmp/grid2.xlsx' }]);
    const call = world.calls.find((c) => c.name === 'importHouseholds');
    expect(call?.data).toEqual({ gridId: 'v01-g02', fileID: `cloud://env-test.bucket/${world.uploads[0]!.cloudPath}` });
    expect(page.textOf('#result-summary')).toBe('第2网格住户.xlsx：新增 300 户，更新 0 户，0 户无变化');
    expect(page.textOf('#result-errors')).toContain('2 行未导入');
    expect(page.textOf('#row-7')).toBe('第7行：缺少房号');
    expect(page.textOf('#row-120')).toContain('第120行：重点人群“低保户”无法识别');
  });

  it("opens the chat's files only once a committee member who has not agreed does, and explains a refusal", async () => {
    page.unmount();
    const gate = fakePrivacyGate(world);
    page = await mount('packageCommittee/pages/households/index', { query: { villageId: 'v01' } });
    const imports = () => world.calls.filter((c) => c.name === 'importHouseholds');
    await page.tap('#import');
    expect(page.textOf('#wechat-privacy >>> #privacy-popup')).toContain('微信聊天里选的文件');
    await page.tap('#wechat-privacy >>> #disagree-privacy');
    expect(gate.ran).toEqual([]);
    expect(world.uploads).toEqual([]);
    expect(imports()).toEqual([]);
    expect(world.modals.map((m) => m.content)).toEqual([expect.stringContaining('没有打开聊天里的文件，表格没有导入')]);
    await page.tap('#import');
    dispatchOnDrawn(page.node('#wechat-privacy >>> #agree-privacy'), 'agreeprivacyauthorization');
    await settle();
    expect(gate.ran).toEqual(['chooseMessageFile']);
    expect(imports()).toHaveLength(1);
    expect(page.textOf('#result-summary')).toContain('新增 300 户');
  });

  it('says why a sheet was refused as a whole', async () => {
    world.handlers.importHouseholds = () => failWith('REGISTER.NOT_XLSX', '文件不是 Excel（.xlsx）表格，请用模板填写后另存为 .xlsx 再导入');
    await page.tap('#import');
    expect(page.textOf('#error')).toContain('文件不是 Excel（.xlsx）表格');
    expect(page.comp.querySelector('#result')).toBeFalsy();
  });

  it('refuses a file that is not .xlsx before uploading it', async () => {
    chosen = [{ path: 'wxfile://tmp/list.xls', name: '住户名单.xls' }];
    await page.tap('#import');
    expect(page.textOf('#error')).toBe('请选择 Excel（.xlsx）文件');
    expect(world.uploads).toHaveLength(0);
    expect(world.calls.some((c) => c.name === 'importHouseholds')).toBe(false);
  });

  it('opens the household form to add one to the picked grid', async () => {
    await page.tap('#add');
    expect(world.navigations).toEqual([{ kind: 'navigateTo', url: '/packageLeader/pages/household/index?gridId=v01-g01' }]);
  });
});

const STORED: FunctionOutputs['getHousehold'] = {
  householdId: 'h-8-2-1602',
  gridId: 'g1',
  building: '8栋',
  unit: '2单元',
  room: '1602',
  careNeeds: ['elderlyAlone'],
  noSmartphone: true,
  phone: '13712345678',
  members: [{ name: '刘桂兰', relation: '户主' }],
  partyContact: { name: '陈志强', phone: '13600001111' },
  source: 'import',
};

describe('the household form', () => {
  let world: FakeWorld;
  let page: Mounted;

  beforeEach(() => {
    world = installWorld();
    world.handlers.saveHousehold = (data) => {
      return ok({ outcome: 'added', household: { ...STORED, ...data, householdId: 'h-new', source: 'register' } });
    };
  });
  afterEach(() => page.unmount());

  it('adds a household with its care needs, a member and the party member', async () => {
    page = await mount('packageLeader/pages/household/index', { query: { gridId: 'g1' } });
    expect(page.textOf('#title')).toBe('新增住户');
    await page.change('#building', '3栋');
    await page.change('#room', '501');
    await page.change('#phone', '021-58881234');
    await page.check('#care-sick', true);
    await page.check('#no-smartphone', true);
    await page.tap('#add-member');
    await page.change('#member-name-0', '王秀英');
    await page.change('#member-relation-0', '户主');
    await page.change('#party-name', '张建国');
    await page.tap('#save');
    const call = world.calls.find((c) => c.name === 'saveHousehold');
    expect(call?.data).toEqual({
      gridId: 'g1',
      building: '3栋',
      room: '501',
      careNeeds: ['sick'],
      noSmartphone: true,
      phone: '021-58881234',
      members: [{ name: '王秀英', relation: '户主' }],
      partyContact: { name: '张建国' },
    });
    expect(page.textOf('#saved')).toBe('已登记');
    expect(world.toasts).toContain('已登记');
  });

  it('refuses a bad phone number on the phone, naming the field, and a missing room', async () => {
    page = await mount('packageLeader/pages/household/index', { query: { gridId: 'g1' } });
    await page.change('#building', '3栋');
    await page.tap('#save');
    expect(page.textOf('#error')).toBe('请填写楼栋和房号');
    await page.change('#room', '501');
    await page.change('#phone', '12345');
    await page.tap('#save');
    expect(page.textOf('#error')).toBe('请检查：联系电话');
    expect(world.calls.some((c) => c.name === 'saveHousehold')).toBe(false);
  });

  it('opened on a household, shows what the register holds and saves the edit under its id', async () => {
    world.handlers.getHousehold = () => ok(STORED);
    world.handlers.saveHousehold = (data) => ok({ outcome: 'updated', household: { ...STORED, phone: undefined, ...data } });
    page = await mount('packageLeader/pages/household/index', { query: { gridId: 'g1', householdId: 'h-8-2-1602' } });
    expect(page.textOf('#title')).toBe('住户信息');
    expect(page.node('#building').instance?.data.value).toBe('8栋');
    expect(page.node('#party-phone').instance?.data.value).toBe('13600001111');
    expect(page.node('#care-elderlyAlone').instance?.data.checked).toBe(true);
    expect(page.node('#member-name-0').instance?.data.value).toBe('刘桂兰');
    await page.change('#phone', '');
    await page.tap('#remove-member-0');
    expect(page.textOf('#no-members')).toBe('还没有登记家庭成员');
    await page.tap('#save');
    const call = world.calls.find((c) => c.name === 'saveHousehold');
    expect(call?.data).toMatchObject({ householdId: 'h-8-2-1602', building: '8栋', careNeeds: ['elderlyAlone'], members: [] });
    expect(call?.data).not.toHaveProperty('phone');
    expect(page.textOf('#saved')).toBe('已保存修改');
  });

  it('shows the backend’s reason when the address is another household’s', async () => {
    world.handlers.saveHousehold = () => failWith('HOUSEHOLD.ADDRESS_TAKEN', '这个地址已有一户登记，请直接编辑那一户');
    page = await mount('packageLeader/pages/household/index', { query: { gridId: 'g1' } });
    await page.change('#building', '3栋');
    await page.change('#room', '501');
    await page.tap('#save');
    expect(page.textOf('#error')).toBe('这个地址已有一户登记，请直接编辑那一户');
  });
});
