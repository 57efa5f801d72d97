// "Nothing said is lost": a database write fault at every write position of the request use cases
// (found by letting k writes through and failing the next, for k = 0, 1, 2, … until the armed fault
// is left unconsumed). After the faults stop, a client retry of an INTERNAL answer and at most two
// timer ticks, every responder has exactly one inbox item in the request's current state, every
// message effect was sent exactly once, nothing is still owed, and the resident sees the request as
// stored. The positions are listed per use case: a new write fails the test until it is listed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEMPLATE_IDS } from '../../backend/src/notify';
import { isScheduled, type Effect } from '../../core/src/effects';
import { RESPONDER_TEMPLATE_KEYS } from '../../core/src/subscriptions';
import { REQUEST_CATEGORIES, type RequestCategory, type RequestState } from '../../core/src/model';
import { SWEEP_INTERVAL_MS } from '../../core/src/policy';
import type { Page, RequestSummary, RequestView } from '../../core/src/schemas';
import { startTestBackend, type TestBackend } from '../helpers/backend';
import { getAs, inboxItems, newKey, submit, type OutboxEntry } from './requestsHelpers';

let backend: TestBackend;
beforeAll(async () => {
  backend = await startTestBackend();
  // Everyone holds plenty of one-time authorisations, so every send spends one (a write position).
  const people = backend.street.people;
  const staff = people.grids.flatMap((g) => Object.values(g.leaders)).concat(Object.values(people.dutyOfficers));
  const residents = people.grids.flatMap((g) => g.residents.map((r) => r.openid));
  const grants = [
    ...staff.flatMap((userId) => RESPONDER_TEMPLATE_KEYS.map((key) => ({ userId, templateId: TEMPLATE_IDS[key] }))),
    ...residents.map((userId) => ({ userId, templateId: TEMPLATE_IDS.requestUpdated })),
  ];
  await Promise.all(
    grants.map(({ userId, templateId }) =>
      backend.db
        .collection('subscriptions')
        .doc(`${userId}:${templateId}`)
        .set({ data: { userId, templateId, remaining: PLENTY, updatedAt: 0 } }),
    ),
  );
}, 60_000);
afterAll(() => backend.emu.stop());

const PLENTY = 1000;
/** The timer ticks a fault may take to be repaired: the first retry waits one backoff (10 s). */
const REPAIR_TICKS = 2;

const grid = () => backend.street.people.grids[0]!;
/**
 * Whose request the current scenario is, and its category: the grid's residents and the categories in
 * turn, so that the file's many submissions stay within one resident's limits (core/src/limits.ts).
 */
let submissions = 0;
let owner = '';
function nextSubmission(): RequestCategory {
  const residents = grid().residents;
  owner = residents[submissions % residents.length]!.openid;
  const category = REQUEST_CATEGORIES[Math.floor(submissions / residents.length) % REQUEST_CATEGORIES.length]!;
  submissions += 1;
  return category;
}
const resident = () => owner;
const leader = () => grid().leaders.gridLeader;
const partyLeader = () => grid().leaders.partyGroupLeader;

interface StoredRequest extends RequestView {
  _id: string;
  effects?: Record<string, Effect<string, { userId?: string }>>;
}

async function stored(requestId: string): Promise<StoredRequest> {
  const docs = (await backend.emu.control.collection('requests')) as StoredRequest[];
  const doc = docs.find((d) => d._id === requestId);
  if (!doc) throw new Error(`request ${requestId} not stored`);
  return doc;
}

/** The effects a request's change owes: in the request, and for an escalation in its group (requestEscalations). */
async function effectsOf(doc: StoredRequest): Promise<Effect<string, { userId?: string }>[]> {
  const groups = (await backend.emu.control.collection('requestEscalations')) as Array<{ requestIds: string[]; effects: StoredRequest['effects'] }>;
  const ofGroups = groups.filter((g) => g.requestIds.includes(doc._id)).flatMap((g) => Object.values(g.effects ?? {}));
  return [...Object.values(doc.effects ?? {}), ...ofGroups];
}

async function armedFaults(): Promise<unknown[]> {
  const res = await fetch(`${backend.emu.url}/__emulator/faults`);
  return ((await res.json()) as { faults: unknown[] }).faults;
}

