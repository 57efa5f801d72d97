// "My information" (我的信息, PIPL) end to end through the real wx-server-sdk against the emulator: a
// resident sees what is held about them, a verified member corrects the household's phone, care needs
// and noSmartphone (a pending claimant and bad input write nothing), and leaving removes the
// membership, deletes a joined household's personal fields with its last member, and anonymises the
// resident's requests while keeping what the reports count.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTIONS } from '../../backend/src/collections';
import { fetchAll, fetchById } from '../../backend/src/db';
import type { Household, Membership } from '../../core/src/model';
import { PRIVACY_NOTICE_VERSION } from '../../core/src/privacyNotice';
import { DEFAULT_TEMPLATE_IDS } from '../../core/src/subscriptions';
import type { GridLeft, HouseholdEntry, JoinResult, MyInformation, MyInformationUpdate } from '../../core/src/schemas';
import { startTestBackend, type TestBackend } from '../helpers/backend';
import { inboxItems, submit } from './requestsHelpers';

const CONSENT = { version: PRIVACY_NOTICE_VERSION };
/** A grid no other scenario here touches. */
const GRID = 2;
const NEWCOMER = 'o-my-information-newcomer';
const NEW_ADDRESS = { building: '99栋', unit: '1单元', room: '9901' };
const PHONE = '13912345678';

let backend: TestBackend;
beforeAll(async () => {
  backend = await startTestBackend();
});
afterAll(() => backend.emu.stop());

const grid = () => backend.street.people.grids[GRID]!;
const leader = () => grid().leaders.gridLeader;
const householdDoc = (id: string) => fetchById<Household & { _id: string }>(backend.db, COLLECTIONS.households, id);
const membershipDoc = (openid: string) => fetchById<Membership & { _id: string }>(backend.db, COLLECTIONS.memberships, openid);

async function informationOf(openid: string): Promise<MyInformation> {
  const res = await backend.call<MyInformation>('getMyInformation', {}, openid);
  expect(res.ok, JSON.stringify(res)).toBe(true);
  return res.data!;
}

async function joinNewcomer(): Promise<JoinResult> {
  const code = await backend.call<{ scene: string }>('getJoinCode', { gridId: grid().gridId }, leader());
  const res = await backend.call<JoinResult>('joinGrid', { privacyConsent: CONSENT, scene: code.data!.scene, household: NEW_ADDRESS }, NEWCOMER);
  expect(res.ok, JSON.stringify(res)).toBe(true);
  return res.data!;
}

describe('getMyInformation', () => {
  it('shows a verified resident their membership, household fields and request count, and nobody else', async () => {
    const { openid, householdId } = grid().residents[0]!;
    const seeded = backend.street.households.find((h) => h.id === householdId)!;
    await submit(backend, openid, '楼道灯坏了');
    const info = await informationOf(openid);
    expect(info).toEqual({
      membership: {
        gridId: grid().gridId,
        gridName: backend.street.grids.find((g) => g.id === grid().gridId)!.name,
        villageName: backend.street.villages.find((v) => v.id === grid().villageId)!.name,
        joinedAt: expect.any(Number),
        verification: 'verified',
      },
      household: {
        householdId,
        building: seeded.building,
        unit: seeded.unit,
        room: seeded.room,
        details: { careNeeds: seeded.careNeeds, noSmartphone: seeded.noSmartphone === true },
      },
      requestCount: 1,
    });
    const others = [
      ...Object.values(grid().leaders),
      ...grid()
        .residents.slice(1)
        .map((r) => r.openid),
    ];
    expect(others.filter((id) => JSON.stringify(info).includes(id))).toEqual([]);
  });

  it('answers someone who never joined with nothing held', async () => {
    expect(await informationOf('o-never-joined')).toEqual({ membership: null, household: null, requestCount: 0 });
  });
});

