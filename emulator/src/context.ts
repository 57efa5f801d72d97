// What every emulator module shares: configuration, the clock, the store, fault injection and logging.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorClock } from './clock';
import type { Faults } from './faults';
import type { PlanName, QuotaPlan, Quotas } from './quotas';
import type { Store } from './store';

export interface EmulatorConfig {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Folder for the durable store and uploaded files; null keeps everything in memory. */
  dataDir: string | null;
  /** Folder holding one built cloud function per sub-folder (index.js, config.json); null: no functions. */
  functionsDir: string | null;
  /** Collections and index declarations applied to the embedded database (format in README.md); null: none. */
  indexesFile: string | null;
  /**
   * The cloud-storage security rule, `{ "read", "write" }` (format in README.md), applied to the
   * mini-program's storage entries; null: CloudBase's default (anyone reads, only the uploader writes).
   */
  storageRulesFile: string | null;
  /** The CloudBase environment id the SDK and fileIDs see. */
  envId: string;
  /** The mini-program's appid, as WX_APPID and in open-API answers. */
  appId: string;
  /** Extra environment variables for every function instance (the caller's own settings, e.g. admins). */
  functionEnv: Record<string, string>;
  /** Emulator clock start; absent means "now". */
  clockStartMs?: number;
  /** Fire timer triggers as real time passes (the CLI); tests drive them with the clock instead. */
  realtimeTimers: boolean;
  /** Word list that security.msgSecCheck marks as risky. */
  riskyWords: string[];
  /** A CloudBase plan whose quotas are enforced (emulator/src/quotas.ts), or limits of one's own; null counts without limits. */
  plan: PlanName | QuotaPlan | null;
  log: (line: string) => void;
}

export interface EmulatorContext {
  config: EmulatorConfig;
  clock: EmulatorClock;
  store: Store;
  faults: Faults;
  quotas: Quotas;
  /** The emulator's own base URL, e.g. http://127.0.0.1:8787 (known once listening). */
  baseUrl(): string;
}

/** An error reported to the SDK in CloudBase's shape: { code, message }. */
export class EmulatorError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** HTTP status for the non-SDK routes (control API, /wx/callFunction). */
    readonly status = 200,
  ) {
    super(message);
  }
}

/** A non-JSON response for an SDK action (wx.openApi answers with a protobuf buffer). */
export class RawResponse {
  constructor(
    readonly body: Buffer,
    readonly contentType: string,
  ) {}
}

/** Parameters of one SDK request: JSON fields, or multipart fields (strings) and files (Buffers). */
export type ActionParams = Record<string, unknown>;

export type ActionHandler = (params: ActionParams, req: IncomingMessage) => Promise<unknown> | unknown;

export interface Route {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE' | 'OPTIONS';
  /** Matched against the path: exact string or a prefix ending in '/'. */
  path: string;
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> | void;
}

/** One feature area of the emulator (database, storage, open API, functions). */
export interface EmulatorModule {
  name: string;
  actions?: Record<string, ActionHandler>;
  routes?: Route[];
  /** POST /__emulator/reset: drop all state. */
  reset?(): void | Promise<void>;
  /** Snapshot for GET /__emulator/health. */
  health?(): Record<string, unknown>;
  close?(): void | Promise<void>;
}

export type ModuleFactory = (ctx: EmulatorContext) => EmulatorModule;
