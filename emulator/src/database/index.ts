// Placeholder: database actions arrive in emulator/src/database/.
import type { ModuleFactory } from '../context';
export const createDatabaseModule: ModuleFactory = () => ({ name: 'database' });
