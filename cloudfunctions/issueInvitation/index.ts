// Cloud function issueInvitation: see docs/API.md. Validation and identity in defineFunction; the use case in backend/src/membership/invitations.
import { defineFunction } from '../../backend/src/handler';
import { issueInvitation } from '../../backend/src/membership/invitations';

export const main = defineFunction('issueInvitation', issueInvitation);