/** Uses up a fault the scenario left armed, so the next scenario starts clean. */
async function drainFaults(): Promise<void> {
  while ((await armedFaults()).length > 0) {
    try {
      await backend.db.collection('routingAudit').add({ data: { drain: true } });
    } catch {
      // The armed fault, used up.
    }
  }
}

async function tick(): Promise<void> {
  await backend.emu.control.advance(SWEEP_INTERVAL_MS);
}

interface Reply {
  ok: boolean;
  code?: string;
}

interface Scenario {
  /** Stores what the use case starts from (no faults armed); returns the request id, if it exists already. */
  prepare(): Promise<string | null>;
  /** The use case as the client (or the timer) runs it; the request id once known. */
  run(requestId: string | null): Promise<{ reply: Reply; requestId: string | null }>;
  /** The request's state once everything converged. */
  finalState: RequestState;
  /** Messages the use case's change owes (each must go out exactly once). */
  messages: number;
  /** Leaves the request so that later scenarios' ticks have nothing to do with it. */
  settle?(requestId: string): Promise<void>;
}

/** The submission's idempotency key, fixed per scenario so that the client's retry is the same call. */
let submissionKey = '';
let submissionCategory: RequestCategory = 'supplies';

const submitScenario: Scenario = {
  prepare: async () => {
    submissionKey = newKey('durable');
    submissionCategory = nextSubmission();
    return null;
  },
  run: async () => {
    const reply = await backend.call<{ request: RequestView }>(
      'submitRequest',
      { category: submissionCategory, text: '楼道灯坏了，晚上看不见', idempotencyKey: submissionKey },
      resident(),
    );
    return { reply, requestId: reply.data?.request.id ?? null };
  },
  finalState: 'submitted',
  messages: 1,
  settle: cancelled,
};

/** A stored request brought to `steps` by their actors, without faults. */
async function requestAfter(steps: ReadonlyArray<[string, Record<string, unknown>, () => string]>): Promise<string> {
  const category = nextSubmission();
  const request = await submit(backend, resident(), '家门口的井盖松动了', { category });
  for (const [name, input, actor] of steps) {
    expect((await backend.call(name, { requestId: request.id, ...input }, actor())).ok).toBe(true);
  }
  return request.id;
}

function actionScenario(
  name: string,
  /** The input, or a function making it once the backend is up (when it names seeded people). */
  input: Record<string, unknown> | (() => Record<string, unknown>),
  actor: () => string,
  before: ReadonlyArray<[string, Record<string, unknown>, () => string]>,
  finalState: RequestState,
  messages: number,
  settle?: Scenario['settle'],
): Scenario {
  return {
    prepare: () => requestAfter(before),
    run: async (requestId) => ({ reply: await backend.call(name, { requestId, ...(typeof input === 'function' ? input() : input) }, actor()), requestId }),
    finalState,
    messages,
    ...(settle ? { settle } : {}),
  };
}

const RESPOND: [string, Record<string, unknown>, () => string] = ['respondRequest', { message: '收到，马上来看' }, leader];
const RESOLVE: [string, Record<string, unknown>, () => string] = ['updateRequestStatus', { action: 'resolve', note: '已经修好了' }, leader];

/** A resolved request is confirmed, so that it does not close itself in a later scenario's sweep. */
async function confirmed(requestId: string): Promise<void> {
  expect((await backend.call('confirmRequest', { requestId, rating: 5 }, resident())).ok).toBe(true);
}

/** A scenario whose use case is one timer tick at the instant the request falls due. */
function tickScenario(prepare: () => Promise<{ requestId: string; dueAt: number }>, rest: Omit<Scenario, 'prepare' | 'run'>): Scenario {
  return {
    prepare: async () => {
      const { requestId, dueAt } = await prepare();
      // Just before it falls due, with no tick in between: the scenario's one tick handles it.
      await backend.emu.control.advance(dueAt - (await backend.emu.control.now()) - 1, { skipTimers: true });
      return requestId;
    },
    run: async (requestId) => {
      await tick();
      return { reply: { ok: true }, requestId };
    },
    ...rest,
  };
}

