// getNoticeReach: per grid, who read a notice, who was told in person, who is still unreached.
import { defineFunction } from '../../backend/src/handler';
import { getNoticeReach } from '../../backend/src/notices/reach';

export const main = defineFunction('getNoticeReach', getNoticeReach);
