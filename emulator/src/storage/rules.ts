// CloudBase's cloud-storage security rule (云存储安全规则): one `{ read, write }` for the bucket, each a
// boolean or an expression over `auth` (the calling user, null when not signed in) and `resource`
// (the file: `resource.openid` is its uploader). It binds only the mini-program's own calls; cloud
// functions act as admin and are never checked.
//
// The evaluator understands the expressions CloudBase's documentation uses and nothing more: boolean
// literals, `==` / `!=` between the operands below, `&&`, `||`, `!` and parentheses. Anything else is
// refused when the rule file loads, so a rule the emulator would misread cannot pass silently. (No
// library in package.json fits: mingo takes MongoDB queries, not this syntax, and acorn would parse
// all of JavaScript only for us to refuse nearly all of it; the grammar is a few dozen lines.)
import fs from 'node:fs';

/** The calling user as a rule sees it. */
export interface RuleAuth {
  openid: string;
  uid: string;
  loginType: string;
}

/** What a rule is evaluated against. */
export interface RuleContext {
  auth: RuleAuth | null;
  /** The file; `openid` is null for a file a cloud function uploaded. */
  resource: { openid: string | null };
}

export type RuleAction = 'read' | 'write';

/** A loaded rule: each action's source, for messages, and its compiled check. */
export interface StorageRules {
  source: Record<RuleAction, boolean | string>;
  allows(action: RuleAction, context: RuleContext): boolean;
}

/** CloudBase's basic permission when no rule is set: 所有用户可读，仅创建者可写. */
export const DEFAULT_STORAGE_RULE: Record<RuleAction, boolean | string> = { read: true, write: 'resource.openid == auth.openid' };

/** The keys a rule file may hold; `$comment` is the file's own note and ignored. */
const COMMENT_KEY = '$comment';
const ACTIONS: readonly RuleAction[] = ['read', 'write'];
/** The loginType of a mini-program user signed in through WeChat. */
const WECHAT_LOGIN_TYPE = 'WECHAT-OPEN';

/** The operands a rule may compare, each read from the context. */
const OPERANDS: Record<string, (context: RuleContext) => Value> = {
  auth: (c) => c.auth,
  'auth.openid': (c) => fieldOfAuth(c, 'openid'),
  'auth.uid': (c) => fieldOfAuth(c, 'uid'),
  'auth.loginType': (c) => fieldOfAuth(c, 'loginType'),
  'resource.openid': (c) => c.resource.openid,
};

const SUPPORTED =
  'the emulator supports true, false, and == / != between auth, auth.openid, auth.uid, auth.loginType, resource.openid, null, true, false ' +
  'and quoted strings, combined with &&, ||, ! and parentheses';

type Value = string | boolean | null | RuleAuth;
type Condition = (context: RuleContext) => boolean;
type Operand = (context: RuleContext) => Value;

/** Reading a field of a missing `auth` fails the evaluation, and a failed evaluation denies. */
class MissingAuth extends Error {}

function fieldOfAuth(context: RuleContext, field: keyof RuleAuth): string {
  if (context.auth === null) throw new MissingAuth();
  return context.auth[field];
}

type Token = { kind: 'punct'; text: string; at: number } | { kind: 'word'; text: string; at: number } | { kind: 'string'; value: string; at: number };

/** Operators and brackets, longest first so that `!=` is not read as `!` then `=`. */
const PUNCTUATION = ['&&', '||', '==', '!=', '!', '(', ')'];
const WORD = /[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*/y;
const WHITESPACE = /\s/;
const QUOTES = ['"', "'"];
const ESCAPE = '\\';

class RuleSyntaxError extends Error {}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i] ?? '';
    if (WHITESPACE.test(ch)) {
      i += 1;
      continue;
    }
    const punct = PUNCTUATION.find((p) => source.startsWith(p, i));
    if (punct !== undefined) {
      tokens.push({ kind: 'punct', text: punct, at: i });
      i += punct.length;
      continue;
    }
    if (QUOTES.includes(ch)) {
      const start = i;
      let value = '';
      i += 1;
      while (i < source.length && source[i] !== ch) {
        // A backslash keeps the next character as it is (so a string can hold its own quote).
        if (source[i] === ESCAPE) i += 1;
        value += source[i] ?? '';
        i += 1;
      }
      if (i >= source.length) throw new RuleSyntaxError(`unterminated string at position ${start}`);
      i += 1;
      tokens.push({ kind: 'string', value, at: start });
      continue;
    }
    WORD.lastIndex = i;
    const word = WORD.exec(source);
    if (word === null) throw new RuleSyntaxError(`unexpected ${JSON.stringify(ch)} at position ${i}`);
    tokens.push({ kind: 'word', text: word[0], at: i });
    i += word[0].length;
  }
  return tokens;
}

