// One request, for the leader who handles it: read it, reply (which stops the response clock),
// mark it in progress, resolve it with a note and photos, hand it over to another of the 三长, or
// mark it as spam (无效诉求: it closes, no longer escalates, and nobody is told), after a confirmation.
// It also shows who asked and where (the household's address and care needs, a call button when the
// resident's phone is known, the location they picked, and the household's earlier requests).
// Quick replies (常用回复, the village's list): one tap puts one in the reply box, still editable, and
// the send button is right under it. 代办: a request staff submitted says so, and the household card
// offers another 代办 for the same household.
// Every action goes through services/api.ts and the page reloads the request afterwards, so what
// the leader sees is what the backend stored. Each action's tap also asks for the responder's
// reminders (services/subscriptions.ts) and goes on at once, whatever the answer.
import { countdownBehavior } from '../../../behaviors/countdown';
import { loadBehavior } from '../../../behaviors/load';
import { PAGE_SIZE_MIN, REQUEST_PHOTO_MAX_COUNT, RESOLUTION_PHOTO_FOLDER } from '../../../generated/rules';
import { call, checkInput } from '../../../services/api';
import { shownPhotos } from '../../../services/files';
import { askConsent } from '../../../services/subscriptions';
import { allows, categoryLabel, responseCountdown, stateLabel } from '../../../services/models';
import type { RequestDetail, RosterLeader } from '../../../services/outputs';
import { defineComponent } from '../../../utils/component';
import { toast } from '../../../utils/feedback';
import { ROLE_LABELS } from '../../../utils/labels';
import { choosePhotos, uploadPending, withoutPhoto, type Photo } from '../../../utils/photos';
import { formatChinaShort } from '../../../utils/time';
import { rememberLeaderGrid } from '../../grid';
import { addressOf, careLabels } from '../../models';

/** The roster call only serves the 三长 list here: it reads the fewest households a call may. */
const LEADERS_ONLY_LIMIT = PAGE_SIZE_MIN;

interface HandOverChoice {
  userId: string;
  role: RosterLeader['role'];
  label: string;
}

/** One of the household's earlier requests, as a tappable row. */
interface EarlierRow {
  id: string;
  categoryLabel: string;
  stateLabel: string;
  when: string;
}

interface StepRow {
  text: string;
  note: string;
  when: string;
}

