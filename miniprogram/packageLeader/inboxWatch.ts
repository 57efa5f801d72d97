// A leader's own inbox, live: a CloudBase database watch on my inbox items (the security rule lets
// a user read only documents whose userId is their openid), with a polling fallback through
// listInbox when the watch is unavailable (develop mode against the local emulator, an old base
// library) or fails. Callers get the whole current list each time it changes.
import { PAGE_SIZE_MAX } from '../generated/rules';
import { call } from '../services/api';
import { CALLER_OPENID, watchDocuments, type Watcher } from '../services/cloud';
import type { InboxItem } from '../services/outputs';
import { sortInbox } from './models';

/** How often the fallback asks listInbox: new requests show within this long. */
export const INBOX_POLL_MS = 15 * 1000;
/** Items one poll reads, the most one call may: open ones come first, so the open work fits in one page. */
const INBOX_POLL_LIMIT = PAGE_SIZE_MAX;
const INBOX_COLLECTION = 'inbox';

export type InboxSource = 'watch' | 'poll';

export interface InboxWatchOptions {
  onItems(items: InboxItem[], source: InboxSource): void;
  /** A poll failed (the list stays as it was); the message is for the user. */
  onError(message: string): void;
}

export interface InboxWatch {
  readonly source: () => InboxSource;
  /** Ask listInbox now (pull-to-refresh; the poll timer calls it too). */
  refresh(): Promise<void>;
  close(): void;
}

export function watchInbox(options: InboxWatchOptions): InboxWatch {
  let source: InboxSource = 'watch';
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
    options.onItems(sortInbox(result.data.view === 'mine' ? result.data.page.items : []), 'poll');
  };

  const startPolling = (): void => {
    source = 'poll';
    if (timer !== null || closed) return;
    timer = setInterval(() => void refresh(), INBOX_POLL_MS);
    void refresh();
  };

  const stopWatcher = (): void => {
    watcher?.close();
    watcher = null;
  };

  watcher = watchDocuments<InboxItem>(
    INBOX_COLLECTION,
    { userId: CALLER_OPENID, open: true },
    {
      onChange(items) {
        if (!closed) options.onItems(sortInbox(items), 'watch');
      },
      onError() {
        // The socket dropped or the rule refused: keep the leader informed by polling instead.
        stopWatcher();
        startPolling();
      },
    },
  );
  if (watcher === null) startPolling();

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
