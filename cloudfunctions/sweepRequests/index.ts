// Cloud function sweepRequests (timer only): escalates unanswered requests and auto-closes resolved ones.
import { defineTimerFunction } from '../../backend/src/handler';
import { sweepRequests } from '../../backend/src/requests/sweep';

export const main = defineTimerFunction('sweepRequests', sweepRequests);
