// Use case: the user accepted subscribe-message templates (wx.requestSubscribeMessage); each accepted
// template is one more one-time authorisation we may spend on a send. The grant is recorded first
// under the client's grantId, so a retried call counts it once; a crash between the two steps loses
// that grant's authorisations rather than inventing any (the dashboard shows who has none left).
// Round trips: the grant insert (1), then one per template (an increment, or a create), in parallel.
import { fail, ok, type Result } from '../../../core/src/errors';
import type { FunctionInputs, RecordSubscriptionOutput } from '../../../core/src/schemas';
import { COLLECTIONS } from '../collections';
import { insertOnce } from '../db';
import type { CallContext } from '../handler';
import { addAuthorisations, subscriptionGrantId, TEMPLATE_IDS } from '../notify';

const KNOWN_TEMPLATE_IDS: readonly string[] = Object.values(TEMPLATE_IDS);

export async function recordSubscription(input: FunctionInputs['recordSubscription'], ctx: CallContext): Promise<Result<RecordSubscriptionOutput>> {
  const unknown = input.acceptedTemplateIds.filter((id) => !KNOWN_TEMPLATE_IDS.includes(id));
  if (unknown.length > 0) return fail('INPUT.INVALID', '未知的订阅消息模板', { unknown });
  const grant = { _id: subscriptionGrantId(ctx.openid, input.grantId), userId: ctx.openid, templateIds: input.acceptedTemplateIds, at: ctx.now };
  if (!(await insertOnce(ctx.db, COLLECTIONS.subscriptionGrants, grant))) return ok({ recorded: input.acceptedTemplateIds, duplicate: true });
  await addAuthorisations(ctx.db, ctx.openid, input.acceptedTemplateIds, ctx.now);
  return ok({ recorded: input.acceptedTemplateIds, duplicate: false });
}
