// What CloudBase refuses at the entry of a cloud function call, checked before any instance is used:
// an event too large, or nested too deeply to be passed to an instance.
import { failure, INVALID_PARAM, type InvokeFailure } from './errors';

const MIB = 1024 * 1024;

/**
 * The largest event of a synchronous call: SCF's 同步请求事件大小 6MB
 * (https://cloud.tencent.com/document/product/583/11637, "Event ... Maximum parameter size is 6 MB" at
 * https://tencentcloud.com/jp/document/api/583/41408), the request body limit CloudBase applies to a
 * cloud function call (https://docs.cloudbase.net/en/error-code/service/EXCEED_MAX_PAYLOAD_SIZE; its
 * 100KB figure is for text-typed bodies; callFunction sends JSON).
 */
export const MAX_EVENT_BYTES = 6 * MIB;

/**
 * The deepest nesting of objects and arrays an event may have. CloudBase documents none, but the
 * instance gets the event through child_process IPC, which serialises with JSON.stringify: that recurses
 * and overflows the stack at a few thousand levels (fewer when called deep in a stack), and code in
 * the instance (wx-server-sdk, the function) recurses too. 256 is far above any real payload and far
 * below where that breaks.
 */
export const MAX_EVENT_DEPTH = 256;

/** The parameter error for a body or event over MAX_EVENT_BYTES. */
export function tooLarge(what: string, bytes: number): InvokeFailure {
  return failure(
    INVALID_PARAM,
    `${what} too large: ${bytes} bytes, more than the ${MAX_EVENT_BYTES} bytes (${MAX_EVENT_BYTES / MIB} MB) a synchronous cloud function call accepts`,
  );
}

/** Why CloudBase would refuse to pass `event` to a function, or undefined if it would pass it. */
export function eventRefusal(event: unknown): InvokeFailure | undefined {
  // Depth first: serialising an event nested too deeply is what overflows the stack.
  if (nestsDeeperThan(event, MAX_EVENT_DEPTH)) {
    return failure(INVALID_PARAM, `event nested too deeply: more than ${MAX_EVENT_DEPTH} levels of objects and arrays`);
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(event);
  } catch (err) {
    return failure(INVALID_PARAM, `event is not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const bytes = json === undefined ? 0 : Buffer.byteLength(json);
  return bytes > MAX_EVENT_BYTES ? tooLarge('event', bytes) : undefined;
}

/** Walked with an explicit stack: a recursive walk would overflow on the very events it must refuse. */
function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  const containers: object[] = [];
  const depths: number[] = [];
  if (value !== null && typeof value === 'object') {
    containers.push(value);
    depths.push(1);
  }
  while (containers.length > 0) {
    const container = containers.pop() as object;
    const depth = depths.pop() as number;
    if (depth > maxDepth) return true;
    for (const child of Array.isArray(container) ? container : Object.values(container)) {
      if (child !== null && typeof child === 'object') {
        containers.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}
