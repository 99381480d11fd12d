// The server's notion of "now": real time plus an offset that tests move forward through
// POST /__emulator/clock, so period resets and token expiry can be tested without waiting.

/** What a data file keeps of the clock, so a restart neither loses the offset nor goes back. */
export interface ClockState {
  offsetMs: number;
  /** The last time handed out. */
  now: number;
}

export class Clock {
  private offsetMs = 0;
  private last = 0;

  /** Milliseconds since the epoch; never goes backwards, even if the host clock does. */
  now(): number {
    this.last = Math.max(this.last, Date.now() + this.offsetMs);
    return this.last;
  }

  advance(seconds: number): number {
    this.offsetMs += seconds * 1000;
    return this.now();
  }

  state(): ClockState {
    return { offsetMs: this.offsetMs, now: this.now() };
  }

  restore(state: ClockState): void {
    this.offsetMs = state.offsetMs;
    this.last = Math.max(this.last, state.now);
  }
}
