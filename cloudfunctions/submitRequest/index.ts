// Cloud function submitRequest: A resident submits a request to their own grid (诉求).
import { defineFunction } from '../../backend/src/handler';
import { submitRequest } from '../../backend/src/requests/submit';

export const main = defineFunction('submitRequest', submitRequest);
