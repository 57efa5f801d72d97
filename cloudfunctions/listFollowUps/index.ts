// listFollowUps: the village committee's 回访 list, open ones first.
import { listFollowUps } from '../../backend/src/followUps/followUps';
import { defineFunction } from '../../backend/src/handler';

export const main = defineFunction('listFollowUps', listFollowUps);
