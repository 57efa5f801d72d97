// getVillageDashboard: the committee's live view of one village (figures per grid this week and today,
// overdue requests, emergency mode, staff whose subscribe-message authorisations ran out).
import { defineFunction } from '../../backend/src/handler';
import { getVillageDashboard } from '../../backend/src/dashboard/dashboard';

export const main = defineFunction('getVillageDashboard', getVillageDashboard);
