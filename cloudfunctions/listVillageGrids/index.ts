// Cloud function listVillageGrids: see docs/API.md. Validation and identity in defineFunction; the use case in backend/src/organisation/listGrids.
import { defineFunction } from '../../backend/src/handler';
import { listVillageGrids } from '../../backend/src/organisation/listGrids';

export const main = defineFunction('listVillageGrids', listVillageGrids);
