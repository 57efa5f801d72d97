// listStaff: the village's role holders by name and role, its micro-grids and its unused invitations (committee).
import { defineFunction } from '../../backend/src/handler';
import { listStaff } from '../../backend/src/staff/list';

export const main = defineFunction('listStaff', listStaff);
