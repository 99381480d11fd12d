// The server's notion of "now": real time plus an offset that tests move forward through
// POST /__emulator/clock, so period resets and token expiry can be tested without waiting.

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
}
