// Type tests for the typed call wrapper, the way api-typings tests its types with tsd: they fail at
// `npm run typecheck` (tsc over tests/) and their runtime parts fail under vitest.
import { describe, expectTypeOf, it } from 'vitest';
import type { FunctionInputs } from '../../core/src/schemas';
import type { ApiResult, call } from '../../miniprogram/services/api';
import type { FunctionOutputs, OutputOf } from '../../miniprogram/services/outputs';
import type { ApiErrorCode } from '../../miniprogram/utils/errors';

type Call = typeof call;

describe('call() types', () => {
  it('takes exactly the schema-derived input for the named function', () => {
    expectTypeOf<Parameters<typeof call<'submitRequest'>>[1]>().toEqualTypeOf<FunctionInputs['submitRequest']>();
    expectTypeOf<Parameters<typeof call<'joinGrid'>>[1]>().toEqualTypeOf<FunctionInputs['joinGrid']>();
    expectTypeOf<FunctionInputs['confirmRequest']>().toHaveProperty('rating').toEqualTypeOf<number>();
  });

  it('rejects a wrong function name or input shape at compile time', () => {
    const typeOnly = (fn: Call): void => {
      // @ts-expect-error not a cloud function
      void fn('dropDatabase', {});
      // @ts-expect-error text is required
      void fn('submitRequest', { category: 'repairs', idempotencyKey: 'k0000001' });
      // @ts-expect-error category must be one of the schema's enum
      void fn('submitRequest', { category: 'weather', text: 'x', idempotencyKey: 'k0000001' });
      // @ts-expect-error the wrong function's input
      void fn('getRequest', { noticeId: 'n1' });
    };
    expectTypeOf(typeOnly).toBeFunction();
  });

  it('returns a result whose data type follows the function, unknown where the backend is unwritten', () => {
    expectTypeOf<Awaited<ReturnType<typeof call<'listNotices'>>>>().toEqualTypeOf<ApiResult<FunctionOutputs['listNotices']>>();
    expectTypeOf<OutputOf<'getReport'>>().toBeUnknown();
    expectTypeOf<Extract<Awaited<ReturnType<typeof call<'getReport'>>>, { ok: false }>['code']>().toEqualTypeOf<ApiErrorCode>();
  });
});
