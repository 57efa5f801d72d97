// Cloud function getJoinCode: see docs/API.md. Validation and identity in defineFunction; the use case in backend/src/membership/joinCode.
import { defineFunction } from '../../backend/src/handler';
import { getJoinCode } from '../../backend/src/membership/joinCode';

export const main = defineFunction('getJoinCode', getJoinCode);
