// One function instance, like an SCF container: forked by the emulator's function host with the
// function's entry file as argv[2]. It runs one invocation at a time: for each it sets the caller's
// WX_* variables, moves Date to the emulator clock, calls exports.main(event, context) and reports.
'use strict';

const entry = process.argv[2];

/** Per-invocation variables; all are removed before the next invocation so no caller leaks into it. */
const INVOCATION_KEYS = ['WX_OPENID', 'WX_APPID', 'WX_UNIONID', 'WX_SOURCE', 'WX_CLIENTIP', 'WX_API_TOKEN', 'WX_TRIGGER_API_TOKEN_V0', 'TRIGGER_SRC'];

// Date follows the emulator clock: an offset from real time, reset at each invocation so that the
// function sees emulator time moving at real speed from the instant it was invoked.
const RealDate = Date;
let offsetMs = 0;
function EmulatedDate(...args) {
  if (!new.target) return new RealDate(RealDate.now() + offsetMs).toString();
  const d = args.length === 0 ? new RealDate(RealDate.now() + offsetMs) : new RealDate(...args);
  // Keeps `class X extends Date` working: the instance takes the subclass prototype.
  if (new.target !== EmulatedDate) Object.setPrototypeOf(d, new.target.prototype);
  return d;
}
EmulatedDate.prototype = RealDate.prototype;
EmulatedDate.now = () => RealDate.now() + offsetMs;
EmulatedDate.parse = RealDate.parse;
EmulatedDate.UTC = RealDate.UTC;
globalThis.Date = EmulatedDate;

let fn; // the function's module, loaded on the first invocation (a cold start)
let current; // id of the invocation in flight

function send(msg, then) {
  if (process.connected) process.send(msg, then);
  else if (then) then();
}

function describe(err) {
  if (err instanceof Error) return { message: err.stack || `${err.name}: ${err.message}` };
  try {
    return { message: typeof err === 'string' ? err : JSON.stringify(err) };
  } catch {
    return { message: String(err) };
  }
}

function callMain(main, event, context) {
  return new Promise((resolve, reject) => {
    // SCF accepts async handlers and callback-style handlers (event, context, callback).
    const callback = (err, value) => (err ? reject(err) : resolve(value));
    const returned = main(event, context, callback);
    if (returned && typeof returned.then === 'function') returned.then(resolve, reject);
    else if (main.length < 3) resolve(returned);
  });
}

async function invoke(msg) {
  current = msg.id;
  for (const key of INVOCATION_KEYS) delete process.env[key];
  Object.assign(process.env, msg.env);
  offsetMs = msg.nowMs - RealDate.now();
  try {
    if (!fn) fn = require(entry);
    if (typeof fn.main !== 'function') throw new Error(`${entry} does not export a main function`);
    // The time limit runs from here: like SCF, a cold start's module loading is not execution time.
    send({ type: 'started', id: msg.id });
    const value = await callMain(fn.main, msg.event, msg.context);
    const json = JSON.stringify(value === undefined ? null : value);
    send({ type: 'result', id: msg.id, ok: true, json });
  } catch (err) {
    send({ type: 'result', id: msg.id, ok: false, error: describe(err) });
  } finally {
    current = undefined;
  }
}

process.on('message', (msg) => {
  if (msg && msg.type === 'invoke') void invoke(msg);
});

// A crash ends the instance like in SCF: report it against the invocation in flight, then exit so the
// host starts a fresh instance.
function crash(err) {
  const report = { type: 'crash', id: current, error: describe(err) };
  send(report, () => process.exit(1));
}
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);
process.on('disconnect', () => process.exit(0));
