// recordFollowUp: the committee records a 回访 call's outcome and note.
import { recordFollowUp } from '../../backend/src/followUps/followUps';
import { defineFunction } from '../../backend/src/handler';

export const main = defineFunction('recordFollowUp', recordFollowUp);
