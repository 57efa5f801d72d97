// listNotices: the notices reaching the caller's grid, grids, village or street, newest first.
import { defineFunction } from '../../backend/src/handler';
import { listNotices } from '../../backend/src/notices/list';

export const main = defineFunction('listNotices', listNotices);
