// Placeholder: storage actions arrive in emulator/src/storage/.
import type { ModuleFactory } from '../context';
export const createStorageModule: ModuleFactory = () => ({ name: 'storage' });
