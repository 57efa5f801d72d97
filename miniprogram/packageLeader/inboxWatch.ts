// A leader's own inbox, live: a CloudBase database watch on my inbox items (the security rule lets
// a user read only documents whose userId is their openid), with a polling fallback through
// listInbox when the watch is unavailable (develop mode against the local emulator, an old base
// library) or fails. Callers get the whole current list each time it changes.
import { inboxItemsOf, sortInbox, toInboxEntry, type InboxEntry } from './models';
import { activeBackend, call } from '../services/api';

/** How often the fallback asks listInbox: new requests show within this long. */
export const INBOX_POLL_MS = 15 * 1000;
/** Items one poll reads: open ones come first, so the open work fits in one page. */
const INBOX_POLL_LIMIT = 50;
const INBOX_COLLECTION = 'inbox';
/** CloudBase replaces this placeholder with the caller's openid on the server. */
const OPENID_PLACEHOLDER = '{openid}';

export type InboxSource = 'watch' | 'poll';

export interface InboxWatchOptions {
  onItems(items: InboxEntry[], source: InboxSource): void;
  /** A poll failed (the list stays as it was); the message is for the user. */
  onError(message: string): void;
}

export interface InboxWatch {
  readonly source: () => InboxSource;
  /** Ask listInbox now (pull-to-refresh; the poll timer calls it too). */
  refresh(): Promise<void>;
  close(): void;
}

interface Watcher {
  close(): Promise<unknown> | void;
}

/** The emulator has no realtime channel, so develop mode against it always polls. */
function canWatch(): boolean {
  return activeBackend() === 'cloud' && typeof wx.cloud?.database === 'function';
}

export function watchInbox(options: InboxWatchOptions): InboxWatch {
  let source: InboxSource = 'poll';
  let watcher: Watcher | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;
  let closed = false;

  const refresh = async (): Promise<void> => {
    const result = await call('listInbox', { view: 'mine', limit: INBOX_POLL_LIMIT });
    if (closed) return;
    if (!result.ok) {
      options.onError(result.message);
      return;
    }
    const entries = inboxItemsOf(result.data).map(toInboxEntry).filter((e): e is InboxEntry => e !== null);
    options.onItems(sortInbox(entries), 'poll');
  };

  const startPolling = (): void => {
    source = 'poll';
    if (timer !== null || closed) return;
    timer = setInterval(() => void refresh(), INBOX_POLL_MS);
    void refresh();
  };

  const stopWatcher = (): void => {
    const w = watcher;
    watcher = null;
    try {
      void w?.close();
    } catch {
      // Closing a watcher that already failed may throw; it is gone either way.
    }
  };

  if (canWatch()) {
    try {
      source = 'watch';
      watcher = wx.cloud
        .database()
        .collection(INBOX_COLLECTION)
        .where({ userId: OPENID_PLACEHOLDER, open: true })
        .watch({
          onChange(snapshot: { docs: unknown }) {
            if (closed) return;
            // The typings call docs a record; at run time it is the array of matching documents.
            const docs: unknown[] = Array.isArray(snapshot.docs) ? snapshot.docs : [];
            const entries = docs.map(toInboxEntry).filter((e): e is InboxEntry => e !== null);
            options.onItems(sortInbox(entries), 'watch');
          },
          onError() {
            // The socket dropped or the rule refused: keep the leader informed by polling instead.
            stopWatcher();
            startPolling();
          },
        }) as unknown as Watcher;
    } catch {
      watcher = null;
      startPolling();
    }
  } else {
    startPolling();
  }

  return {
    source: () => source,
    refresh,
    close() {
      closed = true;
      stopWatcher();
      if (timer !== null) clearInterval(timer);
      timer = null;
    },
  };
}