/**
 * Compiles one expression. Grammar (lowest precedence first, as in JavaScript):
 *   or := and ('||' and)* ; and := not ('&&' not)* ; not := '!' not | '(' or ')' | comparison
 *   comparison := operand (('==' | '!=') operand)?   (a lone operand must be true or false)
 */
function compileExpression(source: string): Condition {
  const tokens = tokenize(source);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isPunct = (text: string): boolean => {
    const t = peek();
    return t?.kind === 'punct' && t.text === text;
  };
  const describe = (t: Token | undefined): string =>
    t === undefined ? 'the end' : `${t.kind === 'string' ? JSON.stringify(t.value) : JSON.stringify(t.text)} at position ${t.at}`;

  function or(): Condition {
    let left = and();
    while (isPunct('||')) {
      pos += 1;
      const a = left;
      const b = and();
      left = (c) => a(c) || b(c);
    }
    return left;
  }
  function and(): Condition {
    let left = not();
    while (isPunct('&&')) {
      pos += 1;
      const a = left;
      const b = not();
      left = (c) => a(c) && b(c);
    }
    return left;
  }
  function not(): Condition {
    if (isPunct('!')) {
      pos += 1;
      const inner = not();
      return (c) => !inner(c);
    }
    if (isPunct('(')) {
      pos += 1;
      const inner = or();
      if (!isPunct(')')) throw new RuleSyntaxError(`expected ")" but found ${describe(peek())}`);
      pos += 1;
      return inner;
    }
    return comparison();
  }
  function comparison(): Condition {
    const start = peek();
    const left = operand();
    if (isPunct('==') || isPunct('!=')) {
      const negate = isPunct('!=');
      pos += 1;
      const right = operand();
      return negate ? (c) => left(c) !== right(c) : (c) => left(c) === right(c);
    }
    // Only a boolean literal stands alone: `auth.openid` by itself would need truthiness rules we do not guess.
    if (start?.kind === 'word' && (start.text === 'true' || start.text === 'false')) {
      const literal = start.text === 'true';
      return () => literal;
    }
    throw new RuleSyntaxError(`expected == or != after ${describe(start)}`);
  }
  function operand(): Operand {
    const t = peek();
    pos += 1;
    if (t?.kind === 'string') return () => t.value;
    if (t?.kind === 'word') {
      if (t.text === 'true') return () => true;
      if (t.text === 'false') return () => false;
      if (t.text === 'null') return () => null;
      const read = OPERANDS[t.text];
      if (read !== undefined) return read;
      throw new RuleSyntaxError(`unknown name ${describe(t)}`);
    }
    throw new RuleSyntaxError(`expected an operand but found ${describe(t)}`);
  }

  const condition = or();
  if (pos < tokens.length) throw new RuleSyntaxError(`unexpected ${describe(peek())}`);
  return (context) => {
    try {
      return condition(context);
    } catch (err) {
      if (err instanceof MissingAuth) return false;
      throw err;
    }
  };
}

/** Checks and compiles a rule object; `where` names it in error messages (the file). */
export function compileStorageRules(raw: unknown, where: string): StorageRules {
  const bad = (why: string): Error => new Error(`${where}: ${why}`);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('expected an object { "read": ..., "write": ... }');
  const entries = raw as Record<string, unknown>;
  const unknown = Object.keys(entries).filter((key) => key !== COMMENT_KEY && !ACTIONS.includes(key as RuleAction));
  if (unknown.length > 0)
    throw bad(`unknown key ${unknown.map((k) => JSON.stringify(k)).join(', ')} (a storage rule has only "read" and "write", and "${COMMENT_KEY}")`);
  const source = {} as Record<RuleAction, boolean | string>;
  const checks = {} as Record<RuleAction, Condition>;
  for (const action of ACTIONS) {
    const value = entries[action];
    if (typeof value === 'boolean') {
      checks[action] = () => value;
    } else if (typeof value === 'string') {
      try {
        checks[action] = compileExpression(value);
      } catch (err) {
        if (!(err instanceof RuleSyntaxError)) throw err;
        throw bad(`"${action}": cannot read ${JSON.stringify(value)}: ${err.message}; ${SUPPORTED}`);
      }
    } else {
      throw bad(`"${action}" must be true, false or an expression string${value === undefined ? ' (it is missing)' : ''}`);
    }
    source[action] = value;
  }
  return { source, allows: (action, context) => checks[action](context) };
}

/** The rule file, or CloudBase's default permission when there is none. */
export function loadStorageRules(file: string | null): StorageRules {
  if (file === null) return compileStorageRules(DEFAULT_STORAGE_RULE, 'the default storage rule');
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: cannot read the storage rule: ${err instanceof Error ? err.message : String(err)}`);
  }
  return compileStorageRules(raw, file);
}

/** `auth` for a mini-program user: signed in through WeChat, the uid being the openid. */
export function clientAuth(openid: string): RuleAuth {
  return { openid, uid: openid, loginType: WECHAT_LOGIN_TYPE };
}
