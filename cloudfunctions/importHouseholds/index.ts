// importHouseholds: a grid's households from an uploaded .xlsx sheet, every bad row reported by its row number.
import { defineFunction } from '../../backend/src/handler';
import { importHouseholds } from '../../backend/src/register/import';

export const main = defineFunction('importHouseholds', importHouseholds);
