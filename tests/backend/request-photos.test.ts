// A request's photos under the storage rule (database/storage-rules.json: only a file's uploader reads
// it from the phone): the resident's photo reaches the grid leader, and the leader's resolution photo
// the resident, only through getRequest's temporary URLs; a stranger gets neither the request nor a URL.
import { describe, expect, it } from 'vitest';
import type { GetRequestOutput } from '../../core/src/schemas';
import { type TestBackend, useTestBackend } from '../helpers/backend';
import { bytesAt, tempUrlsAs, uploadAs } from '../helpers/clientStorage';
import { newKey } from './requestsHelpers';

let backend: TestBackend;
useTestBackend((started) => {
  backend = started;
});

const RESIDENT_PHOTO = Buffer.from('\xff\xd8\xff a photo of the broken stair rail', 'binary');
const RESOLUTION_PHOTO = Buffer.from('\xff\xd8\xff the rail welded back', 'binary');
const STORAGE_REFUSAL = /STORAGE_EXCEED_AUTHORITY/;

const grid = () => backend.street.people.grids[1]!;
const otherGrid = () => backend.street.people.grids[2]!;

async function getRequest(requestId: string, openid: string): Promise<GetRequestOutput> {
  const reply = await backend.call<GetRequestOutput>('getRequest', { requestId }, openid);
  expect(reply.ok, JSON.stringify(reply)).toBe(true);
  return reply.data as GetRequestOutput;
}

describe("a request's photos", () => {
  it('reach the leader and the resident by temporary URLs, never by the other one reading the file', async () => {
    const resident = grid().residents[0]!.openid;
    const leader = grid().leaders.gridLeader;
    const key = newKey('photo');
    const photo = await uploadAs(backend.emu.url, resident, `requests/${key}-0.jpg`, RESIDENT_PHOTO);
    // The resident reads their own file directly; the leader may not (the rule), which is why getRequest issues URLs.
    const [own] = await tempUrlsAs(backend.emu.url, resident, [photo]);
    expect(own?.status).toBe(0);
    const [refused] = await tempUrlsAs(backend.emu.url, leader, [photo]);
    expect(refused?.status).not.toBe(0);
    expect(refused?.errMsg).toMatch(STORAGE_REFUSAL);

    const submitted = await backend.call<{ request: { id: string } }>(
      'submitRequest',
      { category: 'repairs', text: '楼梯扶手断了', photos: [photo], idempotencyKey: key },
      resident,
    );
    expect(submitted.ok, JSON.stringify(submitted)).toBe(true);
    const requestId = submitted.data!.request.id;

    const seenByLeader = await getRequest(requestId, leader);
    expect(Object.keys(seenByLeader.photoUrls ?? {})).toEqual([photo]);
    expect(await bytesAt(seenByLeader.photoUrls![photo]!)).toEqual(RESIDENT_PHOTO);

    const fix = await uploadAs(backend.emu.url, leader, `resolutions/${requestId}-0.jpg`, RESOLUTION_PHOTO);
    expect((await backend.call('respondRequest', { requestId, message: '收到，下午去看' }, leader)).ok).toBe(true);
    const resolved = await backend.call('updateRequestStatus', { requestId, action: 'resolve', note: '扶手已焊好', photos: [fix] }, leader);
    expect(resolved.ok, JSON.stringify(resolved)).toBe(true);
    const [residentReadsFix] = await tempUrlsAs(backend.emu.url, resident, [fix]);
    expect(residentReadsFix?.errMsg).toMatch(STORAGE_REFUSAL);

    const seenByResident = await getRequest(requestId, resident);
    expect(seenByResident.resolution?.photos).toEqual([fix]);
    expect(Object.keys(seenByResident.photoUrls ?? {}).sort()).toEqual([fix, photo].sort());
    expect(await bytesAt(seenByResident.photoUrls![fix]!)).toEqual(RESOLUTION_PHOTO);
    expect(await bytesAt(seenByResident.photoUrls![photo]!)).toEqual(RESIDENT_PHOTO);

    // Someone of another grid is not shown the request, so no URL either.
    const stranger = await backend.call<GetRequestOutput>('getRequest', { requestId }, otherGrid().residents[0]!.openid);
    expect(stranger.ok).toBe(false);
    expect(JSON.stringify(stranger)).not.toContain('sign=');
  });

  it('leaves out a photo storage no longer holds, and gives no photoUrls to a request without photos', async () => {
    const resident = grid().residents[1]!.openid;
    const leader = grid().leaders.gridLeader;
    const key = newKey('missing');
    const kept = await uploadAs(backend.emu.url, resident, `requests/${key}-0.jpg`, RESIDENT_PHOTO);
    const missing = kept.replace(/-0\.jpg$/, '-9.jpg');
    const withPhotos = await backend.call<{ request: { id: string } }>(
      'submitRequest',
      { category: 'repairs', text: '门口路灯不亮', photos: [kept, missing], idempotencyKey: key },
      resident,
    );
    expect(withPhotos.ok, JSON.stringify(withPhotos)).toBe(true);
    expect(Object.keys((await getRequest(withPhotos.data!.request.id, leader)).photoUrls ?? {})).toEqual([kept]);

    const plain = await backend.call<{ request: { id: string } }>(
      'submitRequest',
      { category: 'supplies', text: '家里没有米了', idempotencyKey: newKey('plain') },
      resident,
    );
    expect(plain.ok, JSON.stringify(plain)).toBe(true);
    expect(await getRequest(plain.data!.request.id, leader)).not.toHaveProperty('photoUrls');
  });

  it("refuses a submission naming a file outside its own folder (here the village's weekly report), writing nothing", async () => {
    const resident = grid().residents[2]!.openid;
    const committee = backend.street.people.committee[grid().villageId]!;
    const exported = await backend.call<{ fileID: string }>(
      'exportReport',
      { period: { kind: 'week', date: '2026-11-16' }, villageId: grid().villageId },
      committee,
    );
    expect(exported.ok, JSON.stringify(exported)).toBe(true);
    const before = (await backend.emu.control.collection('requests')).length;
    const refused = await backend.call(
      'submitRequest',
      { category: 'other', text: '看看报表', photos: [exported.data!.fileID], idempotencyKey: newKey('steal') },
      resident,
    );
    expect(refused).toMatchObject({ ok: false, code: 'INPUT.INVALID', message: '照片没有上传成功，请删除后重新添加' });
    expect(await backend.emu.control.collection('requests')).toHaveLength(before);
  });
});
