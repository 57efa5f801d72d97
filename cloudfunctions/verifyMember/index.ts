// Cloud function verifyMember: see docs/API.md. Validation and identity in defineFunction; the use case in backend/src/membership/verifyMember.
import { defineFunction } from '../../backend/src/handler';
import { verifyMember } from '../../backend/src/membership/verifyMember';

export const main = defineFunction('verifyMember', verifyMember);
