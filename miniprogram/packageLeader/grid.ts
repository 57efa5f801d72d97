// The grid a leader works in: from the page query, else the first grid of the caller's profile
// (getMyProfile, from their role assignments), else the one remembered from their inbox items or the
// page they last opened, so the roster and QR pages open without asking again.
import { firstWorkGridId } from '../services/profile';

const LEADER_GRID_STORAGE_KEY = 'lx.leaderGrid';

export function rememberLeaderGrid(gridId: string): void {
  if (gridId !== '') wx.setStorageSync(LEADER_GRID_STORAGE_KEY, gridId);
}

/** The gridId from the page query, else the remembered one, else ''. */
function leaderGridFrom(query: Record<string, string | undefined>): string {
  const fromQuery = query.gridId;
  if (fromQuery !== undefined && fromQuery !== '') {
    const gridId = decodeURIComponent(fromQuery);
    rememberLeaderGrid(gridId);
    return gridId;
  }
  const stored: unknown = wx.getStorageSync(LEADER_GRID_STORAGE_KEY);
  return typeof stored === 'string' ? stored : '';
}

/**
 * The gridId from the page query; without one, the first grid the profile says the caller serves in
 * (remembered for next time); without a profile grid, the remembered one; else ''.
 */
export async function leaderGridFor(query: Record<string, string | undefined>): Promise<string> {
  const fromQuery = query.gridId;
  if (fromQuery !== undefined && fromQuery !== '') return leaderGridFrom(query);
  const fromProfile = await firstWorkGridId();
  if (fromProfile !== '') {
    rememberLeaderGrid(fromProfile);
    return fromProfile;
  }
  return leaderGridFrom(query);
}
