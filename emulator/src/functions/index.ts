// Placeholder: functions actions arrive in emulator/src/functions/.
import type { ModuleFactory } from '../context';
export const createFunctionsModule: ModuleFactory = () => ({ name: 'functions' });
