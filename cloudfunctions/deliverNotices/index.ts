// deliverNotices: the 10-second timer that works the durable notice delivery queue.
import { defineTimerFunction } from '../../backend/src/handler';
import { runDeliveryQueue } from '../../backend/src/notices/deliver';

export const main = defineTimerFunction('deliverNotices', (ctx) => runDeliveryQueue(ctx));
