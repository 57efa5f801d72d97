// leaveGrid: the resident leaves their grid; what was held about them is deleted or anonymised.
import { defineFunction } from '../../backend/src/handler';
import { leaveGrid } from '../../backend/src/profile/myInformation';

export const main = defineFunction('leaveGrid', leaveGrid);
