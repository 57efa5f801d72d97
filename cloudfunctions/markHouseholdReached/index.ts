// markHouseholdReached: a grid leader records a household told in person or by phone (idempotent).
import { defineFunction } from '../../backend/src/handler';
import { markHouseholdReached } from '../../backend/src/notices/marks';

export const main = defineFunction('markHouseholdReached', markHouseholdReached);
