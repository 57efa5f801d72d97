// Content safety: every text a user publishes (request text, notice body) passes WeChat's
// security.msgSecCheck (version 2) before it is stored.
import { fail, ok, type Result } from '../../core/src/errors';
import type { WxCloud } from './cloud';

/** msgSecCheck v2 scenes: 1 资料, 2 评论, 3 论坛, 4 社交日志. A request or notice is a forum-like post. */
const MSG_SEC_CHECK_SCENE_POST = 3;
const MSG_SEC_CHECK_VERSION = 2;

interface MsgSecCheckResult {
  errCode?: number;
  result?: { suggest?: string; label?: number };
}

/** Passes unless WeChat says the text is risky or needs review. One open-API call, no database trip. */
export async function checkContent(cloud: WxCloud, openid: string, content: string): Promise<Result<void>> {
  const res = (await cloud.openapi.security.msgSecCheck({
    openid,
    scene: MSG_SEC_CHECK_SCENE_POST,
    version: MSG_SEC_CHECK_VERSION,
    content,
  })) as MsgSecCheckResult;
  const suggest = res.result?.suggest;
  if (suggest === 'pass') return ok(undefined);
  return fail('CONTENT.RISKY', undefined, { suggest, label: res.result?.label });
}
