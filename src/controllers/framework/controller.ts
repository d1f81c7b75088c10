/**
 * What every controller is given and how it runs: shared informers, a client, an event
 * recorder and a clock (ControllerContext), and a level-triggered loop (QueueController):
 * event handlers only enqueue `namespace/name` keys; workers call sync(key), which reads
 * the informer caches, converges, and writes status. Workers start after the caches sync.
 */

import { keyOf } from '../../client/cache.js';
import type { Client } from '../../client/client.js';
import type { InformerFactory } from '../../client/factory.js';
import { runWorkers, WorkQueue } from '../../client/workqueue.js';
import type { KObject } from '../../registry/types.js';
import type { EventRecorder } from './recorder.js';

export interface ControllerContext {
  client: Client;
  informers: InformerFactory;
  recorder: (component: string) => EventRecorder;
  log: (msg: string) => void;
  now: () => number;
}

export interface Controller {
  readonly name: string;
  run(signal: AbortSignal): Promise<void>;
}

export abstract class QueueController implements Controller {
  abstract readonly name: string;
  protected readonly queue = new WorkQueue();

  constructor(
    protected readonly ctx: ControllerContext,
    private readonly workers = 2,
  ) {}

  /** Reconciles one key; throwing re-queues it with backoff. */
  protected abstract sync(key: string): Promise<void>;

  enqueue(obj: KObject | string): void {
    this.queue.add(typeof obj === 'string' ? obj : keyOf(obj));
  }

  async run(signal: AbortSignal): Promise<void> {
    signal.addEventListener('abort', () => this.queue.shutDown(), { once: true });
    await this.ctx.informers.waitForSync(signal);
    if (signal.aborted) return;
    await runWorkers(
      this.queue,
      this.workers,
      (k) => this.sync(k),
      (k, err) => {
        this.ctx.log(`${this.name}: sync ${k} failed: ${(err as Error).message}`);
      },
    );
  }
}
