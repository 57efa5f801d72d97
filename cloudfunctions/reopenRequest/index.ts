// Cloud function reopenRequest: The resident reopens a resolved request.
import { defineFunction } from '../../backend/src/handler';
import { reopenRequest } from '../../backend/src/requests/act';

export const main = defineFunction('reopenRequest', reopenRequest);
