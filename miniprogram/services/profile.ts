// Who am I (getMyProfile), loaded once per session and kept on the app: the home page refreshes it each
// time it shows, and the leader and committee pages read it to find their grid or village when they
// were opened without one (e.g. from a subscribe message). The phone has no other way to know roles.
import { call } from './api';
import { VILLAGE_MANAGER_ROLES } from '../generated/words';
import type { MyProfile as ProfileReply } from './outputs';

/** The profile as the phone keeps it: reminders null when an older backend sent none. */
export type MyProfile = Omit<ProfileReply, 'reminders'> & { reminders: ProfileReply['reminders'] | null };
export type GridWorkPlace = MyProfile['grids'][number];
export type VillageWorkPlace = MyProfile['villages'][number];
export type VillageWorkRole = VillageWorkPlace['roles'][number];
export type GridLeaderContact = NonNullable<MyProfile['membership']>['leaders'][number];

/** Where the session's profile lives on getApp().globalData (a new session starts without it). */
const PROFILE_KEY = 'lxProfile';
const PENDING_KEY = 'lxProfilePending';

const EMPTY_PROFILE: MyProfile = { membership: null, grids: [], villages: [], streetAdmin: false, reminders: null };

/** Roles that run the village's committee pages (publish, grids): core's village managers. The dashboard also admits duty officers. */
export const COMMITTEE_WORK_ROLES: readonly VillageWorkRole[] = VILLAGE_MANAGER_ROLES;

interface SessionStore {
  [PROFILE_KEY]?: MyProfile;
  [PENDING_KEY]?: Promise<MyProfile | null>;
}

function session(): SessionStore {
  // globalData is declared in app.ts; getApp() is typed without it.
  const app = getApp() as unknown as { globalData?: SessionStore };
  if (app.globalData === undefined) app.globalData = {};
  return app.globalData;
}

const isText = (v: unknown): v is string => typeof v === 'string' && v !== '';

/** What the backend sent, kept only where it has the expected shape (an older backend may lack fields). */
function toProfile(raw: unknown): MyProfile {
  if (raw === null || typeof raw !== 'object') return EMPTY_PROFILE;
  const o = raw as Partial<Record<keyof MyProfile, unknown>>;
  const grids = Array.isArray(o.grids) ? (o.grids as GridWorkPlace[]).filter((g) => isText(g?.gridId) && Array.isArray(g.roles)) : [];
  const villages = Array.isArray(o.villages) ? (o.villages as VillageWorkPlace[]).filter((v) => isText(v?.villageId) && Array.isArray(v.roles)) : [];
  const m = o.membership as MyProfile['membership'] | undefined;
  // An older backend sends no leaders: the home page then shows none rather than failing.
  const leaders = m !== undefined && m !== null && Array.isArray(m.leaders) ? m.leaders.filter((l) => isText(l?.role)) : [];
  const membership = m !== undefined && m !== null && isText(m.gridId) ? { ...m, leaders } : null;
  return { membership, grids, villages, streetAdmin: o.streetAdmin === true, reminders: toReminders(o.reminders) };
}

/** The reminder counts when they have the expected shape, else null (the pages then show no count). */
function toReminders(raw: unknown): MyProfile['reminders'] {
  if (raw === null || typeof raw !== 'object') return null;
  const r = raw as { longTerm?: unknown; left?: unknown };
  if (typeof r.longTerm !== 'boolean' || r.left === null || typeof r.left !== 'object') return null;
  return { longTerm: r.longTerm, left: r.left as ProfileReply['reminders']['left'] };
}

/** After the person allowed more reminders: the session's copy carries the new counts, so pages opened next show them. */
export function rememberReminders(reminders: MyProfile['reminders']): void {
  const cached = session()[PROFILE_KEY];
  if (cached !== undefined) cached.reminders = reminders;
}

/**
 * The caller's profile: the session's copy, or one getMyProfile call (callers at the same moment share
 * it). `refresh` asks again. Null when it could not be loaded and none was loaded before.
 */
export function loadProfile(options: { refresh?: boolean } = {}): Promise<MyProfile | null> {
  const store = session();
  const cached = store[PROFILE_KEY];
  if (cached !== undefined && options.refresh !== true) return Promise.resolve(cached);
  const pending = store[PENDING_KEY];
  if (pending !== undefined) return pending;
  const loading = call('getMyProfile', {}).then((result) => {
    delete store[PENDING_KEY];
    if (!result.ok) return store[PROFILE_KEY] ?? null;
    const profile = toProfile(result.data);
    store[PROFILE_KEY] = profile;
    return profile;
  });
  store[PENDING_KEY] = loading;
  return loading;
}

/** The first grid the caller serves in, or ''. */
export async function firstWorkGridId(): Promise<string> {
  const profile = await loadProfile();
  return profile?.grids[0]?.gridId ?? '';
}

/** The first village where the caller holds one of `roles` (any village role when omitted), or ''. */
export async function firstWorkVillageId(roles?: readonly VillageWorkRole[]): Promise<string> {
  const profile = await loadProfile();
  const place = profile?.villages.find((v) => roles === undefined || v.roles.some((r) => roles.includes(r)));
  return place?.villageId ?? '';
}