defineComponent({
  behaviors: [countdownBehavior, loadBehavior],
  data: {
    requestId: '',
    request: null as RequestDetail | null,
    categoryLabel: '',
    stateLabel: '',
    steps: [] as StepRow[],
    /** Who asked and where: only staff get it from getRequest. */
    hasHousehold: false,
    address: '',
    careLabels: [] as string[],
    noSmartphone: false,
    claimPending: false,
    residentPhone: '',
    earlier: [] as EarlierRow[],
    /** 常用回复 of the village (staff only). */
    quickReplies: [] as string[],
    /** 代办: submitted by grid staff for the household. */
    onBehalf: false,
    countdown: '',
    tone: 'normal',
    canReply: false,
    canStart: false,
    canResolve: false,
    canHandOver: false,
    canMarkSpam: false,
    reply: '',
    replyError: '',
    note: '',
    noteError: '',
    photos: [] as Photo[],
    /** What <image> loads for the resident's photos: getRequest's temporary URLs. */
    photoUrls: [] as string[],
    maxPhotos: REQUEST_PHOTO_MAX_COUNT,
    choices: [] as HandOverChoice[],
    showHandOver: false,
    busy: false,
    loading: true,
    error: '',
  },
  methods: {
    async reload(): Promise<void> {
      const request = await this.load(() => call('getRequest', { requestId: this.data.requestId }));
      if (request === null) return;
      rememberLeaderGrid(request.gridId);
      const { state } = request;
      const nowMs = Date.now();
      const household = request.household;
      this.setData({
        hasHousehold: household !== undefined,
        address: household === undefined ? '' : addressOf(household.address),
        careLabels: household === undefined ? [] : careLabels(household.careNeeds),
        noSmartphone: household?.noSmartphone === true,
        claimPending: household?.claimPending === true,
        residentPhone: household?.residentPhone ?? '',
        quickReplies: request.quickReplies ?? [],
        onBehalf: request.submittedBy !== undefined,
        earlier: (household?.earlier ?? []).map((r) => ({
          id: r.id,
          categoryLabel: categoryLabel(r.category),
          stateLabel: stateLabel(r.state),
          when: formatChinaShort(r.submittedAt, nowMs),
        })),
        request,
        categoryLabel: categoryLabel(request.category),
        stateLabel: stateLabel(state),
        steps: request.events.map((e) => ({ text: e.label, note: e.note ?? '', when: formatChinaShort(e.at, nowMs) })),
        canReply: allows(state, 'respond'),
        canStart: allows(state, 'startProgress'),
        canResolve: allows(state, 'resolve'),
        canHandOver: allows(state, 'handOver'),
        canMarkSpam: allows(state, 'markSpam'),
        photoUrls: shownPhotos(request.photos, request.photoUrls),
      });
      this.tick();
    },
    /** The countdown runs only while the request waits for its first reply. */
    tick(): void {
      const r = this.data.request;
      const c = r === null ? null : responseCountdown(r, Date.now());
      if (c === null) {
        if (this.data.countdown !== '') this.setData({ countdown: '' });
        return;
      }
      this.setData({ countdown: c.text, tone: c.tone });
    },
    expectedVersion(): { expectedVersion?: number } {
      const r = this.data.request;
      return r === null ? {} : { expectedVersion: r.version };
    },
    /** After an action: tell the leader, then show what the backend stored. */
    async after(result: { ok: boolean; message?: string }, done: string): Promise<boolean> {
      if (!result.ok) {
        this.setData({ busy: false, error: result.message ?? '' });
        return false;
      }
      toast(done);
      await this.reload();
      this.setData({ busy: false });
      return true;
    },
    onReplyInput(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ reply: String(e.detail.value ?? ''), replyError: '' });
    },
    /** A quick reply fills the reply box (still editable); the send button sends it. */
    onQuickReply(e: WechatMiniprogram.BaseEvent) {
      const text = this.data.quickReplies[Number(e.currentTarget.dataset.index)];
      if (text !== undefined) this.setData({ reply: text, replyError: '' });
    },
    /** Once answered, the same quick replies fill the resolution note (e.g. 物资已送达). */
    onQuickNote(e: WechatMiniprogram.BaseEvent) {
      const text = this.data.quickReplies[Number(e.currentTarget.dataset.index)];
      if (text !== undefined) this.setData({ note: text, noteError: '' });
    },
    /** 代办: another request for this household. */
    onSubmitForHousehold() {
      const r = this.data.request;
      if (r?.householdId === undefined) return;
      wx.navigateTo({ url: `/pages/submit/index?householdId=${encodeURIComponent(r.householdId)}&gridId=${encodeURIComponent(r.gridId)}` });
    },
    onNoteInput(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ note: String(e.detail.value ?? ''), noteError: '' });
    },
    async onReply(): Promise<void> {
      if (this.data.busy) return;
      const message = this.data.reply.trim();
      if (message === '') {
        this.setData({ replyError: '请写下回复居民的话' });
        return;
      }
      void askConsent('responder');
      this.setData({ busy: true, error: '' });
      const result = await call('respondRequest', { requestId: this.data.requestId, message, ...this.expectedVersion() });
      if (await this.after(result, '已回复居民')) this.setData({ reply: '' });
    },
    async onStart(): Promise<void> {
      if (this.data.busy) return;
      void askConsent('responder');
      this.setData({ busy: true, error: '' });
      const result = await call('updateRequestStatus', { requestId: this.data.requestId, action: 'startProgress', ...this.expectedVersion() });
      await this.after(result, '已标记为处理中');
    },
    onAddPhoto() {
      choosePhotos(this.data.photos, (photos) => this.setData({ photos }));
    },
    onRemovePhoto(e: WechatMiniprogram.BaseEvent) {
      this.setData({ photos: withoutPhoto(this.data.photos, Number(e.currentTarget.dataset.index)) });
    },
    /** Uploads each photo once (a retry after a failed call does not upload again). */
    uploadPhotos(): Promise<string[]> {
      return uploadPending(
        this.data.photos,
        (i, extension) => `${RESOLUTION_PHOTO_FOLDER}/${this.data.requestId}-${Date.now()}-${i}${extension}`,
        (photos) => this.setData({ photos }),
      );
    },
    async onResolve(): Promise<void> {
      if (this.data.busy) return;
      const note = this.data.note.trim();
      // Checked on the phone before any upload: a resolution without a word is not a closed loop.
      if (note === '') {
        this.setData({ noteError: '请写下怎么解决的，居民会看到' });
        return;
      }
      const draft = { requestId: this.data.requestId, action: 'resolve' as const, note, ...this.expectedVersion() };
      const invalid = checkInput('updateRequestStatus', draft);
      if (invalid !== null) {
        this.setData({ noteError: '处理结果太长，请精简' });
        return;
      }
      void askConsent('responder');
      this.setData({ busy: true, error: '' });
      let photos: string[];
      try {
        photos = await this.uploadPhotos();
      } catch {
        this.setData({ busy: false, error: '照片上传失败，请检查网络后再试' });
        return;
      }
      const result = await call('updateRequestStatus', photos.length > 0 ? { ...draft, photos } : draft);
      if (await this.after(result, '已办结，等待居民确认')) this.setData({ note: '', photos: [] });
    },
    /** The other 三长 of the grid, from the roster (it carries the grid's leaders). */
    async onShowHandOver(): Promise<void> {
      const r = this.data.request;
      if (r === null || this.data.busy) return;
      this.setData({ busy: true, error: '' });
      const result = await call('getGridRoster', { gridId: r.gridId, limit: LEADERS_ONLY_LIMIT });
      if (!result.ok) {
        this.setData({ busy: false, error: result.message });
        return;
      }
      const roster = result.data;
      // Those already answering it need no hand-over; if that leaves nobody, offer all three.
      const others = roster.leaders.filter((l) => !r.responders.includes(l.userId));
      const pool = others.length > 0 ? others : roster.leaders;
      this.setData({ busy: false, showHandOver: true, choices: pool.map((l) => ({ userId: l.userId, role: l.role, label: ROLE_LABELS[l.role] })) });
    },
    onHandOver(e: WechatMiniprogram.BaseEvent) {
      const choice = this.data.choices[Number(e.currentTarget.dataset.index)];
      if (choice === undefined || this.data.busy) return;
      // Asked at the choice, the tap; the confirmation's callback is not one.
      void askConsent('responder');
      wx.showModal({
        title: '转交诉求',
        content: `转交给本网格的${choice.label}处理？`,
        confirmText: '转交',
        success: (res) => {
          if (res.confirm) void this.handOver(choice);
        },
      });
    },
    async handOver(choice: HandOverChoice): Promise<void> {
      this.setData({ busy: true, error: '' });
      const note = this.data.note.trim();
      const result = await call('updateRequestStatus', {
        requestId: this.data.requestId,
        action: 'handOver',
        toUserId: choice.userId,
        toRole: choice.role,
        ...(note !== '' ? { note } : {}),
        ...this.expectedVersion(),
      });
      if (await this.after(result, `已转交${choice.label}`)) this.setData({ showHandOver: false });
    },
    /** 无效诉求: confirmed first, since it closes the request for good. */
    onMarkSpam() {
      if (this.data.busy) return;
      wx.showModal({
        title: '标记为无效诉求',
        content: '确认这不是真实诉求？标记后诉求关闭、不再升级，居民在处理经过中会看到。',
        confirmText: '标记',
        success: (res) => {
          if (res.confirm) void this.markSpam();
        },
      });
    },
    async markSpam(): Promise<void> {
      this.setData({ busy: true, error: '' });
      const result = await call('updateRequestStatus', { requestId: this.data.requestId, action: 'markSpam', ...this.expectedVersion() });
      await this.after(result, '已标记为无效诉求');
    },
    onCallResident() {
      const phoneNumber = this.data.residentPhone;
      if (phoneNumber !== '') wx.makePhoneCall({ phoneNumber });
    },
    /** The place the resident picked when asking, on the map. */
    onOpenLocation() {
      const location = this.data.request?.location;
      if (location === undefined) return;
      wx.openLocation({ latitude: location.latitude, longitude: location.longitude, ...(location.name !== undefined ? { name: location.name } : {}) });
    },
    onOpenEarlier(e: WechatMiniprogram.BaseEvent) {
      const id = String(e.currentTarget.dataset.id ?? '');
      if (id !== '') wx.navigateTo({ url: `/packageLeader/pages/request/index?id=${encodeURIComponent(id)}` });
    },
    onPreview(e: WechatMiniprogram.BaseEvent) {
      wx.previewImage({ urls: this.data.photoUrls, current: String(e.currentTarget.dataset.src) });
    },
  },
  onLoad(query): Promise<void> {
    this.setData({ requestId: decodeURIComponent(query.id ?? '') });
    if (this.data.requestId === '') {
      this.setData({ loading: false, error: '没有指定诉求' });
      return Promise.resolve();
    }
    return this.reload();
  },
  onShow(): void {
    this.startTicking();
  },
  onHide(): void {
    this.stopTicking();
  },
});
