// The village a committee page works on: from the page query, else the first village of the caller's
// profile (getMyProfile) where they hold a role the page needs, so a page opened from a subscribe
// message or without a query still finds its village instead of guessing.
import type { ApiResult } from '../../services/api';
import { call } from '../../services/api';
import { firstWorkVillageId, type VillageWorkRole } from '../../services/profile';

/** Shown when neither the page link nor the caller's profile names a village. */
export const MISSING_VILLAGE_MESSAGE = '缺少村（社区），请从首页进入';

/** The villageId from the query, else the profile's first village with one of `roles` (any role when omitted), else ''. */
export async function committeeVillageFor(query: Record<string, string | undefined>, roles?: readonly VillageWorkRole[]): Promise<string> {
  const fromQuery = query.villageId;
  if (fromQuery !== undefined && fromQuery !== '') return decodeURIComponent(fromQuery);
  return firstWorkVillageId(roles);
}

/** What a committee page of one village starts with: its village (set in onLoad) and the load behaviour's state. */
export const VILLAGE_PAGE_DATA = { villageId: '', loading: false, loaded: false, error: '' };

/** A committee page with the load behaviour and the village it works on. */
interface VillagePage {
  data: { villageId: string };
  setData(patch: { loading: boolean; error: string }): void;
  load<T>(fetch: () => Promise<ApiResult<T>>): Promise<T | null>;
}

/** What `fetch` answers for the page's village, through the load behaviour; null once the page shows why not (no village, or the call failed). */
export async function loadForVillage<T>(page: VillagePage, fetch: (villageId: string) => Promise<ApiResult<T>>): Promise<T | null> {
  const { villageId } = page.data;
  if (villageId === '') {
    page.setData({ loading: false, error: MISSING_VILLAGE_MESSAGE });
    return null;
  }
  return page.load(() => fetch(villageId));
}

/** One of the village's grids as committee pages list and pick it. */
export interface VillageGrid {
  gridId: string;
  name: string;
}

/** The grids with their names for a picker, set together so the two never disagree. */
export function gridChoices(grids: VillageGrid[]): { grids: VillageGrid[]; gridNames: string[] } {
  return { grids, gridNames: grids.map((g) => g.name) };
}

/** The page's village grids as id and name, or null once the page shows why it has none. */
export async function loadVillageGrids(page: VillagePage): Promise<VillageGrid[] | null> {
  const list = await loadForVillage(page, (villageId) => call('listVillageGrids', { villageId }));
  return list === null ? null : list.grids.map((g) => ({ gridId: g.id, name: g.name }));
}
