/**
 * The scheduler as `k8ts server` runs it: only while this process holds the
 * `kube-scheduler` Lease in kube-system, so that of several servers exactly one schedules.
 * Each term of leadership starts a fresh Scheduler (its cache is rebuilt by listing) and
 * stops it when the term ends. Events are written through a bounded recorder.
 */
import type { Client } from '../client/client.js';
import { LeaderElector } from '../client/leader.js';
import { BoundedEventRecorder } from './event-sink.js';
import { DEFAULT_SCHEDULER_NAME, Scheduler, type SchedulerOptions } from './scheduler.js';

export interface ElectedSchedulerOptions {
  client: Client;
  identity: string;
  log: (msg: string) => void;
  /** Scheduler tunables (client, recorder and log are filled in here). */
  tuning?: Omit<SchedulerOptions, 'client' | 'recorder' | 'log'>;
}

/** Runs until `signal` aborts, then waits for the last scheduler to stop. */
export async function runElectedScheduler(opts: ElectedSchedulerOptions, signal: AbortSignal): Promise<void> {
  const elector = new LeaderElector({
    client: opts.client,
    namespace: 'kube-system',
    name: 'kube-scheduler',
    identity: opts.identity,
    log: opts.log,
  });
  let current: Promise<void> = Promise.resolve();
  await elector.run(signal, (term) => {
    const scheduler = new Scheduler({
      ...opts.tuning,
      client: opts.client,
      recorder: new BoundedEventRecorder(opts.client, opts.tuning?.schedulerName ?? DEFAULT_SCHEDULER_NAME, {
        log: opts.log,
      }),
      log: opts.log,
    });
    const previous = current;
    current = previous
      .then(() => scheduler.run(term))
      .catch((err: unknown) => opts.log(`scheduler stopped: ${(err as Error).stack ?? String(err)}`));
  });
  await current;
}
