// publishNotice: a committee or street admin publishes a notice; it is queued for deliverNotices.
import { defineFunction } from '../../backend/src/handler';
import { publishNotice } from '../../backend/src/notices/publish';

export const main = defineFunction('publishNotice', publishNotice);
