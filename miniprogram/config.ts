// The one switch that picks the backend: the local CloudBase emulator during development, the real
// cloud otherwise, and the deployment's subscribe-message templates. Edit these values for your
// machine or deployment; nothing else reads the environment.
import { DEFAULT_TEMPLATE_IDS, type TemplateKey } from './generated/subscriptions';

/** Which transport services/api.ts uses. 'auto' follows the mini-program's envVersion. */
type BackendChoice = 'auto' | 'emulator' | 'cloud';

export interface AppConfig {
  backend: BackendChoice;
  /** Base URL of `npm start` (emulator/); the DevTools must allow it (urlCheck off in develop). */
  emulatorUrl: string;
  /** The openid the emulator treats as the caller (sent as X-WX-OPENID) in develop mode. */
  devOpenid: string;
  /** CloudBase environment id for wx.cloud.init; DYNAMIC_CURRENT_ENV when empty. */
  cloudEnv: string;
  /**
   * The account's subscribe-message template ids (chosen in the WeChat console), by what each says;
   * the backend's TEMPLATE_* function variables must name the same ones. Who is asked for which is
   * core's (generated/subscriptions.js).
   */
  templateIds: Readonly<Record<TemplateKey, string>>;
  /**
   * True for a government-affairs (政务民生) account with long-term subscriptions (长期订阅), as the
   * backend's LONG_TERM_SUBSCRIPTIONS: one consent serves every later message, so a template the
   * person accepted is not asked for again.
   */
  longTermSubscriptions: boolean;
}

export const APP_CONFIG: AppConfig = {
  backend: 'auto',
  emulatorUrl: 'http://127.0.0.1:8787',
  devOpenid: 'o-dev-resident',
  cloudEnv: '',
  // The emulator's ids; a deployment names its own, e.g. Object.assign({}, DEFAULT_TEMPLATE_IDS, { requestAssigned: 'AbC…' })
  // (no object spread in this root file: the DevTools compile would require a babel helper it does not ship beside it).
  templateIds: DEFAULT_TEMPLATE_IDS,
  longTermSubscriptions: false,
};
