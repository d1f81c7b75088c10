/**
 * Drives a DueQueue with a single timer: it sleeps until the earliest key is due, then
 * hands every due key (and those within a few milliseconds, to batch them) to `fire`.
 * stop() clears the timer; nothing fires afterwards.
 */
import { DueQueue } from './due-queue.js';

export class DueTimer {
  private readonly queue = new DueQueue();
  private timer: NodeJS.Timeout | undefined;
  private armedFor: number | undefined;
  private stopped = false;

  constructor(
    private readonly fire: (key: string) => void,
    private readonly now: () => number = Date.now,
    private readonly batchMs = 10,
  ) {}

  set(key: string, at: number): void {
    this.queue.set(key, at);
    this.arm();
  }

  setEarlier(key: string, at: number): void {
    this.queue.setEarlier(key, at);
    this.arm();
  }

  delete(key: string): void {
    this.queue.delete(key);
  }

  has(key: string): boolean {
    return this.queue.has(key);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    if (this.stopped) return;
    const next = this.queue.peek();
    if (next === undefined) return;
    if (this.timer && this.armedFor !== undefined && this.armedFor <= next) return;
    if (this.timer) clearTimeout(this.timer);
    this.armedFor = next;
    this.timer = setTimeout(() => this.tick(), Math.max(0, next - this.now()));
  }

  private tick(): void {
    this.timer = undefined;
    this.armedFor = undefined;
    if (this.stopped) return;
    for (const key of this.queue.popDue(this.now() + this.batchMs)) {
      try {
        this.fire(key);
      } catch {
        // fire() reports its own failures; one key must not stop the others.
      }
    }
    this.arm();
  }
}
