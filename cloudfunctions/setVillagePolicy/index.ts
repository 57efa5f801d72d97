// Cloud function setVillagePolicy: see docs/API.md. Validation and identity in defineFunction; the use case in backend/src/organisation/configure.
import { defineFunction } from '../../backend/src/handler';
import { setVillagePolicy } from '../../backend/src/organisation/configure';

export const main = defineFunction('setVillagePolicy', setVillagePolicy);
