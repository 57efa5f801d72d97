// getGridRoster: a grid's households, who lives there, and who has not heard the latest notice.
import { defineFunction } from '../../backend/src/handler';
import { getGridRoster } from '../../backend/src/roster/roster';

export const main = defineFunction('getGridRoster', getGridRoster);
