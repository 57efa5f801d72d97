// getMyProfile: who the caller is — their own grid membership and the grids and villages they work in.
import { defineFunction } from '../../backend/src/handler';
import { getMyProfile } from '../../backend/src/profile/profile';

export const main = defineFunction('getMyProfile', getMyProfile);
