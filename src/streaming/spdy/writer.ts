/**
 * The outgoing side of a SPDY session: frames are written to the transport in the order
 * they were queued, even when some are still being built (a header block waits for its
 * compression, which is asynchronous); ready frames with nothing ahead of them go out at
 * once. It also tells writers when a full transport has drained, and can end the
 * transport once everything queued is out. It does not build frames.
 */
import type { Duplex } from 'node:stream';

export class FrameWriter {
  #out: (Buffer | Promise<Buffer>)[] = [];
  #flushing = false;
  #drainWaiters: (() => void)[] = [];
  #endWhenFlushed = false;

  constructor(
    private readonly transport: Duplex,
    private readonly gone: () => boolean,
    private readonly onError: (err: Error) => void,
  ) {
    transport.on('drain', () => this.releaseWaiters());
  }

  /** Queues a frame; false when the transport is full (see whenDrained). */
  write(frame: Buffer | Promise<Buffer>): boolean {
    if (this.gone()) return false;
    if (this.#out.length === 0 && !(frame instanceof Promise)) return this.transport.write(frame);
    this.#out.push(frame);
    void this.#flush();
    return !this.transport.writableNeedDrain;
  }

  whenDrained(cb: () => void): void {
    if (this.gone() || !this.transport.writableNeedDrain) cb();
    else this.#drainWaiters.push(cb);
  }

  /** Ends the transport once every queued frame is written. */
  endWhenFlushed(): void {
    this.#endWhenFlushed = true;
    void this.#flush();
  }

  releaseWaiters(): void {
    for (const w of this.#drainWaiters.splice(0)) w();
  }

  async #flush(): Promise<void> {
    if (this.#flushing) return;
    this.#flushing = true;
    try {
      while (this.#out.length > 0) {
        const head = this.#out[0]!;
        const buf = head instanceof Promise ? await head : head;
        this.#out.shift();
        if (!this.gone()) this.transport.write(buf);
      }
      if (this.#endWhenFlushed && !this.gone()) this.transport.end();
    } catch (err) {
      this.onError(err as Error);
    } finally {
      this.#flushing = false;
    }
  }
}
