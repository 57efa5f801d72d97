// Cloud function updateRequestStatus: A handler starts work on, resolves, or hands over a request.
import { defineFunction } from '../../backend/src/handler';
import { updateRequestStatus } from '../../backend/src/requests/act';

export const main = defineFunction('updateRequestStatus', updateRequestStatus);
