// Cloud function respondRequest: The first real reply to a request: stops the 10-minute clock and escalation.
import { defineFunction } from '../../backend/src/handler';
import { respondRequest } from '../../backend/src/requests/act';

export const main = defineFunction('respondRequest', respondRequest);
