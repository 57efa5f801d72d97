// App entry: initialise wx.cloud once (the service layer picks cloud or emulator per call).
import { APP_CONFIG } from './config';

App({
  globalData: {},
  onLaunch() {
    if (wx.cloud === undefined) return;
    wx.cloud.init(APP_CONFIG.cloudEnv === '' ? { traceUser: true } : { env: APP_CONFIG.cloudEnv, traceUser: true });
  },
});
