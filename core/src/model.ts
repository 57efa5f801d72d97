// The domain types of 连心网格, shared by the cloud functions, the emulator and the mini-program.
// States are data with a type (FixMyStreet style): code asks predicates such as isOpen(state)
// rather than listing states. All instants are epoch milliseconds; dates are China dates 'YYYY-MM-DD'.

export type Id = string;
/** Epoch milliseconds. */
export type EpochMs = number;
/** A China-time calendar date, 'YYYY-MM-DD'. */
export type ChinaDate = string;
/** A China-time wall-clock time of day, 'HH:mm' ('24:00' allowed as an interval end). */
export type TimeOfDay = string;

// ---------------------------------------------------------------------------------------------
// Organisation

export interface Street {
  id: Id;
  name: string;
}

export const VILLAGE_KINDS = ['village', 'community'] as const;
export type VillageKind = (typeof VILLAGE_KINDS)[number];

export interface Village {
  id: Id;
  streetId: Id;
  name: string;
  kind: VillageKind;
}

export interface Grid {
  id: Id;
  villageId: Id;
  streetId: Id;
  name: string;
  /** Short code carried in join QR codes (see joinToken.ts), unique within the deployment. */
  code: string;
  /** The grid's WeChat group, once bound (bindGridGroup). */
  openGId?: string;
}

/** 微网格 / 战时小网格: a grid split by building, lane or courtyard, with a temporary leader. */
export interface MicroGrid {
  id: Id;
  gridId: Id;
  villageId: Id;
  name: string;
  leaderUserId?: Id;
  /** Buildings it covers (matched against Household.building); their requests reach its leader too. */
  buildings?: string[];
  /** Set once it ends: its buildings and leader are cleared (kept here), so requests route to the grid alone. */
  endedAt?: EpochMs;
  endedBy?: Id;
  formerBuildings?: string[];
  formerLeaderUserId?: Id;
}

export const CARE_NEEDS = ['elderlyAlone', 'sick', 'disabled', 'pregnant'] as const;
export type CareNeed = (typeof CARE_NEEDS)[number];
/** The words staff and residents see for each care need (the join page's choices, the roster). */
export const CARE_NEED_LABELS: Record<CareNeed, string> = {
  elderlyAlone: '独居老人',
  sick: '患病',
  disabled: '残疾',
  pregnant: '孕妇',
};

export interface Household {
  id: Id;
  gridId: Id;
  villageId: Id;
  microGridId?: Id;
  building?: string;
  unit?: string;
  room?: string;
  /** 重点人群 in this household. */
  careNeeds: CareNeed[];
  /** True when nobody in the household uses a smartphone: it can only be reached in person. */
  noSmartphone?: boolean;
  /** 一户一档: the household's phone, as the register holds it (shown only to the grid's staff). */
  phone?: string;
  /** 一户一档: the people living there, as the register holds them (residents who joined are memberships). */
  members?: HouseholdMember[];
  /** 党员联户: the party member who keeps in touch with this household. */
  partyContact?: { name: string; phone?: string };
  /** How the household came to be known: a resident's join, a staff member's entry, or an imported sheet. */
  source?: HouseholdSource;
  /** When and by whom the register entry was last written by staff (absent for join-only households). */
  registeredAt?: EpochMs;
  registeredBy?: Id;
}

export type HouseholdSource = 'joined' | 'register' | 'import';

/** One person in a household's register entry. */
export interface HouseholdMember {
  name: string;
  /** 与户主关系, e.g. 本人, 配偶, 子女. */
  relation?: string;
  phone?: string;
}

/** A resident's membership of a grid (and optionally a household), created by joinGrid. */
export interface Membership {
  userId: Id;
  gridId: Id;
  villageId: Id;
  householdId?: Id;
  joinedAt: EpochMs;
  /**
   * Whether the household claim is confirmed (core/src/claims.ts): 'pending' (待核实) until grid staff or
   * the household's verified member confirm it. Absent on memberships stored before claims were checked: verified.
   */
  verification?: MembershipVerification;
  verifiedBy?: Id;
  verifiedAt?: EpochMs;
  /** The privacy notice version the resident consented to when joining, and when (core/src/privacyNotice.ts). */
  privacyConsent?: { version: string; at: EpochMs };
}

const MEMBERSHIP_VERIFICATIONS = ['pending', 'verified'] as const;
type MembershipVerification = (typeof MEMBERSHIP_VERIFICATIONS)[number];

// ---------------------------------------------------------------------------------------------
// People and roles

const ROLES = ['resident', 'gridLeader', 'partyGroupLeader', 'buildingLeader', 'gridWorker', 'dutyOfficer', 'committee', 'streetAdmin'] as const;
export type Role = (typeof ROLES)[number];

