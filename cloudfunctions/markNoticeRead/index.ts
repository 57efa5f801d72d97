// markNoticeRead: a resident's read receipt for a notice of their grid (idempotent).
import { defineFunction } from '../../backend/src/handler';
import { markNoticeRead } from '../../backend/src/notices/marks';

export const main = defineFunction('markNoticeRead', markNoticeRead);
