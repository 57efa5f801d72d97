// endMicroGrid: ends a micro-grid (战时小网格): its temporary roles end, its buildings route to the grid again.
import { defineFunction } from '../../backend/src/handler';
import { endMicroGrid } from '../../backend/src/organisation/endMicroGrid';

export const main = defineFunction('endMicroGrid', endMicroGrid);