const autoCloseScenario = tickScenario(
  async () => {
    const requestId = await requestAfter([RESPOND, RESOLVE]);
    const view = await getAs(backend, requestId, resident());
    if (view.autoCloseAt === null) throw new Error('a resolved request has an auto-close day');
    return { requestId, dueAt: view.autoCloseAt };
  },
  { finalState: 'closed', messages: 0 },
);

/** The resident withdraws a submitted request, so that it does not escalate in a later scenario's sweep. */
async function cancelled(requestId: string): Promise<void> {
  expect((await backend.call('cancelRequest', { requestId }, resident())).ok).toBe(true);
}

const sweepScenario = tickScenario(
  async () => {
    const category = nextSubmission();
    const request = await submit(backend, resident(), '电梯困人了', { category });
    return { requestId: request.id, dueAt: request.responseDueAt };
  },
  { finalState: 'submitted', messages: 2, settle: cancelled },
);

/** Each use case's write positions, in the order the writes happen (parallel ones in any order). */
const USE_CASES: Array<{ name: string; positions: readonly string[]; scenario: Scenario }> = [
  {
    name: 'submitRequest',
    positions: ['the request with its effects, claimed', 'the inbox item', "the record ∥ the leader's authorisation spent", 'the other of the two'],
    scenario: submitScenario,
  },
  {
    name: 'respondRequest',
    positions: ['the change with its effects, claimed', 'the inbox state', "the record ∥ the resident's authorisation spent", 'the other of the two'],
    scenario: actionScenario('respondRequest', { message: '收到，马上来看' }, leader, [], 'responded', 1),
  },
  {
    name: 'updateRequestStatus (resolve)',
    positions: ['the change with its effects, claimed', 'the inbox state', "the record ∥ the resident's authorisation spent", 'the other of the two'],
    scenario: actionScenario('updateRequestStatus', { action: 'resolve', note: '已经修好了' }, leader, [RESPOND], 'resolved', 1, confirmed),
  },
  {
    name: 'updateRequestStatus (hand-over)',
    positions: [
      'the change with its effects, claimed',
      'the inbox state',
      "the new responder's inbox item",
      "the record ∥ the new responder's authorisation spent",
      'the other of the two',
    ],
    scenario: actionScenario(
      'updateRequestStatus',
      () => ({ action: 'handOver', toUserId: partyLeader(), toRole: 'partyGroupLeader', note: '请党小组长跟进' }),
      leader,
      [RESPOND],
      'responded',
      1,
    ),
  },
  {
    name: 'reopenRequest',
    positions: [
      'the change with its effects, claimed',
      'the inbox state',
      "the record ∥ the responder's authorisation spent",
      'the other of the two',
      'the follow-up (回访)',
    ],
    scenario: actionScenario('reopenRequest', { reason: '又坏了，请再来看看' }, resident, [RESPOND, RESOLVE], 'reopened', 1),
  },
  {
    name: 'confirmRequest',
    positions: ['the change with its effects, claimed', 'the inbox state', 'the record'],
    scenario: actionScenario('confirmRequest', { rating: 5 }, resident, [RESPOND, RESOLVE], 'confirmed', 0),
  },
  {
    name: 'sweepRequests (escalation to the other 三长)',
    positions: [
      'the escalation group with its effects, claimed',
      'the change',
      "a new recipient's authorisation spent",
      "the other new recipient's authorisation spent",
      'the inbox items',
      'the inbox state',
      'the record',
      // The due-soon reminder, due (no tick ran since), is done without a send: the request's own effects.
      "the reminder's claim",
      "the reminder's record",
    ],
    scenario: sweepScenario,
  },
  {
    name: 'sweepRequests (auto-close)',
    positions: ['the closing with its effect, claimed', 'the inbox state', 'the record'],
    scenario: autoCloseScenario,
  },
];

interface Outcome {
  /** Whether the armed write fault was hit (false: the use case makes fewer writes than that). */
  consumed: boolean;
  requestId: string;
  startedAt: number;
  outboxBefore: number;
}

