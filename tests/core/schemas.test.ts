import Ajv from 'ajv';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import vm from 'node:vm';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { AJV_OPTIONS, FUNCTION_NAMES, INPUT_SCHEMAS, validateInput, type FunctionInputs, type FunctionName, type InputValidator } from '../../core/src';
import * as backendValidators from '../../backend/generated/validators';
import {
  BACKEND_VALIDATORS_DTS,
  BACKEND_VALIDATORS_JS,
  generateBackendValidators,
  generateValidators,
  generateWords,
  VALIDATORS_DTS,
  VALIDATORS_JS,
  WORDS_DTS,
  WORDS_JS,
} from '../../scripts/build-validators';

const ajv = new Ajv({ ...AJV_OPTIONS, schemas: Object.values(INPUT_SCHEMAS) });
function serverValidator<N extends FunctionName>(name: N): InputValidator<FunctionInputs[N]> {
  const validate = ajv.getSchema<FunctionInputs[N]>(name);
  if (!validate) throw new Error(`no schema ${name}`);
  return validate;
}
const clientValidators = createRequire(__filename)(VALIDATORS_JS) as Record<FunctionName, InputValidator<unknown>>;
const backendValidatorsByName: Record<FunctionName, InputValidator<unknown>> = { ...backendValidators };

const FILE = 'cloud://env-1a2b/requests/photo1.jpg';
const SCENE = 'JA00aBGx7Kp2Q0123456789abcd';

