// Use case: the user accepted subscribe-message templates (wx.requestSubscribeMessage); each accepted
// template is one more one-time authorisation we may spend on a send.
// Round trips: one per template (an increment, or a create the first time), in parallel.
import { fail, ok, type Result } from '../../../core/src/errors';
import type { FunctionInputs } from '../../../core/src/schemas';
import type { CallContext } from '../handler';
import { addAuthorisations, TEMPLATE_IDS } from '../notify';

const KNOWN_TEMPLATE_IDS: readonly string[] = Object.values(TEMPLATE_IDS);

export interface RecordSubscriptionOutput {
  recorded: string[];
}

export async function recordSubscription(input: FunctionInputs['recordSubscription'], ctx: CallContext): Promise<Result<RecordSubscriptionOutput>> {
  const unknown = input.acceptedTemplateIds.filter((id) => !KNOWN_TEMPLATE_IDS.includes(id));
  if (unknown.length > 0) return fail('INPUT.INVALID', '未知的订阅消息模板', { unknown });
  await addAuthorisations(ctx.db, ctx.openid, input.acceptedTemplateIds, ctx.now);
  return ok({ recorded: input.acceptedTemplateIds });
}