/** Runs the scenario with the write after `skip` others failing; whether that write happened. */
async function runWithFault(scenario: Scenario, skip: number): Promise<Outcome> {
  let requestId = await scenario.prepare();
  const outboxBefore = (await backend.emu.control.outbox()).length;
  const startedAt = await backend.emu.control.now();
  await backend.emu.control.injectFault({ target: 'databaseWrite', count: 1, skip });
  const first = await scenario.run(requestId);
  const consumed = (await armedFaults()).length === 0;
  await drainFaults();
  requestId = first.requestId ?? requestId;
  if (!first.reply.ok) {
    // The change itself failed: nothing was stored, and the client's retry (same input) goes through.
    expect(first.reply.code).toBe('INTERNAL');
    const retried = await scenario.run(requestId);
    expect(retried.reply.ok).toBe(true);
    requestId = retried.requestId;
  }
  if (requestId === null) throw new Error('no request');
  return { consumed, requestId, startedAt, outboxBefore };
}

async function expectConverged(requestId: string, scenario: Scenario, since: { startedAt: number; outboxBefore: number }): Promise<void> {
  const doc = await stored(requestId);
  expect(doc.state).toBe(scenario.finalState);

  // Nothing is owed; every effect finished (one fault never uses up five tries), but for reminders scheduled for later
  // (due-soon, and the resolution reminder with its SMS sibling).
  const effects = await effectsOf(doc);
  const now = await backend.emu.control.now();
  const reminderSms = new Set(effects.filter((e) => e.kind === 'resolutionDue').map((e) => e.id.replace(':resolutionDue:', ':sms:')));
  const later = (e: Effect) => isScheduled(e, now) && (e.kind === 'dueSoon' || e.kind === 'resolutionDue' || reminderSms.has(e.id));
  expect(effects.filter((e) => e.state !== 'done' && !later(e)).map((e) => [e.id, e.state, e.lastError])).toEqual([]);

  // Every responder has exactly one inbox item, in the current state (one handed the request over keeps theirs, in step).
  const items = await inboxItems(backend, requestId);
  for (const userId of doc.responders) expect(items.filter((i) => i.userId === userId)).toHaveLength(1);
  expect(new Set(items.map((i) => i.userId)).size).toBe(items.length);
  for (const item of items) expect(item).toMatchObject({ state: doc.state, escalationLevel: doc.escalationLevel });

  // Exactly once: what went out about this request since the scenario began is what its effects say was sent.
  const owed = effects
    .filter((e) => e.kind === 'message' && e.createdAt >= since.startedAt)
    .map((e) => {
      expect(e.outcome).toBe('sent');
      return String(e.payload.userId);
    })
    .sort();
  expect(owed).toHaveLength(scenario.messages);
  const outbox = ((await backend.emu.control.outbox()) as OutboxEntry[]).slice(since.outboxBefore);
  const sent = outbox
    .filter((m) => m.api === 'subscribeMessage.send' && m.error === undefined && m.request.page?.endsWith(`id=${requestId}`))
    .map((m) => String(m.request.touser))
    .sort();
  expect(sent).toEqual(owed);

  // The resident sees the request as stored, without the staff's delivery details; staff see nothing owed.
  const view = await getAs(backend, requestId, resident());
  expect(view).toMatchObject({ state: doc.state, version: doc.version, escalationLevel: doc.escalationLevel });
  expect(view.openEffects).toBeUndefined();
  const mine = await backend.call<Page<RequestSummary>>('listMyRequests', { limit: 50 }, resident());
  expect(mine.data?.items.filter((r) => r.id === requestId).map((r) => [r.state, r.version])).toEqual([[doc.state, doc.version]]);
  expect((await getAs(backend, requestId, leader())).openEffects).toEqual([]);
}

for (const { name, positions, scenario } of USE_CASES) {
  describe(`${name}: a write fault at every position converges`, () => {
    positions.forEach((label, k) => {
      it(`write ${k} (${label}) fails once`, async () => {
        const outcome = await runWithFault(scenario, k);
        expect(outcome.consumed).toBe(true);
        for (let i = 0; i < REPAIR_TICKS; i++) await tick();
        await expectConverged(outcome.requestId, scenario, outcome);
        await scenario.settle?.(outcome.requestId);
      }, 60_000);
    });

    it(`has no write past the ${positions.length} listed`, async () => {
      const outcome = await runWithFault(scenario, positions.length);
      expect(outcome.consumed).toBe(false);
      await scenario.settle?.(outcome.requestId);
    }, 60_000);
  });
}
