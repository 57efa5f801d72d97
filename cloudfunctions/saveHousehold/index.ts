// saveHousehold: the grid's staff add or edit one household of the register (一户一档).
import { defineFunction } from '../../backend/src/handler';
import { saveHousehold } from '../../backend/src/register/save';

export const main = defineFunction('saveHousehold', saveHousehold);
