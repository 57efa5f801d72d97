// The one switch that picks the backend: the local CloudBase emulator during development, the real
// cloud otherwise. Edit these values for your machine; nothing else reads the environment.

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
  /** Subscribe-message templates a resident is asked for when sending a request (one prompt asks for SUBSCRIBE_TEMPLATES_MAX at most). */
  requestTemplateIds: string[];
}

export const APP_CONFIG: AppConfig = {
  backend: 'auto',
  emulatorUrl: 'http://127.0.0.1:8787',
  devOpenid: 'o-dev-resident',
  cloudEnv: '',
  // The backend's requestUpdated template (TEMPLATE_REQUEST_UPDATED, its default in the emulator);
  // set it to the account's template id chosen in the WeChat console.
  requestTemplateIds: ['tmpl-request-updated'],
};
