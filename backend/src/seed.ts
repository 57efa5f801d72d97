// A demo street, built as plain documents (pure) and written through the real SDK. `npm start` seeds
// it on first start, `npm run demo` drives it, and the backend tests use a small one as their fixture.
// Documents are stored with `_id` = the model's id (see backend/src/collections.ts for the names).
import type { CareNeed, Grid, Household, Membership, RoleAssignment, Street, Village } from '../../core/src/model';
import { THREE_LEADER_ROLES, type LeaderRole } from '../../core/src/model';
import type { Database } from './cloud';
import { COLLECTIONS } from './collections';

export interface SeedOptions {
  villages: number;
  gridsPerVillage: number;
  householdsPerGrid: number;
  /** Households whose resident has already joined (the rest have not scanned yet). */
  joinedHouseholdsPerGrid: number;
}

export const SMALL_STREET: SeedOptions = { villages: 2, gridsPerVillage: 3, householdsPerGrid: 6, joinedHouseholdsPerGrid: 4 };
export const DEMO_STREET: SeedOptions = { villages: 3, gridsPerVillage: 4, householdsPerGrid: 20, joinedHouseholdsPerGrid: 15 };

const DEMO_STREET_ID = 'street-lianxin';
export const DEMO_ADMIN_OPENID = 'o-street-admin';

const VILLAGE_NAMES = ['东风村', '幸福社区', '柳湾村', '和平社区', '新桥村', '南山村'];
/** Every fifth household has someone living alone aged 60+; every seventh someone sick. */
const ELDERLY_EVERY = 5;
const SICK_EVERY = 7;
const NO_SMARTPHONE_EVERY = 9;
/**
 * Staff names: the nth person gets SURNAMES[n mod 20] + GIVEN_NAMES[n mod 23]. The lengths are
 * coprime, so the first 460 staff all get different names, and the same street always gets the same ones.
 */
const SURNAMES = ['张', '王', '李', '赵', '陈', '刘', '杨', '黄', '周', '吴', '徐', '孙', '朱', '马', '胡', '郭', '林', '何', '高', '罗'];
const GIVEN_NAMES = [
  '建国',
  '秀英',
  '志强',
  '桂兰',
  '海燕',
  '德明',
  '春梅',
  '国华',
  '丽娟',
  '永福',
  '玉珍',
  '文斌',
  '淑芬',
  '红军',
  '美玲',
  '卫东',
  '凤英',
  '晓明',
  '金花',
  '立新',
  '爱华',
  '家豪',
  '雪梅',
];
/**
 * Staff carry mobiles 139 0000 nnnn; each village's duty officer the duty mobile 138 0000 nnnn (值班手机),
 * so an escalation to the duty desk reaches it by SMS (a landline cannot take one).
 */
const STAFF_MOBILE_PREFIX = '1390000';
const STAFF_MOBILE_DIGITS = 4;
const DUTY_MOBILE_PREFIX = '1380000';
const DUTY_MOBILE_DIGITS = 4;

export interface DemoGridPeople {
  gridId: string;
  villageId: string;
  code: string;
  leaders: Record<LeaderRole, string>;
  /** Openids of residents who have joined, by household id. */
  residents: Array<{ openid: string; householdId: string }>;
  /** Households nobody has joined yet, with the openid the demo uses for their resident. */
  unjoined: Array<{ openid: string; householdId: string }>;
}