/** The one word for each role, on every page and in every message (the phone gets a generated copy). */
export const ROLE_LABELS: Record<Role, string> = {
  resident: '居民',
  gridLeader: '网格长',
  partyGroupLeader: '党小组长',
  buildingLeader: '楼栋长',
  gridWorker: '网格员',
  dutyOfficer: '值班员',
  committee: '两委成员',
  streetAdmin: '街道管理员',
};

/** 三长: they answer residents of their grid together. */
export const THREE_LEADER_ROLES = ['gridLeader', 'partyGroupLeader', 'buildingLeader'] as const;
export type LeaderRole = (typeof THREE_LEADER_ROLES)[number];

/** Roles held within one grid (the 三长 and the grid worker). */
export const GRID_ROLES = [...THREE_LEADER_ROLES, 'gridWorker'] as const;
export type GridRole = (typeof GRID_ROLES)[number];

/** Roles held within one village. */
const VILLAGE_ROLES = ['dutyOfficer', 'committee'] as const;
export type VillageRole = (typeof VILLAGE_ROLES)[number];

export function isLeaderRole(role: Role): role is LeaderRole {
  return (THREE_LEADER_ROLES as readonly Role[]).includes(role);
}
export function isGridRole(role: Role): role is GridRole {
  return (GRID_ROLES as readonly Role[]).includes(role);
}
export function isVillageRole(role: Role): role is VillageRole {
  return (VILLAGE_ROLES as readonly Role[]).includes(role);
}

/** Where a role applies: grid roles carry gridId, village roles villageId, streetAdmin streetId only. */
export interface RoleScope {
  streetId: Id;
  villageId?: Id;
  gridId?: Id;
}

export interface RoleAssignment {
  userId: Id;
  role: Role;
  scope: RoleScope;
  assignedAt: EpochMs;
  assignedBy: Id;
  /** The holder's name as they gave it when accepting (older assignments have none). */
  displayName?: string;
  /** A number to reach them; for the 三长 it is shown to their grid's residents, who call them. */
  phone?: string;
  /** A micro-grid's temporary role (战时): it ends when the micro-grid ends. */
  microGridId?: Id;
}

// ---------------------------------------------------------------------------------------------
// Requests (诉求)

export const REQUEST_CATEGORIES = ['supplies', 'medicine', 'elderlyCare', 'sanitation', 'repairs', 'dispute', 'healthReport', 'consultation', 'other'] as const;
export type RequestCategory = (typeof REQUEST_CATEGORIES)[number];

export const REQUEST_CATEGORY_LABELS: Record<RequestCategory, string> = {
  supplies: '生活物资',
  medicine: '就医买药',
  elderlyCare: '老人照护',
  sanitation: '环境卫生',
  repairs: '维修',
  dispute: '矛盾纠纷',
  healthReport: '健康上报',
  consultation: '政策咨询',
  other: '其他',
};

export interface RequestStateInfo {
  /** Shown to residents and leaders. */
  label: string;
  /** Still needs someone's action (open), as opposed to finished (closed). */
  open: boolean;
  /** Waiting for the first real reply: the response clock runs and escalation applies. */
  awaitingResponse: boolean;
}

/** The request's public states, as data. 'closed' is the auto-close after N days resolved; 'spam' a request staff marked as not a real one (无效诉求). */
export const REQUEST_STATES = {
  submitted: { label: '待响应', open: true, awaitingResponse: true },
  responded: { label: '已响应', open: true, awaitingResponse: false },
  inProgress: { label: '处理中', open: true, awaitingResponse: false },
  resolved: { label: '已办结待确认', open: true, awaitingResponse: false },
  reopened: { label: '已重新打开', open: true, awaitingResponse: false },
  confirmed: { label: '已确认', open: false, awaitingResponse: false },
  closed: { label: '已关闭', open: false, awaitingResponse: false },
  cancelled: { label: '已撤销', open: false, awaitingResponse: false },
  spam: { label: '无效诉求', open: false, awaitingResponse: false },
} as const satisfies Record<string, RequestStateInfo>;

export type RequestState = keyof typeof REQUEST_STATES;
export const REQUEST_STATE_NAMES = Object.keys(REQUEST_STATES) as RequestState[];

export function isOpen(state: RequestState): boolean {
  return REQUEST_STATES[state].open;
}
export function isClosed(state: RequestState): boolean {
  return !REQUEST_STATES[state].open;
}
export function isAwaitingResponse(state: RequestState): boolean {
  return REQUEST_STATES[state].awaitingResponse;
}

