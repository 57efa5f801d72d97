// getMyInformation: what is held about the caller as a resident (PIPL: the right to see it).
import { defineFunction } from '../../backend/src/handler';
import { getMyInformation } from '../../backend/src/profile/myInformation';

export const main = defineFunction('getMyInformation', getMyInformation);
