// revokeInvitation: an unused invitation stops working (acceptInvitation answers INVITATION.REVOKED).
import { defineFunction } from '../../backend/src/handler';
import { revokeInvitation } from '../../backend/src/staff/manage';

export const main = defineFunction('revokeInvitation', revokeInvitation);