interface GeoLocation {
  latitude: number;
  longitude: number;
  name?: string;
}

/** Who is told at each escalation level. */
export const ESCALATION_AUDIENCES = ['otherLeaders', 'dutyOfficers', 'streetAdmins'] as const;
export type EscalationAudience = (typeof ESCALATION_AUDIENCES)[number];

/** One planned escalation, fixed when the request is submitted (later policy edits don't move it). */
export interface EscalationStep {
  level: number;
  audience: EscalationAudience;
  dueAt: EpochMs;
}

const ROUTING_OUTCOMES = ['routed', 'noResponderFallback'] as const;
export type RoutingOutcome = (typeof ROUTING_OUTCOMES)[number];

export interface Request {
  id: Id;
  streetId: Id;
  villageId: Id;
  gridId: Id;
  microGridId?: Id;
  householdId?: Id;
  /**
   * The resident it is for (openid-derived user id). For 代办 the household's first joined member,
   * or a household-scoped id when nobody of it has joined (backend/src/requests/submit.ts).
   */
  residentId: Id;
  /** 代办: the grid staff member who submitted it on the household's behalf (absent: the resident did). */
  submittedBy?: Id;
  category: RequestCategory;
  text: string;
  /** Cloud storage fileIDs. */
  photos: string[];
  location?: GeoLocation;
  urgent: boolean;
  idempotencyKey: string;
  state: RequestState;
  /** Incremented on every change: handlers update `where version == expected`. */
  version: number;
  submittedAt: EpochMs;
  /** Who routing chose at submission (used for per-leader reports). */
  routedTo: Id[];
  routingOutcome: RoutingOutcome;
  /** Who may answer now: routedTo plus whoever escalation or hand-over added. */
  responders: Id[];
  /** When the first real reply is due (service time only; see sla.ts). */
  responseDueAt: EpochMs;
  /** 0 = not escalated. */
  escalationLevel: number;
  escalationPlan: EscalationStep[];
  /** Due time of the next escalation, or null when none is pending. Indexed by the sweeper. */
  nextEscalationAt: EpochMs | null;
  firstResponseAt?: EpochMs;
  firstResponseBy?: Id;
  /** Wall-clock ms from submission to the first real reply. */
  firstResponseMs?: number;
  resolvedAt?: EpochMs;
  resolution?: { note: string; photos: string[] };
  confirmedAt?: EpochMs;
  rating?: number;
  ratingComment?: string;
  closedAt?: EpochMs;
  cancelledAt?: EpochMs;
  reopenCount: number;
}

const REQUEST_ACTIONS = [
  'submit',
  'respond',
  'startProgress',
  'resolve',
  'confirm',
  'reopen',
  'cancel',
  'autoClose',
  'escalate',
  'handOver',
  'markSpam',
] as const;
export type RequestActionKind = (typeof REQUEST_ACTIONS)[number];

