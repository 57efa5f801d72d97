// The deployed bundles validate with precompiled standalone code (backend/generated/validators.js), not
// by compiling the schema at their first call as they once did: through the emulator, every function
// refuses bad input with exactly the reply the compiled schema gives (INPUT.INVALID, the same message,
// the same field problems), and submitRequest names each bad field in Chinese.
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { FUNCTION_NAMES, INPUT_SCHEMAS } from '../../core/src/schemas';
import { AJV_OPTIONS, validateInput, type InputValidator } from '../../core/src/validate';
import { useTestBackend, type TestBackend } from '../helpers/backend';

let backend: TestBackend;
useTestBackend((started) => {
  backend = started;
});

/** Every schema forbids unknown fields, and most require some: each function refuses this. */
const UNKNOWN_FIELD_ONLY = { unexpectedField: true };

/** The reply a function gave when it compiled its schema with ajv at its first call. */
function compiledReply(name: (typeof FUNCTION_NAMES)[number], input: unknown): unknown {
  const validator = new Ajv(AJV_OPTIONS).compile(INPUT_SCHEMAS[name]) as unknown as InputValidator<unknown>;
  return JSON.parse(JSON.stringify(validateInput(validator, input)));
}

const resident = (): string => backend.street.people.grids[0]!.residents[0]!.openid;

describe('input validation in the deployed functions', () => {
  it('answers submitRequest’s bad fields one by one, in Chinese', async () => {
    const reply = await backend.call('submitRequest', { category: 'supplies', text: '字'.repeat(501), extra: true }, resident());
    expect(reply).toMatchObject({ ok: false, code: 'INPUT.INVALID', message: '填写的内容有误，请检查后再试' });
    expect((reply as { details?: { problems?: unknown[] } }).details?.problems).toEqual(
      expect.arrayContaining([
        { path: '/idempotencyKey', message: '必填' },
        { path: '/extra', message: '不认识的字段' },
        { path: '/text', message: '最多 500 字' },
      ]),
    );
  });

  it.each(FUNCTION_NAMES)('%s refuses an unknown field exactly as its compiled schema does', async (name) => {
    const reply = await backend.call(name, UNKNOWN_FIELD_ONLY, resident());
    expect(reply).toMatchObject({ ok: false, code: 'INPUT.INVALID' });
    expect(reply).toEqual(compiledReply(name, UNKNOWN_FIELD_ONLY));
  });
});
