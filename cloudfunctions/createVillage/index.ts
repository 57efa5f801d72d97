// Cloud function createVillage: see docs/API.md. Validation and identity in defineFunction; the use case in backend/src/organisation/setup.
import { defineFunction } from '../../backend/src/handler';
import { createVillage } from '../../backend/src/organisation/setup';

export const main = defineFunction('createVillage', createVillage);
