// Placeholder: openapi actions arrive in emulator/src/openapi/.
import type { ModuleFactory } from '../context';
export const createOpenApiModule: ModuleFactory = () => ({ name: 'openapi' });
