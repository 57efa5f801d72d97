// Fault injection: tests arm "the next N database writes / open-API calls fail" (optionally after
// letting `skip` of them through, to fail the k-th write of a use case) through the control API.

export type FaultTarget = 'databaseWrite' | 'openApi' | 'functionInvoke';

export interface FaultSpec {
  target: FaultTarget;
  /** How many upcoming matching calls fail. */
  count: number;
  /** How many matching calls pass before the first one fails (0 when absent). */
  skip?: number;
  /** Only calls to this API (e.g. "subscribeMessage.send") or function name; any when absent. */
  name?: string;
  /** Error code to report, e.g. 43101 for a refused subscription. */
  errcode?: number | string;
  errmsg?: string;
  /**
   * Open API only: answer after this many milliseconds of real time. Without errcode or errmsg the
   * call is then served normally: a slow call, not a failing one (how tests see a time budget hold).
   */
  delayMs?: number;
}

/** Whether the fault only slows its call down (it still succeeds). */
export function isDelayOnly(spec: FaultSpec): boolean {
  return spec.delayMs !== undefined && spec.errcode === undefined && spec.errmsg === undefined;
}

export class Faults {
  private armed: FaultSpec[] = [];

  arm(spec: FaultSpec): void {
    if (spec.count > 0) this.armed.push({ ...spec });
  }

  /** Consumes one armed fault that matches, if any. */
  take(target: FaultTarget, name?: string): FaultSpec | undefined {
    const spec = this.armed.find((f) => f.target === target && (f.name === undefined || f.name === name));
    if (!spec) return undefined;
    if (spec.skip !== undefined && spec.skip > 0) {
      spec.skip -= 1;
      return undefined;
    }
    spec.count -= 1;
    if (spec.count <= 0) this.armed = this.armed.filter((f) => f !== spec);
    return spec;
  }

  list(): FaultSpec[] {
    return this.armed.map((f) => ({ ...f }));
  }

  clear(): void {
    this.armed = [];
  }
}
