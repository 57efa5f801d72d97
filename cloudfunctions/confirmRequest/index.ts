// Cloud function confirmRequest: The resident confirms a resolved request and rates it.
import { defineFunction } from '../../backend/src/handler';
import { confirmRequest } from '../../backend/src/requests/act';

export const main = defineFunction('confirmRequest', confirmRequest);
