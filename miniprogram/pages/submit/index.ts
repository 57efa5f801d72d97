// Submit a request (诉求): category, text and photos up to core's limits (generated/rules.js), optional
// location, urgent toggle. Checks the input before anything is uploaded or sent, asks for the
// request-update reminders in the tap that sends (services/subscriptions.ts; WeChat only allows it
// there), keeps the draft when sending fails, and reuses one idempotency key per draft so a retry
// is stored once. Photos and the place go through WeChat's privacy gate (the popup at the bottom of
// the page, services/privacy.ts).
//
// 代办: opened with `?householdId=&gridId=` (the leader's roster or request page), grid staff submit
// for that registered household: the page names the household (getHousehold) and sends `onBehalfOf`;
// the request then opens on the leader's request page.
import type { RequestCategory } from '../../../core/src/model';
import type { HouseholdEntry, SubmitRequestInput } from '../../../core/src/schemas';
import { REQUEST_PHOTO_FOLDER, REQUEST_PHOTO_MAX_COUNT, REQUEST_TEXT_MAX_LENGTH } from '../../generated/rules';
import { call, checkInput, type FieldProblem } from '../../services/api';
import { privacyAllows } from '../../services/privacy';
import { askConsent } from '../../services/subscriptions';
import { defineComponent, type PageQuery } from '../../utils/component';
import { newIdempotencyKey } from '../../utils/ids';
import { CATEGORY_LABELS, CATEGORY_ORDER } from '../../utils/labels';
import { choosePhotos, uploadPending, withoutPhoto, type Photo } from '../../utils/photos';

const NO_CATEGORY = -1;

interface Place {
  latitude: number;
  longitude: number;
  name: string;
}

/** "1栋 1单元 101 王阿姨": the household as the leader knows it. */
function householdLabel(h: HouseholdEntry): string {
  const address = [h.building, h.unit, h.room].filter((p) => p !== undefined && p.trim() !== '').join(' ');
  const name = h.members[0]?.name ?? '';
  return [address || '未登记门牌', name].filter((p) => p !== '').join(' ');
}

function problemFor(problems: FieldProblem[] | undefined, path: string): string {
  return problems?.find((p) => p.path === path)?.message ?? '';
}

defineComponent({
  data: {
    categoryLabels: CATEGORY_ORDER.map((c) => CATEGORY_LABELS[c]),
    categoryIndex: NO_CATEGORY,
    text: '',
    textLength: 0,
    maxLength: REQUEST_TEXT_MAX_LENGTH,
    maxPhotos: REQUEST_PHOTO_MAX_COUNT,
    photos: [] as Photo[],
    location: null as Place | null,
    urgent: false,
    sending: false,
    error: '',
    textError: '',
    categoryError: '',
    idempotencyKey: '',
    /** 代办: the household submitted for ('' when residents submit for themselves). */
    householdId: '',
    gridId: '',
    behalfLabel: '',
  },
  methods: {
    onCategory(e: WechatMiniprogram.CustomEvent<{ value: string | number }>) {
      this.setData({ categoryIndex: Number(e.detail.value), categoryError: '' });
    },
    onText(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const text = String(e.detail.value ?? '');
      this.setData({ text, textLength: text.length, textError: '' });
    },
    onUrgent(e: WechatMiniprogram.CustomEvent<{ checked: boolean }>) {
      this.setData({ urgent: e.detail.checked === true });
    },
    onAddPhoto() {
      choosePhotos(this.data.photos, (photos) => this.setData({ photos }));
    },
    onRemovePhoto(e: WechatMiniprogram.BaseEvent) {
      this.setData({ photos: withoutPhoto(this.data.photos, Number(e.currentTarget.dataset.index)) });
    },
    async onLocation(): Promise<void> {
      // A privacy API, like the photos' wx.chooseMedia: the popup on this page asks first.
      if (!(await privacyAllows('没有打开地图，也没有选位置'))) return;
      wx.chooseLocation({
        success: (res) => this.setData({ location: { latitude: res.latitude, longitude: res.longitude, name: res.name || res.address } }),
      });
    },
    /** The input as the schema wants it, photos given separately (they are uploaded last). */
    draftInput(photoIds: string[]): SubmitRequestInput {
      const category = CATEGORY_ORDER[this.data.categoryIndex] as RequestCategory;
      const input: SubmitRequestInput = { category, text: this.data.text, idempotencyKey: this.data.idempotencyKey };
      if (photoIds.length > 0) input.photos = photoIds;
      if (this.data.location !== null) input.location = this.data.location;
      if (this.data.urgent) input.urgent = true;
      if (this.data.householdId !== '') {
        input.onBehalfOf = { householdId: this.data.householdId };
        input.gridId = this.data.gridId;
      }
      return input;
    },
    uploadPhotos(): Promise<string[]> {
      return uploadPending(
        this.data.photos,
        (i, extension) => `${REQUEST_PHOTO_FOLDER}/${this.data.idempotencyKey}-${i}${extension}`,
        (photos) => this.setData({ photos }),
      );
    },
    async onSend(): Promise<void> {
      if (this.data.sending) return;
      if (this.data.idempotencyKey === '') this.setData({ idempotencyKey: newIdempotencyKey() });
      if (this.data.categoryIndex === NO_CATEGORY) {
        this.setData({ categoryError: '请选择类别', error: '请先选择类别' });
        return;
      }
      const invalid = checkInput('submitRequest', this.draftInput([]));
      if (invalid !== null) {
        const textError = problemFor(invalid.problems, '/text');
        this.setData({ textError: textError === '格式不对' ? '请写下具体情况' : textError, error: invalid.message });
        return;
      }
      // Asked here, inside the tap, before any await: WeChat refuses the prompt anywhere else. The
      // answer is recorded on its own; sending does not wait for it.
      // 代办: the household hears of the request, not the staff member holding the phone.
      if (this.data.householdId === '') void askConsent('residentRequest');
      this.setData({ sending: true, error: '' });
      let photoIds: string[];
      try {
        photoIds = await this.uploadPhotos();
      } catch {
        this.setData({ sending: false, error: '照片上传失败，请检查网络后重试' });
        return;
      }
      const result = await call('submitRequest', this.draftInput(photoIds));
      if (!result.ok) {
        // The draft stays as typed; the same idempotency key makes the retry safe.
        this.setData({ sending: false, error: result.message });
        return;
      }
      this.setData({ sending: false });
      const page = this.data.householdId === '' ? '/pages/request/index' : '/packageLeader/pages/request/index';
      wx.redirectTo({ url: `${page}?id=${encodeURIComponent(result.data.request.id)}` });
    },
    /** 代办: who the request is for, from the register. */
    async showHousehold(): Promise<void> {
      const result = await call('getHousehold', { gridId: this.data.gridId, householdId: this.data.householdId });
      this.setData(result.ok ? { behalfLabel: householdLabel(result.data) } : { behalfLabel: '登记住户', error: result.message });
    },
  },
  onLoad(query: PageQuery): Promise<void> {
    const householdId = decodeURIComponent(query.householdId ?? '');
    const gridId = decodeURIComponent(query.gridId ?? '');
    if (householdId === '' || gridId === '') return Promise.resolve();
    this.setData({ householdId, gridId, behalfLabel: '…' });
    wx.setNavigationBarTitle({ title: '代办诉求' });
    return this.showHousehold();
  },
});
