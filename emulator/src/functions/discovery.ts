// Finds the deployable cloud functions in functionsDir: every sub-folder with a built index.js, with
// its config.json (timeout, timer triggers) read the way CloudBase reads it on upload.
import fs from 'node:fs';
import path from 'node:path';

/** CloudBase's default function timeout when config.json gives none, in seconds. */
export const DEFAULT_TIMEOUT_SEC = 3;
/** The longest timeout SCF accepts, in seconds. */
const MAX_TIMEOUT_SEC = 900;

export interface TriggerSpec {
  name: string;
  /** 7-field cron: second minute hour day month weekday year (China time). */
  cron: string;
  /** SCF's "附加信息" handed to the function as event.Message. */
  message: string;
}

export interface FunctionSpec {
  name: string;
  dir: string;
  entry: string;
  timeoutSec: number;
  triggers: TriggerSpec[];
  /** Set when config.json is unusable; invocations then fail with this explanation. */
  configError?: string;
}

/** Function names CloudBase accepts: letters, digits, - and _, starting with a letter, at most 60. */
const FUNCTION_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,59}$/;

export function isValidFunctionName(name: string): boolean {
  return FUNCTION_NAME.test(name);
}

export function discoverFunctions(functionsDir: string | null): Map<string, FunctionSpec> {
  const found = new Map<string, FunctionSpec>();
  if (functionsDir === null || !fs.existsSync(functionsDir)) return found;
  for (const d of fs.readdirSync(functionsDir, { withFileTypes: true })) {
    if (!d.isDirectory() || !isValidFunctionName(d.name)) continue;
    const dir = path.join(functionsDir, d.name);
    const entry = path.join(dir, 'index.js');
    if (!fs.existsSync(entry)) continue;
    found.set(d.name, readSpec(d.name, dir, entry));
  }
  return found;
}

function readSpec(name: string, dir: string, entry: string): FunctionSpec {
  const spec: FunctionSpec = { name, dir, entry, timeoutSec: DEFAULT_TIMEOUT_SEC, triggers: [] };
  const configPath = path.join(dir, 'config.json');
  if (!fs.existsSync(configPath)) return spec;
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(configPath, 'utf8'));
  } catch (err) {
    return { ...spec, configError: `${configPath} is not valid JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { ...spec, configError: `${configPath} must hold a JSON object` };
  const config = raw as Record<string, unknown>;

  if (config.timeout !== undefined) {
    const t = config.timeout;
    if (typeof t !== 'number' || !Number.isInteger(t) || t < 1 || t > MAX_TIMEOUT_SEC) {
      return { ...spec, configError: `${configPath}: timeout must be an integer number of seconds from 1 to ${MAX_TIMEOUT_SEC}, got ${JSON.stringify(t)}` };
    }
    spec.timeoutSec = t;
  }

  const triggers = config.triggers;
  if (triggers !== undefined) {
    if (!Array.isArray(triggers)) return { ...spec, configError: `${configPath}: triggers must be an array` };
    const names = new Set<string>();
    for (const t of triggers as unknown[]) {
      const tr = (t && typeof t === 'object' ? t : {}) as Record<string, unknown>;
      const tName = tr.name;
      if (typeof tName !== 'string' || tName === '' || names.has(tName)) {
        return { ...spec, configError: `${configPath}: every trigger needs a unique non-empty name, got ${JSON.stringify(tName)}` };
      }
      names.add(tName);
      if (tr.type !== 'timer') {
        // CloudBase's config.json only knows timer triggers; anything else would silently never fire.
        return { ...spec, configError: `${configPath}: trigger "${tName}" has type ${JSON.stringify(tr.type)}; only "timer" is supported` };
      }
      if (typeof tr.config !== 'string') {
        return { ...spec, configError: `${configPath}: trigger "${tName}" needs a cron string in "config"` };
      }
      spec.triggers.push({ name: tName, cron: tr.config, message: typeof tr.message === 'string' ? tr.message : '' });
    }
  }
  return spec;
}
