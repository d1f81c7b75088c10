/** Capped exponential backoff; the abortable sleep (../util/sleep.ts) is re-exported. Pure apart from timers. */

export class Backoff {
  private current: number;
  constructor(
    private readonly initialMs = 100,
    private readonly maxMs = 30_000,
  ) {
    this.current = initialMs;
  }

  next(): number {
    const d = this.current;
    this.current = Math.min(this.current * 2, this.maxMs);
    // Up to 20 % jitter so that many clients do not retry in step.
    return Math.round(d * (1 + Math.random() * 0.2));
  }

  reset(): void {
    this.current = this.initialMs;
  }
}

export { sleep } from '../util/sleep.js';
