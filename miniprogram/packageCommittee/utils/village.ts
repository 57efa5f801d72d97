// The village a committee page works on: from the page query, else the first village of the caller's
// profile (getMyProfile) where they hold a role the page needs, so a page opened from a subscribe
// message or without a query still finds its village instead of guessing.
import { firstWorkVillageId, type VillageWorkRole } from '../../services/profile';

/** Shown when neither the page link nor the caller's profile names a village. */
export const MISSING_VILLAGE_MESSAGE = '缺少村（社区），请从首页进入';

/** The villageId from the query, else the profile's first village with one of `roles` (any role when omitted), else ''. */
export async function committeeVillageFor(query: Record<string, string | undefined>, roles?: readonly VillageWorkRole[]): Promise<string> {
  const fromQuery = query.villageId;
  if (fromQuery !== undefined && fromQuery !== '') return decodeURIComponent(fromQuery);
  return firstWorkVillageId(roles);
}
