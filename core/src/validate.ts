// The shape shared by the cloud functions and the client, which both run ajv standalone code that
// scripts/build-validators.ts precompiles from core/src/schemas (backend/generated/ and
// miniprogram/generated/; nothing compiles a schema at run time): a validator function with ajv's
// `errors`, turned into a Result with INPUT.INVALID and a plain Chinese message. Structural types,
// so the core does not import ajv itself.

import { fail, ok, type Result } from './errors';

/** The part of ajv's ErrorObject we use. */
interface SchemaError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

/** An ajv ValidateFunction, standalone (or compiled, as the tests compare). */
export interface InputValidator<T> {
  (data: unknown): data is T;
  errors?: SchemaError[] | null;
}

/**
 * Options both sides' validators are generated with: all errors (so the client can mark every bad
 * field), strict schemas, no coercion and no defaults (a validator never changes its input).
 */
export const AJV_OPTIONS = {
  allErrors: true,
  strict: true,
  strictTypes: true,
  strictTuples: true,
  strictRequired: true,
  coerceTypes: false,
  useDefaults: false,
  removeAdditional: false,
} as const;

interface FieldProblem {
  /** JSON pointer to the field, e.g. '/text' or '/location/latitude'; '' for the whole input. */
  path: string;
  message: string;
}

/** A plain Chinese sentence for one schema error. */
function describeSchemaError(error: SchemaError): FieldProblem {
  const p = error.params;
  let message: string;
  switch (error.keyword) {
    case 'required':
      return { path: `${error.instancePath}/${String(p.missingProperty)}`, message: '必填' };
    case 'additionalProperties':
      return { path: `${error.instancePath}/${String(p.additionalProperty)}`, message: '不认识的字段' };
    case 'maxLength':
      message = `最多 ${String(p.limit)} 字`;
      break;
    case 'minLength':
      message = '不能为空';
      break;
    case 'maxItems':
      message = `最多 ${String(p.limit)} 项`;
      break;
    case 'minItems':
      message = `至少 ${String(p.limit)} 项`;
      break;
    case 'enum':
    case 'const':
      message = '不是可选的值';
      break;
    case 'minimum':
    case 'maximum':
      message = '超出允许的范围';
      break;
    case 'type':
      message = '类型不对';
      break;
    case 'pattern':
      message = '格式不对';
      break;
    case 'uniqueItems':
      message = '有重复项';
      break;
    default:
      message = '不符合要求';
  }
  return { path: error.instancePath, message };
}

/** Run a validator; on failure, INPUT.INVALID with one problem per field in `details`. */
export function validateInput<T>(validator: InputValidator<T>, data: unknown): Result<T> {
  if (validator(data)) return ok(data);
  const problems = (validator.errors ?? []).map(describeSchemaError);
  return fail('INPUT.INVALID', undefined, { problems });
}
