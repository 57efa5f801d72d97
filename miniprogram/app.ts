// App entry: initialise wx.cloud once (services/cloud.ts; the service layer picks cloud or emulator per call).
import { initCloud } from './services/cloud';

App({
  globalData: {},
  onLaunch() {
    initCloud();
  },
});