/** For every function: inputs that must pass and inputs that must fail. */
const CASES: { [N in FunctionName]: { good: FunctionInputs[N][]; bad: unknown[] } } = {
  joinGrid: {
    good: [
      { scene: SCENE },
      { scene: SCENE, household: { building: '3栋', unit: '2单元', room: '501', careNeeds: ['elderlyAlone', 'sick'], noSmartphone: true } },
    ],
    bad: [
      {},
      { scene: '' },
      { scene: 'x'.repeat(33) },
      { scene: 'has space' },
      { scene: SCENE, household: { careNeeds: ['rich'] } },
      { scene: SCENE, openid: 'spoofed' },
    ],
  },
  getJoinCode: {
    good: [{ gridId: 'g1' }, { gridId: 'g1', validDays: 30 }],
    bad: [{ gridId: 'g1', validDays: 0 }, { gridId: 'g 1' }, { gridId: 'g1', validDays: 1.5 }],
  },
  bindGridGroup: { good: [{ gridId: 'g1', groupCloudId: 'cloudid-abc' }], bad: [{ gridId: 'g1' }] },
  resolveGroupGrid: { good: [{ groupCloudId: 'cloudid-abc' }], bad: [{ groupCloudId: '' }] },
  issueInvitation: {
    good: [
      { villageId: 'v1', gridId: 'g1', role: 'buildingLeader', validDays: 7 },
      { villageId: 'v1', role: 'dutyOfficer' },
    ],
    bad: [
      { villageId: 'v1', role: 'streetAdmin' },
      { villageId: 'v1', role: 'resident' },
      { villageId: 'v1', role: 'gridLeader', validDays: 31 },
    ],
  },
  verifyMember: {
    good: [
      { userId: 'o-1', decision: 'confirm' },
      { userId: 'o-1', decision: 'reject' },
    ],
    bad: [{ userId: 'o-1' }, { userId: 'o-1', decision: 'maybe' }, { userId: 'o-1', decision: 'confirm', verifiedBy: 'spoofed' }],
  },
  acceptInvitation: {
    good: [
      { scene: SCENE, displayName: '张建国' },
      { scene: SCENE, displayName: '欧阳 秀英', phone: '13912345678' },
      { scene: SCENE, displayName: '李', phone: '0512-65881234' },
      { scene: SCENE, displayName: '王', phone: '02158881234' },
    ],
    bad: [
      { scene: 42, displayName: '张建国' },
      { scene: SCENE },
      { scene: SCENE, displayName: '' },
      { scene: SCENE, displayName: '   ' },
      { scene: SCENE, displayName: ' 张建国' },
      { scene: SCENE, displayName: '张建国 ' },
      { scene: SCENE, displayName: '张\n建国' },
      { scene: SCENE, displayName: '张'.repeat(21) },
      { scene: SCENE, displayName: '张建国', phone: '12345678901' },
      { scene: SCENE, displayName: '张建国', phone: '1391234567' },
      { scene: SCENE, displayName: '张建国', phone: '139-1234-5678' },
      { scene: SCENE, displayName: '张建国', phone: '5888123' },
      { scene: SCENE, displayName: '张建国', phone: '' },
    ],
  },
  createVillage: {
    good: [{ streetId: 'st1', name: '幸福社区', kind: 'community' }],
    bad: [
      { streetId: 'st1', name: '  ', kind: 'community' },
      { streetId: 'st1', name: '幸福村', kind: 'town' },
    ],
  },
  createGrid: { good: [{ villageId: 'v1', name: '第一网格' }], bad: [{ villageId: 'v1', name: 'x'.repeat(41) }] },
  listVillageGrids: { good: [{ villageId: 'v1' }], bad: [{}, { villageId: 'v1', streetId: 's1' }] },
  createMicroGrid: { good: [{ gridId: 'g1', name: '3号楼', leaderUserId: 'u1' }], bad: [{ gridId: 'g1' }] },
  listStaff: { good: [{ villageId: 'v1' }], bad: [{}, { villageId: 'v1', gridId: 'g1' }] },
  removeRole: { good: [{ villageId: 'v1', assignmentId: 'gridLeader:g1:o-1' }], bad: [{ villageId: 'v1' }, { villageId: 'v1', assignmentId: 'a b' }] },
  revokeInvitation: { good: [{ invitationId: 'AbC123xyZ0' }], bad: [{}, { invitationId: '' }] },
  endMicroGrid: { good: [{ microGridId: 'mg-1' }], bad: [{}, { microGridId: 'mg-1', name: 'x' }] },
  getVillagePolicy: { good: [{ villageId: 'v1' }], bad: [{}, { villageId: 'v 1' }] },
  updateRoutingRule: {
    good: [
      { gridId: 'g1', category: 'medicine', roles: ['partyGroupLeader'], userIds: [], reason: '李书记负责' },
      { gridId: 'g1', category: '*', roles: [], userIds: [], reason: '恢复默认' },
    ],
    bad: [
      { gridId: 'g1', category: 'medicine', roles: ['dutyOfficer'], userIds: [], reason: 'x' },
      { gridId: 'g1', category: 'all', roles: [], userIds: [], reason: 'x' },
      { gridId: 'g1', category: 'medicine', roles: [], userIds: [], reason: 'x'.repeat(201) },
    ],
  },
  setVillagePolicy: {
    good: [
      { villageId: 'v1' },
      {
        villageId: 'v1',
        responseTargetMinutes: 15,
        urgentResponseTargetMinutes: 5,
        urgentAroundTheClock: true,
        escalationSteps: [{ level: 1, audience: 'otherLeaders', afterTargetMinutes: 0 }],
        autoCloseAfterDays: 3,
        calendar: {
          weeklyHours: [
            {
              weekday: 1,
              intervals: [
                { start: '08:30', end: '12:00' },
                { start: '14:00', end: '24:00' },
              ],
            },
          ],
          holidays: ['2026-10-01'],
          specialHours: [{ date: '2026-10-10', intervals: [{ start: '09:00', end: '17:00' }] }],
          emergencyMode: false,
        },
      },
    ],
    bad: [
      { villageId: 'v1', responseTargetMinutes: 0 },
      { villageId: 'v1', calendar: { holidays: ['2026-13-01'] } },
      { villageId: 'v1', calendar: { weeklyHours: [{ weekday: 7, intervals: [] }] } },
      { villageId: 'v1', calendar: { weeklyHours: [{ weekday: 1, intervals: [{ start: '8:00', end: '20:00' }] }] } },
      { villageId: 'v1', escalationSteps: [{ level: 4, audience: 'streetAdmins', afterTargetMinutes: 0 }] },
    ],
  },
  submitRequest: {
    good: [
      { category: 'supplies', text: '家里缺米', idempotencyKey: 'draft-0001' },
      {
        gridId: 'g1',
        category: 'medicine',
        text: '字'.repeat(500),
        photos: [FILE],
        location: { latitude: 31.2, longitude: 121.5, name: '3栋' },
        urgent: true,
        idempotencyKey: 'a1b2c3d4e5f6',
      },
      { category: 'other', text: '😀'.repeat(500), idempotencyKey: 'draft-0002' },
    ],
    bad: [
      { category: 'supplies', text: '字'.repeat(501), idempotencyKey: 'draft-0001' },
      { category: 'supplies', text: '   ', idempotencyKey: 'draft-0001' },
      { category: 'groceries', text: 'x', idempotencyKey: 'draft-0001' },
      { category: 'supplies', text: 'x', idempotencyKey: 'short' },
      { category: 'supplies', text: 'x' },
      { category: 'supplies', text: 'x', idempotencyKey: 'draft-0001', photos: [FILE, `${FILE}2`, `${FILE}3`, `${FILE}4`] },
      { category: 'supplies', text: 'x', idempotencyKey: 'draft-0001', photos: ['https://example.com/a.jpg'] },
      { category: 'supplies', text: 'x', idempotencyKey: 'draft-0001', location: { latitude: 91, longitude: 0 } },
      { category: 'supplies', text: 'x', idempotencyKey: 'draft-0001', state: 'resolved' },
      { category: 'supplies', text: 'x', idempotencyKey: 'draft-0001', urgent: 'yes' },
    ],
  },
  getRequest: { good: [{ requestId: 'r1' }], bad: [{}, { requestId: 'r1', extra: 1 }] },
  listMyRequests: { good: [{}, { states: ['submitted', 'resolved'], limit: 20, cursor: 'abc' }], bad: [{ states: ['done'] }, { limit: 51 }, { states: [] }] },
  listInbox: { good: [{ view: 'mine' }, { view: 'village', villageId: 'v1', states: ['submitted'] }], bad: [{ view: 'all' }, {}] },
  respondRequest: {
    good: [{ requestId: 'r1', message: '收到', expectedVersion: 1 }],
    bad: [
      { requestId: 'r1', message: '' },
      { requestId: 'r1', message: 'ok', expectedVersion: 0 },
    ],
  },
  updateRequestStatus: {
    good: [
      { requestId: 'r1', action: 'startProgress' },
      { requestId: 'r1', action: 'resolve', note: '已办结', photos: [FILE] },
      { requestId: 'r1', action: 'handOver', toUserId: 'u2', toRole: 'buildingLeader', note: '楼栋长更熟悉' },
      { requestId: 'r1', action: 'markSpam' },
      { requestId: 'r1', action: 'markSpam', note: '重复乱发', expectedVersion: 2 },
    ],
    bad: [
      { requestId: 'r1', action: 'resolve' },
      { requestId: 'r1', action: 'handOver', toUserId: 'u2', toRole: 'dutyOfficer' },
      { requestId: 'r1', action: 'confirm', rating: 5 },
      { requestId: 'r1', action: 'startProgress', toUserId: 'u2' },
      { requestId: 'r1', action: 'markSpam', note: '  ' },
      { requestId: 'r1', action: 'markSpam', toUserId: 'u2' },
    ],
  },
  confirmRequest: {
    good: [
      { requestId: 'r1', rating: 5, comment: '很好' },
      { requestId: 'r1', rating: 1 },
    ],
    bad: [
      { requestId: 'r1', rating: 0 },
      { requestId: 'r1', rating: 6 },
      { requestId: 'r1', rating: 4.5 },
    ],
  },
  reopenRequest: { good: [{ requestId: 'r1', reason: '还没修好' }], bad: [{ requestId: 'r1' }] },
  cancelRequest: { good: [{ requestId: 'r1' }, { requestId: 'r1', reason: '' }], bad: [{ reason: 'x' }] },
  recordSubscription: {
    good: [{ acceptedTemplateIds: ['tmpl_A-1', 'tmpl_B'], grantId: 'grant-0001' }],
    bad: [
      { acceptedTemplateIds: ['tmpl_A-1'] },
      { acceptedTemplateIds: [], grantId: 'grant-0001' },
      { acceptedTemplateIds: ['a', 'b', 'c', 'd'], grantId: 'grant-0001' },
      { acceptedTemplateIds: ['a', 'a'], grantId: 'grant-0001' },
    ],
  },
  publishNotice: {
    good: [
      { title: '核酸检测通知', body: '明早8点在村委会门口', scope: { kind: 'street' }, urgent: true },
      { title: '停水', body: '周三停水', scope: { kind: 'village', villageId: 'v1' }, attachments: [FILE] },
      { title: '物资发放', body: '3栋下楼领取', scope: { kind: 'grids', villageId: 'v1', gridIds: ['g1', 'g2'] }, idempotencyKey: 'notice-0001' },
    ],
    bad: [
      { title: '通知', body: '内容', scope: { kind: 'grids', villageId: 'v1', gridIds: [] } },
      { title: '通知', body: '内容', scope: { kind: 'village' } },
      { title: '通知', body: '内容', scope: { kind: 'street', villageId: 'v1' } },
      { title: '', body: '内容', scope: { kind: 'street' } },
      { title: '通知', body: '内容', scope: { kind: 'district' } },
    ],
  },
  listNotices: { good: [{}, { gridId: 'g1', limit: 10 }], bad: [{ limit: 0 }] },
  markNoticeRead: { good: [{ noticeId: 'n1' }], bad: [{ noticeId: 'n1', householdId: 'h1' }] },
  markHouseholdReached: {
    good: [{ noticeId: 'n1', householdId: 'h1', channel: 'phone', note: '已电话告知' }],
    bad: [{ noticeId: 'n1', householdId: 'h1', channel: 'wechat' }],
  },
  getNoticeReach: { good: [{ noticeId: 'n1' }, { noticeId: 'n1', gridId: 'g1' }], bad: [{}] },
  getVillageDashboard: { good: [{ villageId: 'v01' }], bad: [{}, { villageId: '' }, { villageId: 'v 1' }, { villageId: 'v01', openid: 'spoofed' }] },
  getGridRoster: {
    good: [{ gridId: 'g1' }, { gridId: 'g1', noticeId: 'n1', limit: 20, cursor: 'h1' }],
    bad: [{}, { gridId: 'g1', limit: 51 }, { gridId: 'g1', userId: 'spoofed' }],
  },
  getMyProfile: { good: [{}], bad: [{ openid: 'spoofed' }, { userId: 'someone-else' }] },
  getMyInformation: { good: [{}], bad: [{ openid: 'spoofed' }, { userId: 'someone-else' }] },
  updateMyInformation: {
    good: [{ phone: '13800138000' }, { phone: '021-12345678' }, { phone: null }, { careNeeds: [] }, { careNeeds: ['sick', 'disabled'], noSmartphone: true }],
    bad: [
      {},
      { phone: '12345' },
      { phone: '' },
      { careNeeds: ['unknown'] },
      { careNeeds: ['sick', 'sick'] },
      { noSmartphone: 'yes' },
      { building: '1', room: '101' },
      { phone: '13800138000', householdId: 'h1' },
      { phone: '13800138000', openid: 'spoofed' },
    ],
  },
  leaveGrid: { good: [{}], bad: [{ openid: 'spoofed' }, { householdId: 'h1' }] },
  rotateJoinKeys: { good: [{}], bad: [{ keyId: 'A' }, { secret: 'x' }] },
  exportReport: {
    good: [{ period: { kind: 'week', date: '2026-11-24' } }, { groupBy: 'grid', villageId: 'v1', period: { kind: 'week', date: '2026-11-24' } }],
    bad: [{}, { period: { kind: 'week' } }, { period: { kind: 'week', date: '2026-11-24' }, openid: 'spoofed' }],
  },
  listFollowUps: { good: [{}, { villageId: 'v1' }], bad: [{ villageId: '' }, { userId: 'spoofed' }] },
  listPersonalDataAccess: {
    good: [{ villageId: 'v1' }, { villageId: 'v1', limit: 10, cursor: '20' }],
    bad: [{}, { villageId: 'v1', cursor: '' }, { villageId: 'v1', limit: 0 }, { villageId: 'v1', viewerId: 'spoofed' }],
  },
  recordFollowUp: {
    good: [
      { followUpId: 'r1:rating', outcome: 'resolved' },
      { followUpId: 'r1:2', outcome: 'unreachable', note: '电话无人接' },
    ],
    bad: [
      { followUpId: 'r1:rating' },
      { followUpId: 'r1:rating', outcome: 'ignored' },
      { followUpId: 'r1', outcome: 'resolved' },
      { followUpId: 'r1:rating', outcome: 'resolved', doneBy: 'x' },
    ],
  },
  getReport: {
    good: [
      { groupBy: 'grid', villageId: 'v1', period: { kind: 'week', date: '2026-11-24' } },
      { groupBy: 'leader', period: { kind: 'range', from: '2026-11-01', to: '2026-11-30' } },
    ],
    bad: [
      { groupBy: 'household', period: { kind: 'week', date: '2026-11-24' } },
      { groupBy: 'grid', period: { kind: 'week' } },
      { groupBy: 'grid', period: { kind: 'range', from: '2026-11-01' } },
    ],
  },
  saveHousehold: {
    good: [
      { gridId: 'g1', building: '2栋', room: '101', careNeeds: [] },
      {
        gridId: 'g1',
        householdId: 'h1',
        building: '2栋',
        unit: '1单元',
        room: '101',
        careNeeds: ['elderlyAlone'],
        noSmartphone: true,
        phone: '13812345678',
        members: [{ name: '王秀英', relation: '户主' }],
        partyContact: { name: '张建国', phone: '021-58881234' },
      },
    ],
    bad: [
      { gridId: 'g1', room: '101', careNeeds: [] },
      { gridId: 'g1', building: '2栋', room: '101', careNeeds: ['rich'] },
      { gridId: 'g1', building: '2栋', room: '101', careNeeds: [], phone: '12345' },
      { gridId: 'g1', building: '2栋', room: '101', careNeeds: [], source: 'import' },
    ],
  },
  getHousehold: { good: [{ gridId: 'g1', householdId: 'h1' }], bad: [{ gridId: 'g1' }] },
  getHouseholdTemplate: { good: [{}], bad: [{ gridId: 'g1' }] },
  importHouseholds: {
    good: [{ gridId: 'g1', fileID: 'cloud://env-1a2b/households/g1.xlsx' }],
    bad: [{ gridId: 'g1' }, { gridId: 'g1', fileID: 'https://example.com/a.xlsx' }],
  },
};

