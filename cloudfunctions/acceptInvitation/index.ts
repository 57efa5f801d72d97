// Cloud function acceptInvitation: see docs/API.md. Validation and identity in defineFunction; the use case in backend/src/membership/invitations.
import { defineFunction } from '../../backend/src/handler';
import { acceptInvitation } from '../../backend/src/membership/invitations';

export const main = defineFunction('acceptInvitation', acceptInvitation);
