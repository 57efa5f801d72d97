// Type tests for the typed call wrapper, the way api-typings tests its types with tsd: they fail at
// `npm run typecheck` (tsc over tests/) and their runtime parts fail under vitest.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { FunctionInputs, GetRequestOutput, JoinResult, NoticePage, Page, ReportView, RequestSummary, RequestView } from '../../core/src/schemas';
import type { ApiResult, call } from '../../miniprogram/services/api';
import type { FunctionOutputs, OutputOf } from '../../miniprogram/services/outputs';
import type { ApiErrorCode } from '../../miniprogram/utils/errors';
import { MINIPROGRAM_ROOT } from './harness';

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

  it('returns a result whose data type follows the function', () => {
    expectTypeOf<Awaited<ReturnType<typeof call<'listNotices'>>>>().toEqualTypeOf<ApiResult<FunctionOutputs['listNotices']>>();
    expectTypeOf<OutputOf<'getReport'>>().toEqualTypeOf<ReportView>();
    expectTypeOf<Extract<Awaited<ReturnType<typeof call<'getReport'>>>, { ok: false }>['code']>().toEqualTypeOf<ApiErrorCode>();
  });
});

describe('outputs follow the contracts', () => {
  it("types each function's data with the reply core/src/schemas declares", () => {
    expectTypeOf<OutputOf<'joinGrid'>>().toEqualTypeOf<JoinResult>();
    expectTypeOf<OutputOf<'submitRequest'>['request']>().toEqualTypeOf<RequestView>();
    expectTypeOf<OutputOf<'submitRequest'>['duplicate']>().toEqualTypeOf<boolean>();
    expectTypeOf<OutputOf<'listMyRequests'>>().toEqualTypeOf<Page<RequestSummary>>();
    expectTypeOf<OutputOf<'getRequest'>>().toEqualTypeOf<GetRequestOutput>();
    expectTypeOf<OutputOf<'listNotices'>>().toEqualTypeOf<NoticePage>();
    expectTypeOf<OutputOf<'resolveGroupGrid'>>().toHaveProperty('scene').toEqualTypeOf<string>();
    expectTypeOf<OutputOf<'listInbox'>>().toHaveProperty('view');
  });

  // The mini-program's type check loads no Node declarations; this also catches a Node global in
  // code the type check does not see the way the phone runs it.
  it('no mini-program source uses a Node global or module', () => {
    const NODE_ONLY = /\bprocess\.|\bBuffer\b|\b__dirname\b|\brequire\(|from ['"]node:|\bsetImmediate\(/;
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          if (entry.name !== 'miniprogram_npm' && entry.name !== 'node_modules' && entry.name !== 'generated') walk(full);
        } else if (/\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
          const code = fs.readFileSync(full, 'utf8').replace(/^\s*(\/\/|\*|\/\*).*$/gm, '');
          if (NODE_ONLY.test(code)) offenders.push(path.relative(MINIPROGRAM_ROOT, full));
        }
      }
    };
    walk(MINIPROGRAM_ROOT);
    expect(offenders).toEqual([]);
  });
});
