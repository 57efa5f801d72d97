// The grid's WeChat group (网格微信群) on the phone. No API posts into a group: people forward cards.
// A page offers 转发 only when it defines onShareAppMessage, and the card says which group it was
// opened from only when the page enabled withShareTicket; a page opened from such a card finds a
// shareTicket in the enter options, and wx.getGroupEnterInfo then gives the group's cloudID, which
// only the backend can open (cloud.getOpenData). These are the cards the pages forward and the
// reading of the entry.

/** The path of the page WeChat opened the mini-program on, without the leading slash, and its query. */
interface EnterOptions {
  path: string;
  query: Record<string, string>;
  shareTicket: string;
}

/** Let the page's 转发 carry a shareTicket (call it in onLoad of every page that defines onShareAppMessage). */
export function enableGroupSharing(): void {
  try {
    wx.showShareMenu({ withShareTicket: true, menus: ['shareAppMessage'] });
  } catch {
    // An old base library: the page still forwards, only without the ticket.
  }
}

function toEnterOptions(raw: { path?: string; query?: Record<string, string>; shareTicket?: string }): EnterOptions {
  return { path: (raw.path ?? '').replace(/^\//, ''), query: raw.query ?? {}, shareTicket: raw.shareTicket ?? '' };
}

/** How the mini-program was last opened (wx.getEnterOptionsSync; the launch options on older base libraries). */
function enterOptions(): EnterOptions {
  try {
    const options = toEnterOptions(wx.getEnterOptionsSync());
    if (options.shareTicket !== '') return options;
  } catch {
    // Older base libraries lack getEnterOptionsSync; the launch options carry the same ticket.
  }
  try {
    return toEnterOptions(wx.getLaunchOptionsSync());
  } catch {
    return { path: '', query: {}, shareTicket: '' };
  }
}

/** The shareTicket WeChat gives when the mini-program was opened from a group chat's card; '' otherwise. */
export function groupShareTicket(): string {
  return enterOptions().shareTicket;
}

/** Whether the mini-program was opened from a group card for this very page and query (not a page reached later). */
export function openedFromGroupCard(pagePath: string, query: Record<string, string>): boolean {
  const options = enterOptions();
  if (options.shareTicket === '' || options.path !== pagePath.replace(/^\//, '')) return false;
  return Object.entries(query).every(([key, value]) => decodeURIComponent(options.query[key] ?? '') === value);
}

/** The entry group's cloudID, which only the backend can open; '' when WeChat refuses. */
export function groupCloudId(): Promise<string> {
  return new Promise((resolve) => {
    try {
      wx.getGroupEnterInfo({
        success: (res) => resolve(res.cloudID ?? ''),
        fail: () => resolve(''),
      });
    } catch {
      resolve('');
    }
  });
}

export const NOTICE_PAGE = '/pages/notice/index';
export const JOIN_PAGE = '/pages/join/index';

/** The card of one notice: opened from the group, it shows the notice and marks it read through the group. */
export function noticeCard(noticeId: string, title: string): WechatMiniprogram.Page.ICustomShareContent {
  return { title: `【通知】${title}`, path: `${NOTICE_PAGE}?id=${encodeURIComponent(noticeId)}` };
}

/**
 * The grid's card: opened from the grid's group, a leader of the grid binds the group with it and
 * a resident joins the grid (resolveGroupGrid names the grid from the group itself).
 */
export function joinCard(gridId: string, gridName: string): WechatMiniprogram.Page.ICustomShareContent {
  return { title: `加入${gridName || '本网格'}，有事找网格长`, path: `${JOIN_PAGE}?gridId=${encodeURIComponent(gridId)}` };
}