describe('updateMyInformation, then leaveGrid', () => {
  it("shows a pending claimant the address and consent, not the household's fields, and refuses their correction", async () => {
    const joined = await joinNewcomer();
    const info = await informationOf(NEWCOMER);
    expect(info.membership).toMatchObject({ verification: 'pending', privacyConsent: { version: PRIVACY_NOTICE_VERSION, at: expect.any(Number) } });
    expect(info.household).toEqual({ householdId: joined.householdId, ...NEW_ADDRESS, details: null });

    const before = await householdDoc(joined.householdId!);
    const refused = await backend.call('updateMyInformation', { phone: PHONE }, NEWCOMER);
    expect(refused).toMatchObject({ ok: false, code: 'MEMBER.NOT_VERIFIED' });
    expect(refused.message).toContain('重新扫');
    expect(await householdDoc(joined.householdId!)).toEqual(before);
  });

  it('lets a verified member correct phone, care needs and noSmartphone; bad input writes nothing', async () => {
    const { householdId } = (await membershipDoc(NEWCOMER))!;
    expect((await backend.call('verifyMember', { userId: NEWCOMER, decision: 'confirm' }, leader())).ok).toBe(true);
    const before = await householdDoc(householdId!);
    for (const bad of [{ phone: '12345' }, { careNeeds: ['unknown'] }, { building: '1栋', room: '101' }, {}]) {
      expect(await backend.call('updateMyInformation', bad, NEWCOMER)).toMatchObject({ ok: false, code: 'INPUT.INVALID' });
    }
    expect(await householdDoc(householdId!)).toEqual(before);

    const correction = { phone: PHONE, careNeeds: ['elderlyAlone'], noSmartphone: true };
    const updated = await backend.call<MyInformationUpdate>('updateMyInformation', correction, NEWCOMER);
    expect(updated.data).toEqual({ outcome: 'updated', details: correction });
    expect(await householdDoc(householdId!)).toMatchObject(correction);
    const again = await backend.call<MyInformationUpdate>('updateMyInformation', correction, NEWCOMER);
    expect(again.data?.outcome).toBe('unchanged');
    expect((await informationOf(NEWCOMER)).household?.details).toEqual(correction);

    const removed = await backend.call<MyInformationUpdate>('updateMyInformation', { phone: null }, NEWCOMER);
    expect(removed.data?.details.phone).toBeUndefined();
    expect((await householdDoc(householdId!))?.phone).toBeUndefined();
    await backend.call('updateMyInformation', { phone: PHONE }, NEWCOMER);
  });

  it("leaves: the membership goes, the joined household's personal fields are deleted, requests are anonymised", async () => {
    const { householdId } = (await membershipDoc(NEWCOMER))!;
    const text = '家里老人需要帮忙买药';
    const idempotencyKey = 'my-information-leave';
    const photo = (await backend.emu.cloud.uploadFile({ cloudPath: `requests/${idempotencyKey}-0.jpg`, fileContent: Buffer.from('jpeg') })) as {
      fileID: string;
    };
    const request = await submit(backend, NEWCOMER, text, { photos: [photo.fileID], idempotencyKey });
    await expect(backend.emu.cloud.downloadFile({ fileID: photo.fileID })).resolves.toBeTruthy();
    // A reply owes the resident a message: an effect keyed by their id, which leaving must not keep.
    const replied = await backend.call('respondRequest', { requestId: request.id, message: '马上去药店' }, leader());
    expect(replied.ok, JSON.stringify(replied)).toBe(true);
    expect(JSON.stringify(await fetchById(backend.db, COLLECTIONS.requests, request.id))).toContain(NEWCOMER);
    const shown = await backend.call<HouseholdEntry>('getHousehold', { gridId: grid().gridId, householdId }, leader());
    expect(shown.data?.phone).toBe(PHONE);

    const left = await backend.call<GridLeft>('leaveGrid', {}, NEWCOMER);
    expect(left.data).toEqual({ left: true, householdErased: true, requestsAnonymised: 1 });
    expect(await membershipDoc(NEWCOMER)).toBeNull();
    const history = await fetchAll<{ kind: string; fromHouseholdId?: string }>(
      backend.db.collection(COLLECTIONS.membershipHistory).where({ userId: NEWCOMER, kind: 'leave' }),
    );
    expect(history).toEqual([expect.objectContaining({ kind: 'leave', fromHouseholdId: householdId })]);

    const household = (await householdDoc(householdId!))!;
    expect(household).toMatchObject({ ...NEW_ADDRESS, careNeeds: [] });
    expect(household.phone).toBeUndefined();
    expect(household.noSmartphone).toBeUndefined();
    const afterLeaving = await backend.call<HouseholdEntry>('getHousehold', { gridId: grid().gridId, householdId }, leader());
    expect(afterLeaving.data?.phone).toBeUndefined();
    expect(afterLeaving.data?.careNeeds).toEqual([]);

    const stored = (await fetchById<Record<string, unknown>>(backend.db, COLLECTIONS.requests, request.id))!;
    expect(stored).toMatchObject({ residentId: `left:${request.id}`, text: '', photos: [], category: request.category, state: 'responded' });
    expect(JSON.stringify(stored)).not.toContain(NEWCOMER);
    expect(JSON.stringify(stored)).not.toContain(text.slice(0, 4));
    expect(JSON.stringify(stored)).toContain('马上去药店');
    // The photo is gone from storage too, not only from the request.
    await expect(backend.emu.cloud.downloadFile({ fileID: photo.fileID })).rejects.toThrow();
    expect((await inboxItems(backend, request.id)).every((item) => item.excerpt === '')).toBe(true);
    expect(await informationOf(NEWCOMER)).toEqual({ membership: null, household: null, requestCount: 0 });

    // A retried tap: nothing more to do, no error.
    const retried = await backend.call<GridLeft>('leaveGrid', {}, NEWCOMER);
    expect(retried.data).toEqual({ left: false, householdErased: false, requestsAnonymised: 0 });
  });

  it("keeps a registered household's fields when its resident leaves (the register is the committee's)", async () => {
    const { openid, householdId } = grid().residents[1]!;
    const before = await householdDoc(householdId);
    const left = await backend.call<GridLeft>('leaveGrid', {}, openid);
    expect(left.data).toMatchObject({ left: true, householdErased: false });
    expect(await membershipDoc(openid)).toBeNull();
    expect(await householdDoc(householdId)).toEqual(before);
  });

  it("forgets the resident's authorisations for residents' messages when they leave, and only those", async () => {
    const { openid } = grid().residents[2]!;
    const stays = grid().residents[3]!.openid;
    const grant = (userId: string, templates: string[], key: string) =>
      backend.call('recordSubscription', { acceptedTemplateIds: templates, grantId: `leave-${key}` }, userId);
    const residentTemplates = [DEFAULT_TEMPLATE_IDS.requestUpdated, DEFAULT_TEMPLATE_IDS.noticePublished];
    for (const reply of await Promise.all([
      grant(openid, residentTemplates, 'resident'),
      // A tap that also gave a staff template (a leader who lives in the grid): that authorisation stays.
      grant(openid, [DEFAULT_TEMPLATE_IDS.requestAssigned, DEFAULT_TEMPLATE_IDS.noticePublished], 'staff'),
      grant(stays, residentTemplates, 'neighbour'),
    ]))
      expect(reply.ok, JSON.stringify(reply)).toBe(true);
    const subscriptionsOf = async (userId: string) =>
      (await fetchAll<{ templateId: string }>(backend.db.collection(COLLECTIONS.subscriptions).where({ userId }))).map((s) => s.templateId).sort();
    const grantsOf = async (userId: string) =>
      (await fetchAll<{ _id: string }>(backend.db.collection(COLLECTIONS.subscriptionGrants).where({ userId }))).map((g) => g._id).sort();
    expect(await subscriptionsOf(openid)).toHaveLength(3);

    expect((await backend.call<GridLeft>('leaveGrid', {}, openid)).data).toMatchObject({ left: true });
    expect(await subscriptionsOf(openid)).toEqual([DEFAULT_TEMPLATE_IDS.requestAssigned]);
    expect(await grantsOf(openid)).toEqual([`${openid}:leave-staff`]);
    expect(await subscriptionsOf(stays)).toEqual([...residentTemplates].sort());
    expect(await grantsOf(stays)).toEqual([`${stays}:leave-neighbour`]);
  });
});
