// WeChat's privacy authorisation (《小程序用户隐私保护指引》): the base library holds a privacy API back
// until the user has agreed to the guide; once wx.onNeedPrivacyAuthorization is registered, we show our
// own popup (components/privacy-popup) and answer through its resolve. Source: developers.weixin.qq.com
// /miniprogram/dev/framework/user-privacy/PrivacyAuthorize.html (wx.onNeedPrivacyAuthorization, wx.requirePrivacyAuthorize).
// This is WeChat's gate; the resident's consent to our own notice is the join page's tick (core/src/privacyNotice.ts).

type PrivacyAnswer = { event: 'agree'; buttonId: string } | { event: 'disagree' } | { event: 'exposureAuthorization' };
export type PrivacyResolve = (answer: PrivacyAnswer) => void;

/** The privacy calls, absent before base library 2.32.3 (and in tests that do not fake them); the typings give the listener no resolve. */
interface PrivacyApi {
  onNeedPrivacyAuthorization?(listener: (resolve: PrivacyResolve, info: { referrer: string }) => void): void;
  requirePrivacyAuthorize?(options: { success(): void; fail(): void }): void;
  openPrivacyContract?(options: { fail(): void }): void;
}
const privacyApi = (): PrivacyApi => wx as unknown as PrivacyApi;

/** The popups of the pages on the stack, the showing page's last: the one listener asks the top one. */
const popups: Array<(resolve: PrivacyResolve) => void> = [];

function askTopPopup(resolve: PrivacyResolve): void {
  const top = popups[popups.length - 1];
  // No popup on the page in front: refuse the call rather than leave it waiting for a popup nobody sees.
  if (top === undefined) resolve({ event: 'disagree' });
  else top(resolve);
}

/** A page's popup offers itself while its page shows; the returned function withdraws it. */
export function offerPrivacyPopup(show: (resolve: PrivacyResolve) => void): () => void {
  // Registering again replaces the listener (the last one wins), so it is always this one.
  privacyApi().onNeedPrivacyAuthorization?.(askTopPopup);
  popups.push(show);
  return () => {
    const at = popups.lastIndexOf(show);
    if (at >= 0) popups.splice(at, 1);
  };
}

/** Before the first call that hands WeChat's privacy gate personal information: true once the user agreed (or the base library has no gate). */
export function requirePrivacyAuthorization(): Promise<boolean> {
  const api = privacyApi();
  if (api.requirePrivacyAuthorize === undefined) return Promise.resolve(true);
  return new Promise((resolve) => api.requirePrivacyAuthorize?.({ success: () => resolve(true), fail: () => resolve(false) }));
}

/** What a page says when the user did not agree: what did not happen, why, and how to go on. */
function privacyRefusedMessage(notDone: string): string {
  return `您还没有同意《用户隐私保护指引》，所以${notDone}。需要时请再点一次，在弹出的提示里点“同意并继续”。`;
}

/**
 * Before a privacy API (wx.chooseMedia, wx.chooseLocation, wx.saveImageToPhotosAlbum,
 * wx.chooseMessageFile, …): asks WeChat's gate, which shows the page's popup when the user has not
 * agreed yet. False when they did not agree; they are then told plainly (`notDone`: what did not
 * happen, e.g. '没有打开相册') instead of the tap doing nothing. The page must carry
 * <privacy-popup />, or the gate has nobody to ask and refuses.
 */
export async function privacyAllows(notDone: string): Promise<boolean> {
  if (await requirePrivacyAuthorization()) return true;
  wx.showModal({ title: '没有同意隐私保护指引', content: privacyRefusedMessage(notDone), showCancel: false, confirmText: '知道了' });
  return false;
}

/** Opens WeChat's page of the mini-program's 用户隐私保护指引; false when it cannot. */
export function openPrivacyContract(): boolean {
  const api = privacyApi();
  if (api.openPrivacyContract === undefined) return false;
  api.openPrivacyContract({ fail: () => undefined });
  return true;
}
