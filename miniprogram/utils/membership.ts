// The grid the resident joined, kept on the phone after joinGrid (collect once: never asked again).
import { toMembership, type Membership } from '../services/models';

const MEMBERSHIP_STORAGE_KEY = 'lx.membership';

export function readMembership(): Membership | null {
  try {
    return toMembership(wx.getStorageSync(MEMBERSHIP_STORAGE_KEY));
  } catch {
    return null;
  }
}

export function saveMembership(membership: Membership): void {
  wx.setStorageSync(MEMBERSHIP_STORAGE_KEY, membership);
}

/** After leaving the grid (leaveGrid): the phone no longer names a grid, so home asks to join again. */
export function forgetMembership(): void {
  wx.removeStorageSync(MEMBERSHIP_STORAGE_KEY);
}
