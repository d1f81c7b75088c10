/**
 * The main-thread handle of the SQLite store's database thread (`writer.ts`): starts it,
 * waits (synchronously, so opening a store stays a plain call) until the database is open,
 * then turns requests into promises of their replies. The thread keeps the process alive only
 * while a request is outstanding, like a socket with a request in flight.
 */
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { Opened, Reply, Request, WireError, WriterData } from './protocol.js';

/** How long opening may take before the store gives up (a locked or slow disk). */
const OPEN_TIMEOUT_MS = 30_000;
/** How long a closing thread may take to end before it is terminated. */
const EXIT_TIMEOUT_MS = 10_000;

interface Outstanding {
  resolve: (value: unknown) => void;
  reject: (err: WireError) => void;
}

export class DbThread {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly outstanding = new Map<number, Outstanding>();
  private nextId = 1;
  private ended: WireError | undefined;
  /** What opening found: the revision and the compaction point. */
  readonly opened: { rev: number; compacted: number };

  /** Starts the thread and opens `path`; throws the thread's reason when it cannot. */
  constructor(
    path: string,
    /** Called once if the thread dies (its pending requests are refused as well). */
    private readonly onDeath: (err: WireError) => void,
  ) {
    const { port1, port2 } = new MessageChannel();
    const flag = new SharedArrayBuffer(4);
    const data: WriterData = { path, port: port2, opened: flag };
    this.worker = new Worker(new URL('./writer.js', import.meta.url), {
      workerData: data,
      transferList: [port2],
      // Not the process's own flags: `-e` would run its script again in the thread.
      execArgv: [],
    });
    this.port = port1;
    const opened = this.waitOpen(new Int32Array(flag));
    if (!opened.ok) {
      port1.close();
      void this.worker.terminate();
      throw new Error(opened.message);
    }
    this.opened = { rev: opened.rev, compacted: opened.compacted };
    this.port.on('message', (reply: Reply) => this.settle(reply));
    this.port.unref();
    this.worker.on('error', (err) => this.die(`SQLite thread failed: ${err.message}`));
    this.worker.on('exit', (code) => this.die(`SQLite thread exited (code ${code})`));
    this.worker.unref();
  }

  private waitOpen(flag: Int32Array): Opened {
    const outcome = Atomics.wait(flag, 0, 0, OPEN_TIMEOUT_MS);
    const first = receiveMessageOnPort(this.port)?.message as Opened | undefined;
    if (first) return first;
    return {
      ok: false,
      message:
        outcome === 'timed-out'
          ? `the SQLite thread did not open the database in ${OPEN_TIMEOUT_MS / 1000} s`
          : 'the SQLite thread ended before opening the database',
    };
  }

  /** Sends a request; resolves with its reply's value, rejects with the thread's refusal. */
  call<T>(req: Request, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.ended) return Promise.reject(this.ended);
    const id = this.nextId++;
    if (this.outstanding.size === 0) this.port.ref();
    return new Promise<T>((resolve, reject) => {
      this.outstanding.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.port.postMessage({ id, req }, transfer);
    });
  }

  private settle(reply: Reply): void {
    const waiting = this.outstanding.get(reply.id);
    if (!waiting) return;
    this.outstanding.delete(reply.id);
    if (this.outstanding.size === 0) this.port.unref();
    if (reply.ok) waiting.resolve(reply.value);
    else waiting.reject(reply.error);
  }

  private die(message: string): void {
    if (this.ended) return;
    this.ended = { code: 'Unavailable', message };
    const waiting = [...this.outstanding.values()];
    this.outstanding.clear();
    this.port.close();
    for (const w of waiting) w.reject(this.ended);
    this.onDeath(this.ended);
  }

  /** Closes the database and waits for the thread to end (terminating it if it does not). */
  async close(): Promise<void> {
    if (this.ended) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    try {
      await this.call({ t: 'close' });
    } catch {
      // Ended or refused: the thread is stopped below either way.
    }
    this.ended = { code: 'Unavailable', message: 'store is closed' };
    this.port.close();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), EXIT_TIMEOUT_MS);
    });
    if ((await Promise.race([exited, timeout])) === 'timeout') await this.worker.terminate();
    clearTimeout(timer);
  }
}