describe('input schemas', () => {
  it('cover every function', () => {
    expect(Object.keys(CASES).sort()).toEqual([...FUNCTION_NAMES].sort());
  });

  it('forbid additional properties in every object', () => {
    const visit = (node: unknown, path: string): void => {
      if (Array.isArray(node)) {
        node.forEach((child, i) => {
          visit(child, `${path}/${i}`);
        });
        return;
      }
      if (!node || typeof node !== 'object') return;
      const record = node as Record<string, unknown>;
      if (record.properties !== undefined) expect(record.additionalProperties, path).toBe(false);
      for (const [key, child] of Object.entries(record)) visit(child, `${path}/${key}`);
    };
    for (const name of FUNCTION_NAMES) visit(INPUT_SCHEMAS[name], name);
  });

  for (const name of FUNCTION_NAMES) {
    describe(name, () => {
      const server = serverValidator(name);
      const client = clientValidators[name];
      // What the cloud functions run: the precompiled validators, which must judge as the compiled schema does.
      const backend: InputValidator<unknown> = backendValidatorsByName[name];
      it('accepts good input on server, client and in the cloud functions', () => {
        for (const input of CASES[name].good) {
          expect(server(input), JSON.stringify(server.errors)).toBe(true);
          expect(client(input)).toBe(true);
          expect(backend(input)).toBe(true);
        }
      });
      it('rejects bad input on server, client and in the cloud functions, naming the same fields', () => {
        for (const input of CASES[name].bad) {
          expect(server(input), JSON.stringify(input)).toBe(false);
          expect(client(input), JSON.stringify(input)).toBe(false);
          expect(validateInput(backend, input), JSON.stringify(input)).toEqual(validateInput(server, input));
        }
      });
    });
  }
});

