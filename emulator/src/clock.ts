// The emulator's controllable clock. It runs at real speed from an offset that tests move with
// POST /__emulator/clock, so serverDate, function instances and timer triggers share one notion of "now".

/** Something that fires at instants on the emulator clock (timer triggers). */
export interface ClockListener {
  /** The earliest instant strictly after `afterMs` at which this listener wants to fire, if any. */
  nextDueAfter(afterMs: number): number | undefined;
  /** Fire everything due at `atMs`; the clock already reads `atMs`. */
  fire(atMs: number): Promise<void>;
  /** Optional: told where each advance goes before anything fires, so a listener can bound huge jumps. */
  beginAdvance?(fromMs: number, targetMs: number): void;
  /** Optional: the clock jumped to `ms` with timers suspended; nothing due before `ms` fires later. */
  skipUntil?(ms: number): void;
}

export class EmulatorClock {
  private offsetMs: number;
  private readonly listeners: ClockListener[] = [];
  /** Serialises advances so that two concurrent clock moves never interleave their ticks. */
  private advancing: Promise<void> = Promise.resolve();

  constructor(
    startMs?: number,
    private readonly realNow: () => number = Date.now,
  ) {
    this.offsetMs = startMs === undefined ? 0 : startMs - realNow();
  }

  now(): number {
    return this.realNow() + this.offsetMs;
  }

  addListener(listener: ClockListener): void {
    this.listeners.push(listener);
  }

  /** Jumps to `ms` without firing anything in between (used for setMs and by the advance loop). */
  jumpTo(ms: number): void {
    this.offsetMs = ms - this.realNow();
  }

  /**
   * Moves the clock to `targetMs` as if the machine had been suspended: timer ticks in between never
   * fire (CloudBase does not replay missed ticks). Lets a test jump days ahead without running every
   * ten-second sweep of those days.
   */
  skipTo(targetMs: number): Promise<number> {
    const run = this.advancing.then(() => {
      for (const l of this.listeners) l.skipUntil?.(targetMs);
      this.jumpTo(targetMs);
      return this.now();
    });
    this.advancing = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /**
   * Moves the clock forward to `targetMs`, stopping at each due listener instant in order and
   * waiting for it to fire, as if that much time had really passed.
   */
  advanceTo(targetMs: number): Promise<number> {
    const run = this.advancing.then(async () => {
      for (const l of this.listeners) l.beginAdvance?.(this.now(), targetMs);
      for (;;) {
        const from = this.now();
        const due = this.listeners
          .map((l) => ({ l, at: l.nextDueAfter(from - 1) }))
          .filter((x): x is { l: ClockListener; at: number } => x.at !== undefined && x.at <= targetMs)
          .sort((a, b) => a.at - b.at);
        const first = due[0];
        if (!first) break;
        if (first.at > from) this.jumpTo(first.at);
        for (const d of due.filter((x) => x.at === first.at)) await d.l.fire(first.at);
      }
      if (targetMs > this.now()) this.jumpTo(targetMs);
      return this.now();
    });
    this.advancing = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }
}
