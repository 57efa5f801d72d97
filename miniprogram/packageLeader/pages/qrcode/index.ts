// The grid's join QR code (入格二维码) for printing on building doors or sending to residents:
// shown from getJoinCode's temporary URL (or its fileID), saved to the phone's album, with a plain
// explanation and a way to the settings when the album permission was refused (WeChat's privacy
// gate, the popup at the bottom of the page, comes before that). Also the grid's
// WeChat group: the page's 转发 (and its share button) is the grid's card (utils/group.ts joinCard);
// the leader sends it into the group and opens it there, where the join page offers the binding,
// or comes back here from inside the group: wx.getGroupEnterInfo gives the group's cloudID, which
// bindGridGroup turns into the group id on the server.
import { loadBehavior } from '../../../behaviors/load';
import { call } from '../../../services/api';
import { downloadToLocal } from '../../../services/files';
import type { JoinCode } from '../../../services/outputs';
import { privacyAllows } from '../../../services/privacy';
import { defineComponent } from '../../../utils/component';
import { toast } from '../../../utils/feedback';
import { enableGroupSharing, joinCard } from '../../../utils/group';
import { formatChinaDateTime } from '../../../utils/time';
import { leaderGridFor } from '../../grid';

/** chatType values for a WeChat group and a WeCom-interconnected group (1 and 2 are one-to-one chats). */
const GROUP_CHAT_TYPES: readonly number[] = [3, 4];
/** saveImageToPhotosAlbum's errMsg when the user refused (or earlier refused) the album scope. */
const ALBUM_DENIED = /auth den|auth deny|authorize|permission/i;
/** WeChat's privacy gate refused ("privacy permission is not authorized"): the album setting would not help. */
const PRIVACY_REFUSED = /privacy/i;
/** The user closed the system sheet themselves: nothing to explain. */
const USER_CANCELLED = /cancel/i;

const ALBUM_DENIED_MESSAGE = '没有相册权限，二维码没有保存。请点“去设置”，打开“添加到相册”后再点保存。';
const NOT_IN_GROUP_MESSAGE = '请先点“转发到本网格微信群”，把卡片发到本网格的群里，再在群里点开这张卡片，点“绑定本网格微信群”。';

function errMsgOf(err: unknown): string {
  return String((err as { errMsg?: unknown } | null)?.errMsg ?? err);
}

function saveToAlbum(filePath: string): Promise<void> {
  return new Promise((resolve, reject) => {
    wx.saveImageToPhotosAlbum({ filePath, success: () => resolve(), fail: reject });
  });
}

defineComponent({
  behaviors: [loadBehavior],
  data: {
    gridId: '',
    code: null as JoinCode | null,
    imageSrc: '',
    expires: '',
    loading: true,
    saving: false,
    albumDenied: false,
    binding: false,
    groupMessage: '',
    error: '',
  },
  methods: {
    async showCode(): Promise<void> {
      if (this.data.gridId === '') {
        this.setData({ loading: false, error: '请从收件箱进入本网格的二维码' });
        return;
      }
      const code = await this.load(() => call('getJoinCode', { gridId: this.data.gridId }));
      if (code === null) return;
      this.setData({ code, imageSrc: code.tempFileURL ?? code.fileID, expires: formatChinaDateTime(code.expiresAt) });
    },
    async onSave(): Promise<void> {
      const code = this.data.code;
      if (code === null || this.data.saving) return;
      this.setData({ saving: true, error: '', albumDenied: false });
      // Saving to the album is a privacy API: the popup on this page asks first.
      if (!(await privacyAllows('二维码没有保存到相册'))) {
        this.setData({ saving: false });
        return;
      }
      let filePath: string;
      try {
        filePath = await downloadToLocal(code);
      } catch {
        this.setData({ saving: false, error: '二维码下载失败，请检查网络后再试' });
        return;
      }
      try {
        await saveToAlbum(filePath);
        this.setData({ saving: false });
        toast('已保存到相册');
      } catch (err) {
        const msg = errMsgOf(err);
        if (ALBUM_DENIED.test(msg) && !PRIVACY_REFUSED.test(msg)) {
          this.setData({ saving: false, albumDenied: true, error: ALBUM_DENIED_MESSAGE });
          wx.showModal({
            title: '需要相册权限',
            content: ALBUM_DENIED_MESSAGE,
            confirmText: '去设置',
            success: (res) => {
              if (res.confirm) wx.openSetting({});
            },
          });
        } else if (USER_CANCELLED.test(msg)) {
          this.setData({ saving: false });
        } else {
          this.setData({ saving: false, error: '保存失败，请长按二维码图片保存' });
        }
      }
    },
    onOpenSetting() {
      wx.openSetting({});
    },
    onPreview() {
      if (this.data.imageSrc !== '') wx.previewImage({ urls: [this.data.imageSrc] });
    },
    onBindGroup() {
      if (this.data.binding) return;
      const enter = wx.getEnterOptionsSync();
      const fromGroup = (enter.shareTicket ?? '') !== '' || (enter.chatType !== undefined && GROUP_CHAT_TYPES.includes(enter.chatType));
      if (!fromGroup) {
        this.setData({ groupMessage: NOT_IN_GROUP_MESSAGE });
        return;
      }
      this.setData({ binding: true, groupMessage: '' });
      wx.getGroupEnterInfo({
        success: (res) => void this.bind(res.cloudID),
        fail: () => this.setData({ binding: false, groupMessage: '读取群信息失败，请从本网格微信群里重新打开小程序' }),
      });
    },
    async bind(groupCloudId: string): Promise<void> {
      const result = await call('bindGridGroup', { gridId: this.data.gridId, groupCloudId });
      if (!result.ok) {
        this.setData({ binding: false, groupMessage: result.message });
        return;
      }
      this.setData({ binding: false, groupMessage: result.data.alreadyBound ? '这个群早已绑定本网格' : '已绑定本网格微信群，群里的居民可直接入格' });
    },
  },
  async onLoad(query): Promise<void> {
    enableGroupSharing();
    this.setData({ gridId: await leaderGridFor(query) });
    return this.showCode();
  },
  onShareAppMessage(): WechatMiniprogram.Page.ICustomShareContent {
    return joinCard(this.data.gridId, '');
  },
});