describe('validateInput', () => {
  it('returns INPUT.INVALID with a Chinese message per field', () => {
    const result = validateInput(serverValidator('submitRequest'), { category: 'supplies', text: '字'.repeat(501), extra: true });
    expect(result).toMatchObject({ ok: false, code: 'INPUT.INVALID', message: '填写的内容有误，请检查后再试' });
    const problems = result.ok ? [] : (result.details as { problems: Array<{ path: string; message: string }> }).problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: '/idempotencyKey', message: '必填' },
        { path: '/extra', message: '不认识的字段' },
        { path: '/text', message: '最多 500 字' },
      ]),
    );
  });

  it('returns the typed value on success', () => {
    const result = validateInput(serverValidator('confirmRequest'), { requestId: 'r1', rating: 5 });
    expect(result).toEqual({ ok: true, value: { requestId: 'r1', rating: 5 } });
  });
});

describe('derived types', () => {
  it('follow the schemas', () => {
    expectTypeOf<FunctionInputs['submitRequest']['category']>().toEqualTypeOf<
      'supplies' | 'medicine' | 'elderlyCare' | 'sanitation' | 'repairs' | 'dispute' | 'healthReport' | 'consultation' | 'other'
    >();
    expectTypeOf<FunctionInputs['submitRequest']['urgent']>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<FunctionInputs['confirmRequest']['rating']>().toEqualTypeOf<number>();
    expectTypeOf<FunctionInputs['publishNotice']['scope']['kind']>().toEqualTypeOf<'street' | 'village' | 'grids'>();
    expectTypeOf<FunctionInputs['updateRequestStatus']['action']>().toEqualTypeOf<'startProgress' | 'resolve' | 'handOver' | 'markSpam'>();
    expectTypeOf<NonNullable<FunctionInputs['listMyRequests']['states']>[number]>().toEqualTypeOf<
      'submitted' | 'responded' | 'inProgress' | 'resolved' | 'reopened' | 'confirmed' | 'closed' | 'cancelled' | 'spam'
    >();
  });
});

