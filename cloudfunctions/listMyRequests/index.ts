// Cloud function listMyRequests: The calling resident's own requests, newest first.
import { defineFunction } from '../../backend/src/handler';
import { listMyRequests } from '../../backend/src/requests/read';

export const main = defineFunction('listMyRequests', listMyRequests);
