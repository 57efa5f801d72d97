// Cloud function resolveGroupGrid: see docs/API.md. Validation and identity in defineFunction; the use case in backend/src/membership/groups.
import { defineFunction } from '../../backend/src/handler';
import { resolveGroupGrid } from '../../backend/src/membership/groups';

export const main = defineFunction('resolveGroupGrid', resolveGroupGrid);