describe('miniprogram/generated/words', () => {
  it('is up to date with the core words (run `npx tsx scripts/build-validators.ts`)', () => {
    const { js, dts } = generateWords();
    expect(fs.readFileSync(WORDS_JS, 'utf8')).toBe(js);
    expect(fs.readFileSync(WORDS_DTS, 'utf8')).toBe(dts);
  });
});

describe('miniprogram/generated/validators', () => {
  it('is up to date with the schemas (run `npx tsx scripts/build-validators.ts`)', async () => {
    const { js, dts } = await generateValidators();
    expect(fs.readFileSync(VALIDATORS_JS, 'utf8') === js, 'validators.js is stale').toBe(true);
    expect(fs.readFileSync(VALIDATORS_DTS, 'utf8')).toBe(dts);
  });

  it('has a cloud-function copy up to date with the schemas (run `npx tsx scripts/build-validators.ts`)', async () => {
    const { js, dts } = await generateBackendValidators();
    expect(fs.readFileSync(BACKEND_VALIDATORS_JS, 'utf8') === js, 'backend/generated/validators.js is stale').toBe(true);
    expect(fs.readFileSync(BACKEND_VALIDATORS_DTS, 'utf8')).toBe(dts);
  });

  it('generates the same files on every run', async () => {
    const [first, second] = [await generateBackendValidators(), await generateBackendValidators()];
    expect(first.js === second.js).toBe(true);
    const phone = [await generateValidators(), await generateValidators()];
    expect(phone[0]?.js === phone[1]?.js).toBe(true);
  });

  it('loads with no require at all, as in the mini-program without npm', () => {
    const module = { exports: {} as Record<string, unknown> };
    const required: string[] = [];
    const sandboxRequire = (id: string): never => {
      required.push(id);
      throw new Error(`require(${id}) is not available`);
    };
    vm.runInNewContext(fs.readFileSync(VALIDATORS_JS, 'utf8'), { module, exports: module.exports, require: sandboxRequire });
    expect(required).toEqual([]);
    expect(Object.keys(module.exports).sort()).toEqual([...FUNCTION_NAMES].sort());
  });
});
