// getVillagePolicy: the village policy as stored and as in force (committee).
import { defineFunction } from '../../backend/src/handler';
import { getVillagePolicy } from '../../backend/src/organisation/getPolicy';

export const main = defineFunction('getVillagePolicy', getVillagePolicy);
