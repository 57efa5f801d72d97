// The privacy popup WeChat asks for before a privacy API runs (services/privacy.ts): the agree button
// must be a `open-type="agreePrivacyAuthorization"` button, whose id the resolve names, so the base
// library can check it was really tapped (wx.onNeedPrivacyAuthorization docs). Every page that calls
// a privacy API carries one (`<privacy-popup id="wechat-privacy" purpose="…" />`), saying in `purpose`
// what the page needs the information for, and asks through services/privacy.ts privacyAllows first.
import { offerPrivacyPopup, openPrivacyContract, type PrivacyResolve } from '../../services/privacy';

/** The inner native button's id (t-button's t-id), which resolve({ event: 'agree', buttonId }) names. */
const AGREE_BUTTON_ID = 'agree-privacy';
/** Said when the page gives no purpose of its own. */
const DEFAULT_PURPOSE = '这一步需要处理您的个人信息。';

/** What an instance keeps besides its data: the pending resolve, and how to withdraw its offer. */
interface PopupInstance {
  resolve: PrivacyResolve | null;
  withdraw: (() => void) | null;
}
type Self = WechatMiniprogram.Component.TrivialInstance & PopupInstance;

Component({
  // The page's shared classes (app.wxss: lx-big-button) reach the buttons here.
  options: { addGlobalClass: true },
  properties: {
    /** What the page needs the information for, one plain sentence: "添加照片需要读取您选的照片。" */
    purpose: { type: String, value: DEFAULT_PURPOSE },
  },
  data: { visible: false, agreeButtonId: AGREE_BUTTON_ID },
  lifetimes: {
    attached(this: Self) {
      this.offer();
    },
    detached(this: Self) {
      this.withdraw?.();
      this.withdraw = null;
    },
  },
  pageLifetimes: {
    show(this: Self) {
      this.offer();
    },
    hide(this: Self) {
      this.withdraw?.();
      this.withdraw = null;
    },
  },
  methods: {
    /** Offers this popup to the privacy listener while its page is in front (again on each show). */
    offer(this: Self) {
      this.withdraw?.();
      this.withdraw = offerPrivacyPopup((resolve) => {
        this.resolve = resolve;
        this.setData({ visible: true });
        // Tells WeChat the popup was shown, before the resident answers (onNeedPrivacyAuthorization docs).
        resolve({ event: 'exposureAuthorization' });
      });
    },
    answer(this: Self, agreed: boolean) {
      this.resolve?.(agreed ? { event: 'agree', buttonId: AGREE_BUTTON_ID } : { event: 'disagree' });
      this.resolve = null;
      this.setData({ visible: false });
    },
    onAgree(this: Self) {
      this.answer(true);
    },
    onDisagree(this: Self) {
      this.answer(false);
    },
    onOpenGuide() {
      openPrivacyContract();
    },
  },
});
