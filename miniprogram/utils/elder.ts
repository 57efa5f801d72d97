// Elder-friendly mode (适老化): large type, high contrast, big hit targets. One switch kept in local
// storage, read by every page through the component factory and toggled from the home page.
export const ELDER_MODE_STORAGE_KEY = 'lx.elderMode';
/** Class the root view of every page carries when the mode is on (styles in app.wxss). */
export const ELDER_CLASS = 'lx-elder';

export function isElderMode(): boolean {
  try {
    return wx.getStorageSync(ELDER_MODE_STORAGE_KEY) === true;
  } catch {
    return false;
  }
}

export function setElderMode(on: boolean): void {
  wx.setStorageSync(ELDER_MODE_STORAGE_KEY, on);
}
