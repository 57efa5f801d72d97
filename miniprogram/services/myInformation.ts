// 我的信息 (PIPL): what is held about the resident, their corrections and leaving the grid. The
// backend answers only about the caller; the phone adds nothing but forgetting its own copy of the
// membership once the resident has left.
import type { UpdateMyInformationInput } from '../../core/src/schemas';
import { forgetMembership } from '../utils/membership';
import { call, type ApiResult } from './api';
import type { FunctionOutputs } from './outputs';

export type MyInformation = FunctionOutputs['getMyInformation'];
export type MyHouseholdDetails = NonNullable<NonNullable<MyInformation['household']>['details']>;

/** What the backend sent, with anything missing (an older backend) read as nothing held. */
function toMyInformation(raw: Partial<MyInformation> | null | undefined): MyInformation {
  return {
    membership: raw?.membership ?? null,
    household: raw?.household ?? null,
    requestCount: typeof raw?.requestCount === 'number' ? raw.requestCount : 0,
  };
}

export async function loadMyInformation(): Promise<ApiResult<MyInformation>> {
  const result = await call('getMyInformation', {});
  return result.ok ? { ...result, data: toMyInformation(result.data) } : result;
}

export function correctMyInformation(correction: UpdateMyInformationInput): Promise<ApiResult<FunctionOutputs['updateMyInformation']>> {
  return call('updateMyInformation', correction);
}

export async function leaveMyGrid(): Promise<ApiResult<FunctionOutputs['leaveGrid']>> {
  const result = await call('leaveGrid', {});
  if (result.ok) forgetMembership();
  return result;
}
