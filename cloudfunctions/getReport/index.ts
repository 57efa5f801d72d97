// getReport: weekly or date-range figures by grid, leader, village or street (按周上报、考评).
import { defineFunction } from '../../backend/src/handler';
import { getReport } from '../../backend/src/reports/report';

export const main = defineFunction('getReport', getReport);
