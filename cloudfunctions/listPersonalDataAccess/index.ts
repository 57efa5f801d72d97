// listPersonalDataAccess: the village committee's record of staff views of households' phones and care needs.
import { listPersonalDataAccess } from '../../backend/src/privacy/accessLog';
import { defineFunction } from '../../backend/src/handler';

export const main = defineFunction('listPersonalDataAccess', listPersonalDataAccess);
