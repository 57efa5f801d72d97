// Cloud function listInbox: A responder's inbox, or a grid's / village's requests for its staff.
import { defineFunction } from '../../backend/src/handler';
import { listInbox } from '../../backend/src/requests/read';

export const main = defineFunction('listInbox', listInbox);