/** One line of the request's history, as the resident sees it (label in Chinese). */
export interface RequestEvent {
  requestId: Id;
  kind: RequestActionKind;
  fromState: RequestState | null;
  toState: RequestState;
  /** User id, or 'system' for the sweeper (for a resident, 'staff' stands for a staff member: residentView.ts). */
  actorId: Id;
  /** For a resident: the staff member who acted, by role and name (residentView.ts). */
  actorLabel?: string;
  at: EpochMs;
  label: string;
  note?: string;
  photos?: string[];
  /** Request version after this event. */
  version: number;
  data?: Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// Notices

export type NoticeScope = { kind: 'street' } | { kind: 'village'; villageId: Id } | { kind: 'grids'; villageId: Id; gridIds: Id[] };

export interface Notice {
  id: Id;
  streetId: Id;
  title: string;
  body: string;
  attachments: string[];
  scope: NoticeScope;
  urgent: boolean;
  publishedAt: EpochMs;
  publishedBy: Id;
}

export interface ReadReceipt {
  noticeId: Id;
  userId: Id;
  householdId: Id;
  readAt: EpochMs;
  /** How the first read came: 'group' when opened from a card forwarded into the grid's bound WeChat group. */
  channel?: ReadChannel;
}

/** How a read came, beyond the mini-program itself: from a card in the grid's bound WeChat group. */
type ReadChannel = 'group';

export const REACH_CHANNELS = ['inPerson', 'phone'] as const;
type ReachChannel = (typeof REACH_CHANNELS)[number];

/** A leader's record that a household was told another way; counts as reached. */
export interface ReachMark {
  noticeId: Id;
  householdId: Id;
  channel: ReachChannel;
  markedBy: Id;
  markedAt: EpochMs;
  note?: string;
}

// ---------------------------------------------------------------------------------------------
// Routing, policy, calendar

/** '*' means every category of the grid without a more specific rule. */
export type RoutingCategory = RequestCategory | '*';

export interface RoutingRule {
  id: Id;
  gridId: Id;
  category: RoutingCategory;
  /** Grid roles whose holders answer (resolved against the grid's role assignments). */
  roles: GridRole[];
  /** Named people who answer, in addition to the roles. */
  userIds: Id[];
  updatedAt: EpochMs;
  updatedBy: Id;
  version: number;
}

/** Audit entry written with every routing-rule change: who, when, why, before and after. */
export interface RoutingAuditEntry {
  ruleId: Id;
  gridId: Id;
  category: RoutingCategory;
  changedBy: Id;
  changedAt: EpochMs;
  reason: string;
  before: RoutingRule | null;
  after: RoutingRule | null;
}

export interface ServiceInterval {
  start: TimeOfDay;
  end: TimeOfDay;
}

/** Weekday as in dayjs: 0 = Sunday … 6 = Saturday. */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

export interface ServiceCalendar {
  /** Service hours per weekday (China time). A weekday with no entry or [] has no service. */
  weeklyHours: Partial<Record<Weekday, ServiceInterval[]>>;
  /** Dates with no service (public holidays). */
  holidays: ChinaDate[];
  /** Dates with their own hours, overriding weekday and holiday (e.g. 调休 make-up working days). */
  specialHours?: Record<ChinaDate, ServiceInterval[]>;
  /** Emergency mode: service around the clock, every day. */
  emergencyMode: boolean;
}

export interface VillagePolicy {
  villageId: Id;
  responseTargetMs?: number;
  urgentResponseTargetMs?: number;
  /** When true, urgent requests' clocks run around the clock, not only in service hours. */
  urgentAroundTheClock?: boolean;
  escalationSteps?: EscalationStepPolicy[];
  autoCloseAfterDays?: number;
  calendar?: Partial<ServiceCalendar>;
  /** When true, an urgent request goes to all three 三长 at submission, not only the routed ones. */
  urgentToAllLeaders?: boolean;
  /** Which duty officer covers which hours (值班表); level 2 goes to the officer on duty. */
  dutyRota?: DutyShift[];
  /** How long before a response target the responders get a due-soon reminder (0: none). */
  dueSoonBeforeMs?: number;
  sms?: Partial<SmsPolicy>;
  /** Per-category resolution targets (办结时限), wall-clock ms; absent categories keep the default. */
  resolutionTargetsMs?: Partial<Record<RequestCategory, number>>;
  /** 常用回复: the village's quick replies, in the order staff see them (absent: the defaults). */
  quickReplies?: string[];
  updatedAt: EpochMs;
  updatedBy: Id;
}

/** Escalation level `level` is due `afterTargetMs` of service time after the response target. */
/** One duty officer's turn: on these weekdays (every day when absent) or dates, between two China times. */
export interface DutyShift {
  officerId: Id;
  /** Weekdays the shift repeats on (0 = Sunday); absent with no dates: every day. */
  weekdays?: Weekday[];
  /** Particular dates the shift covers (e.g. a holiday's duty), in addition to its weekdays. */
  dates?: ChinaDate[];
  /** 'HH:mm' China time; a shift whose end is not after its start runs past midnight. */
  start: string;
  end: string;
}

/** The SMS channel of one village: SMS costs money, so it can be switched off and is budgeted per day. */
export interface SmsPolicy {
  enabled: boolean;
  /** SMS the village may send per China day; past it, nothing more is sent that day. */
  dailyBudget: number;
}

export interface EscalationStepPolicy {
  level: number;
  audience: EscalationAudience;
  afterTargetMs: number;
}

// ---------------------------------------------------------------------------------------------
// Invitations (one-time, carry a role)

export const INVITABLE_ROLES = [...GRID_ROLES, 'dutyOfficer', 'committee'] as const;
export type InvitableRole = (typeof INVITABLE_ROLES)[number];

export interface Invitation {
  id: Id;
  /** Short code carried in the QR scene (alphanumeric). */
  code: string;
  streetId: Id;
  villageId: Id;
  gridId?: Id;
  role: InvitableRole;
  invitedBy: Id;
  createdAt: EpochMs;
  expiresAt: EpochMs;
  acceptedAt?: EpochMs;
  acceptedBy?: Id;
  revokedAt?: EpochMs;
  revokedBy?: Id;
  /** Invites the temporary leader of this micro-grid (in the invitation's grid): accepting makes them its leader. */
  microGridId?: Id;
}
