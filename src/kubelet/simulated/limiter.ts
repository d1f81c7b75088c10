/**
 * Bounds how many API writes a simulator has in flight, so that registering or
 * heartbeating thousands of nodes queues here instead of flooding the API server.
 * First come, first served. Pure apart from promises.
 */

import { Fifo } from '../../util/fifo.js';

export class Limiter {
  private active = 0;
  private readonly waiting = new Fifo<() => void>();

  constructor(private readonly max: number) {}

  async run<T>(f: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((r) => this.waiting.push(r));
    else this.active++;
    try {
      return await f();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }

  get pending(): number {
    return this.waiting.length;
  }
}
