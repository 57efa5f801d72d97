// The CSS a phone's WebView puts in a page: wcsc's output for app.wxss, the page's WXSS and every
// component the page reaches, run through wcsc's own runtime (its rpx conversion for the screen's width,
// its class prefixes) in a sandbox standing in for the WebView's window.
import vm from 'node:vm';
import { COMMON_STYLE_RUNTIME, resolveComponent, styleModules } from './miniprogram-platform';

/** The screen the runtime converts rpx for (750 rpx is the screen's width). */
export interface Screen {
  width: number;
  height: number;
  pixelRatio: number;
}

/** wcsc's runtime rounds a sub-pixel hairline up to 1 px except on an iPhone; say we are not one. */
const WEBVIEW_USER_AGENT = 'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/150.0 Mobile Safari/537.36 MicroMessenger/8.0.50';

type Rewriter = (classPrefix: string) => void;

export interface PageStyles {
  /** app.wxss and the page's own WXSS with the page's class prefix, then each component's with its tag's. */
  cssOf(page: string, pageClassPrefix: string): string;
}

export function loadPageStyles(dir: string, files: Map<string, string>, screen: Screen): PageStyles {
  const modules = styleModules(dir, files);
  let written = '';
  // The runtime hands finished CSS to the WebView's style-sheet manager when there is one.
  const styleSheetManager = {
    addItem: (): void => undefined,
    setCss: (_key: string, css: string): void => {
      written = css;
    },
  };
  const window = {
    screen: { width: screen.width, height: screen.height },
    devicePixelRatio: screen.pixelRatio,
    __styleSheetManager2__: styleSheetManager,
    __rpxRecalculatingFuncs__: [],
  };
  const sandbox = vm.createContext({ window, navigator: { userAgent: WEBVIEW_USER_AGENT }, console });
  vm.runInContext(modules.get(COMMON_STYLE_RUNTIME) ?? '', sandbox);
  const cssOfFile = (file: string, classPrefix: string): string => {
    const code = modules.get(file);
    if (code === undefined) return '';
    written = '';
    (vm.runInContext(code, sandbox) as Rewriter)(classPrefix);
    return `/* ${file} */\n${written}`;
  };
  return {
    cssOf(page, pageClassPrefix) {
      const sheets = [cssOfFile('app.wxss', pageClassPrefix), cssOfFile(`${page}.wxss`, pageClassPrefix)];
      for (const { component, tag } of componentsOf(page, files)) sheets.push(cssOfFile(`${component}.wxss`, `${tag}--`));
      return sheets.join('\n');
    },
  };
}

/**
 * Every component a page reaches through usingComponents, each with the tag it was first registered
 * under (a component's classes carry that tag as their prefix).
 */
function componentsOf(page: string, files: Map<string, string>): { component: string; tag: string }[] {
  const exists = (file: string): boolean => files.has(file);
  const seen = new Map<string, string>();
  const visit = (base: string): void => {
    const json = JSON.parse(files.get(`${base}.json`) ?? '{}') as { usingComponents?: Record<string, string> };
    for (const [tag, spec] of Object.entries(json.usingComponents ?? {})) {
      const target = resolveComponent(`${base}.json`, spec, exists);
      if (target === null || seen.has(target)) continue;
      seen.set(target, tag);
      visit(target);
    }
  };
  visit(page);
  return [...seen].map(([component, tag]) => ({ component, tag }));
}
