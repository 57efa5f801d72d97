// Cloud function joinGrid: see docs/API.md. Validation and identity in defineFunction; the use case in backend/src/membership/joinGrid.
import { defineFunction } from '../../backend/src/handler';
import { joinGrid } from '../../backend/src/membership/joinGrid';

export const main = defineFunction('joinGrid', joinGrid);
