// Cloud function cancelRequest: The resident withdraws a request before anyone has answered.
import { defineFunction } from '../../backend/src/handler';
import { cancelRequest } from '../../backend/src/requests/act';

export const main = defineFunction('cancelRequest', cancelRequest);
