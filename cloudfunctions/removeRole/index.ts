// removeRole: the committee removes one role assignment (never the village's last committee member).
import { defineFunction } from '../../backend/src/handler';
import { removeRole } from '../../backend/src/staff/manage';

export const main = defineFunction('removeRole', removeRole);
