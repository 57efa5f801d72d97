// getHousehold: one household's register entry, for the grid's staff to edit.
import { defineFunction } from '../../backend/src/handler';
import { getHousehold } from '../../backend/src/register/save';

export const main = defineFunction('getHousehold', getHousehold);
