// exportReport: the weekly (or date-range) report as an .xlsx in cloud storage, a sheet per grid and per person.
import { defineFunction } from '../../backend/src/handler';
import { exportReport } from '../../backend/src/reports/export';

export const main = defineFunction('exportReport', exportReport);
