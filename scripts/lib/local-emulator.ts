// The product's settings for the CloudBase emulator package (emulator/), which assumes none of them:
// the built functions of cloudbaserc.json's functionRoot, the collections and indexes of
// database/indexes.json, the cloud-storage security rule of database/storage-rules.json, the local env
// id, the first street admins (ADMIN_OPENIDS, as cloudbaserc.json gives every function) and the words
// msgSecCheck treats as risky. npm start, the demo, the benchmark and the backend tests all start the
// emulator with these.
import fs from 'node:fs';
import path from 'node:path';
import type { EmulatorOptions } from '../../emulator/src';

const ROOT = path.resolve(__dirname, '..', '..');
const cloudbaserc = JSON.parse(fs.readFileSync(path.join(ROOT, 'cloudbaserc.json'), 'utf8')) as { functionRoot: string };

/** npm start's durable data (delete it to start over). */
export const LOCAL_DATA_DIR = path.join(ROOT, '.data');
/** The env id fileIDs in .data/ were minted with (cloud://lianxin-local.…). */
const LOCAL_ENV_ID = 'lianxin-local';
/** A small list so that content checks can be tried locally (the backend tests post these words). */
const RISKY_WORDS = ['赌博', '诈骗', '枪支'];

export function productEmulatorOptions(settings: { adminOpenids: readonly string[]; functionEnv?: Record<string, string> }): EmulatorOptions {
  return {
    envId: LOCAL_ENV_ID,
    functionsDir: path.resolve(ROOT, cloudbaserc.functionRoot),
    indexesFile: path.join(ROOT, 'database', 'indexes.json'),
    storageRulesFile: path.join(ROOT, 'database', 'storage-rules.json'),
    functionEnv: { ADMIN_OPENIDS: settings.adminOpenids.join(','), ...settings.functionEnv },
    riskyWords: RISKY_WORDS,
  };
}
