// Cloud function recordSubscription: Counts the one-time subscribe-message authorisations the user just granted.
import { defineFunction } from '../../backend/src/handler';
import { recordSubscription } from '../../backend/src/requests/subscription';

export const main = defineFunction('recordSubscription', recordSubscription);
