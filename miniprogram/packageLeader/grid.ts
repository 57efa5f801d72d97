// The grid a leader works in, remembered from their inbox items or the page they opened, so the
// roster and QR pages open without asking again (the client cannot read role assignments).
export const LEADER_GRID_STORAGE_KEY = 'lx.leaderGrid';

export function rememberLeaderGrid(gridId: string): void {
  if (gridId !== '') wx.setStorageSync(LEADER_GRID_STORAGE_KEY, gridId);
}

/** The gridId from the page query, else the remembered one, else ''. */
export function leaderGridFrom(query: Record<string, string | undefined>): string {
  const fromQuery = query['gridId'];
  if (fromQuery !== undefined && fromQuery !== '') {
    const gridId = decodeURIComponent(fromQuery);
    rememberLeaderGrid(gridId);
    return gridId;
  }
  const stored: unknown = wx.getStorageSync(LEADER_GRID_STORAGE_KEY);
  return typeof stored === 'string' ? stored : '';
}
