// Cloud function getRequest: One request with its event log, for its resident, responders and the staff of its place.
import { defineFunction } from '../../backend/src/handler';
import { getRequest } from '../../backend/src/requests/read';

export const main = defineFunction('getRequest', getRequest);