export interface DemoStreet {
  street: Street;
  villages: Village[];
  grids: Grid[];
  households: Household[];
  memberships: Membership[];
  roleAssignments: RoleAssignment[];
  people: {
    admin: string;
    dutyOfficers: Record<string, string>;
    committee: Record<string, string>;
    grids: DemoGridPeople[];
  };
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

export function roleAssignmentId(a: Pick<RoleAssignment, 'role' | 'scope' | 'userId'>): string {
  const scopeId = a.scope.gridId ?? a.scope.villageId ?? a.scope.streetId;
  return `${a.role}:${scopeId}:${a.userId}`;
}

export function buildDemoStreet(options: SeedOptions, now: number): DemoStreet {
  const street: Street = { id: DEMO_STREET_ID, name: '连心街道' };
  const out: DemoStreet = {
    street,
    villages: [],
    grids: [],
    households: [],
    memberships: [],
    roleAssignments: [],
    people: { admin: DEMO_ADMIN_OPENID, dutyOfficers: {}, committee: {}, grids: [] },
  };
  let staffCount = 0;
  /** A deterministic name and (unless given) mobile for the next staff member. */
  const assign = (userId: string, role: RoleAssignment['role'], scope: RoleAssignment['scope'], phone?: string): void => {
    const n = staffCount++;
    const displayName = `${SURNAMES[n % SURNAMES.length]}${GIVEN_NAMES[n % GIVEN_NAMES.length]}`;
    const contact = phone ?? `${STAFF_MOBILE_PREFIX}${pad(n, STAFF_MOBILE_DIGITS)}`;
    out.roleAssignments.push({ userId, role, scope, assignedAt: now, assignedBy: DEMO_ADMIN_OPENID, displayName, phone: contact });
  };
  assign(DEMO_ADMIN_OPENID, 'streetAdmin', { streetId: street.id });
  for (let v = 1; v <= options.villages; v++) {
    const villageId = `v${pad(v, 2)}`;
    out.villages.push({
      id: villageId,
      streetId: street.id,
      name: VILLAGE_NAMES[(v - 1) % VILLAGE_NAMES.length] ?? `第${v}村`,
      kind: v % 2 === 0 ? 'community' : 'village',
    });
    const duty = `o-${villageId}-duty`;
    const committee = `o-${villageId}-committee`;
    out.people.dutyOfficers[villageId] = duty;
    out.people.committee[villageId] = committee;
    assign(duty, 'dutyOfficer', { streetId: street.id, villageId }, `${DUTY_MOBILE_PREFIX}${pad(v, DUTY_MOBILE_DIGITS)}`);
    assign(committee, 'committee', { streetId: street.id, villageId });
    for (let g = 1; g <= options.gridsPerVillage; g++) {
      const gridId = `${villageId}-g${pad(g, 2)}`;
      // Seven base62 characters, as the join-token core expects (GRID_CODE_LENGTH).
      const code = `D${pad(v, 3)}${pad(g, 3)}`;
      out.grids.push({ id: gridId, villageId, streetId: street.id, name: `第${g}网格`, code });
      const leaders = Object.fromEntries(THREE_LEADER_ROLES.map((role) => [role, `o-${gridId}-${role}`])) as Record<LeaderRole, string>;
      for (const role of THREE_LEADER_ROLES) assign(leaders[role], role, { streetId: street.id, villageId, gridId });
      const people: DemoGridPeople = { gridId, villageId, code, leaders, residents: [], unjoined: [] };
      for (let h = 1; h <= options.householdsPerGrid; h++) {
        const householdId = `${gridId}-h${pad(h, 3)}`;
        const careNeeds: CareNeed[] = [];
        if (h % ELDERLY_EVERY === 0) careNeeds.push('elderlyAlone');
        if (h % SICK_EVERY === 0) careNeeds.push('sick');
        out.households.push({
          id: householdId,
          gridId,
          villageId,
          building: `${Math.ceil(h / 6)}栋`,
          unit: `${((h - 1) % 2) + 1}单元`,
          room: `${100 * (((h - 1) % 6) + 1) + 1}`,
          careNeeds,
          ...(h % NO_SMARTPHONE_EVERY === 0 ? { noSmartphone: true } : {}),
        });
        const openid = `o-${householdId}`;
        if (h <= options.joinedHouseholdsPerGrid) {
          out.memberships.push({ userId: openid, gridId, villageId, householdId, joinedAt: now });
          people.residents.push({ openid, householdId });
        } else {
          people.unjoined.push({ openid, householdId });
        }
      }
      out.people.grids.push(people);
    }
  }
  return out;
}

/** Model object → stored document: the id becomes `_id`. */
function toDoc<T extends { id: string }>(entity: T): Omit<T, 'id'> & { _id: string } {
  const { id, ...rest } = entity;
  return { _id: id, ...rest };
}

/** The largest batch one insert may carry; keeps each request well under the server's size limit. */
const INSERT_BATCH_SIZE = 200;

async function insertAll(db: Database, collection: string, docs: object[]): Promise<void> {
  for (let i = 0; i < docs.length; i += INSERT_BATCH_SIZE) {
    await db.collection(collection).add({ data: docs.slice(i, i + INSERT_BATCH_SIZE) as never });
  }
}

/** The street's documents by collection, in the order they are written (a bulk import takes them as they are). */
export function demoStreetDocuments(street: DemoStreet): Array<[collection: string, docs: Array<{ _id: string }>]> {
  return [
    [COLLECTIONS.streets, [toDoc(street.street)]],
    [COLLECTIONS.villages, street.villages.map(toDoc)],
    [COLLECTIONS.grids, street.grids.map(toDoc)],
    [COLLECTIONS.households, street.households.map(toDoc)],
    [COLLECTIONS.memberships, street.memberships.map((m) => ({ _id: m.userId, ...m }))],
    [COLLECTIONS.roleAssignments, street.roleAssignments.map((a) => ({ _id: roleAssignmentId(a), ...a }))],
  ];
}

export async function writeDemoStreet(db: Database, street: DemoStreet): Promise<void> {
  for (const [collection, docs] of demoStreetDocuments(street)) await insertAll(db, collection, docs);
}
