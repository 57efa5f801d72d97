// Small wrappers for what the user is told: one place for toast durations and wording.
const TOAST_MS = 2500;

export function toast(title: string): void {
  wx.showToast({ title, icon: 'none', duration: TOAST_MS });
}
