/**
 * The TTL-after-finished controller: deletes a finished Job once its
 * ttlSecondsAfterFinished has passed, with foreground propagation (its pods go first)
 * and a UID precondition; until then the Job is requeued for its expiry. Before deleting
 * it re-reads the Job from the API server, so that a TTL just extended is honoured.
 */
import { isNotFound } from '../../client/errors.js';
import type { Informer } from '../../client/informer.js';
import type { KObject } from '../../registry/types.js';
import { type ControllerContext, QueueController } from '../framework/controller.js';
import { needsCleanup, ttlState } from './ttl.js';

export class TtlAfterFinishedController extends QueueController {
  readonly name = 'ttl-after-finished';
  private readonly jobs: Informer;

  constructor(ctx: ControllerContext, workers = 2) {
    super(ctx, workers);
    this.jobs = ctx.informers.informer('batch', 'v1', 'jobs');
    const maybe = (j: KObject) => {
      if (!j.metadata?.deletionTimestamp && needsCleanup(j)) this.enqueue(j);
    };
    this.jobs.addHandler({ onAdd: maybe, onUpdate: (_, j) => maybe(j) });
  }

  /** Whether `job` has expired now; requeues it for later otherwise. */
  private expired(key: string, job: KObject): boolean {
    const st = ttlState(job, this.ctx.now());
    if (st.kind === 'error') throw new Error(st.message);
    if (st.kind === 'wait') this.queue.addAfter(key, st.ms);
    return st.kind === 'expired';
  }

  protected async sync(key: string): Promise<void> {
    const cached = this.jobs.cache.get(key);
    if (!cached || !this.expired(key, cached)) return;
    const jobs = this.ctx.client.resource('batch', 'v1', 'jobs');
    const ns = cached.metadata?.namespace;
    const name = cached.metadata?.name ?? '';
    let fresh: KObject;
    try {
      fresh = await jobs.get(ns, name);
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    if (!this.expired(key, fresh)) return;
    try {
      await jobs.delete(ns, name, {
        propagationPolicy: 'Foreground',
        preconditions: { uid: fresh.metadata?.uid ?? '' },
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
