/**
 * The CronJob controller: starts Jobs on schedule (sync.ts) and requeues each CronJob for
 * just after its next activation. Job events wake the CronJob that controls the Job; a
 * change of schedule or time zone waits for the next activation under the new schedule,
 * any other change is looked at at once. The clock is the context's, so tests can move it.
 */

import { CronError, parseSchedule } from '../../api/cron/cron.js';
import { isValidZone, localZone } from '../../api/cron/zone.js';
import { keyOf } from '../../client/cache.js';
import type { Informer } from '../../client/informer.js';
import type { KObject } from '../../registry/types.js';
import { type ControllerContext, QueueController } from '../framework/controller.js';
import { CONTROLLER_INDEX, controllerIndex, controllerRefOf } from '../framework/owner.js';
import { cleanupFinishedJobs } from './active.js';
import { asCronJob } from './jobs.js';
import { nextScheduleDelay } from './schedule.js';
import { type CronEnv, type CronStatus, scheduleInput, syncCronJob } from './sync.js';

export interface CronJobControllerOptions {
  /** Zone of schedules without spec.timeZone (default: this process's local zone). */
  defaultTimeZone?: string;
  workers?: number;
}

export class CronJobController extends QueueController {
  readonly name = 'cronjob';
  private readonly cronjobs: Informer;
  private readonly jobs: Informer;
  private readonly env: CronEnv;

  constructor(ctx: ControllerContext, opts: CronJobControllerOptions = {}) {
    super(ctx, opts.workers ?? 5);
    this.cronjobs = ctx.informers.informer('batch', 'v1', 'cronjobs');
    this.jobs = ctx.informers.informer('batch', 'v1', 'jobs');
    this.jobs.addIndexer(CONTROLLER_INDEX, controllerIndex);
    this.env = {
      jobs: ctx.client.resource('batch', 'v1', 'jobs'),
      cronjobs: ctx.client.resource('batch', 'v1', 'cronjobs'),
      recorder: ctx.recorder('cronjob-controller'),
      now: ctx.now,
      defaultZone: opts.defaultTimeZone ?? localZone(),
    };
    this.cronjobs.addHandler({
      onAdd: (cj) => this.enqueue(cj),
      onUpdate: (old, cur) => this.cronJobUpdated(old, cur),
    });
    this.jobs.addHandler({
      onAdd: (j) => this.enqueueOwner(j),
      onUpdate: (old, cur) => {
        if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
        if (controllerRefOf(old)?.uid !== controllerRefOf(cur)?.uid) this.enqueueOwner(old);
        this.enqueueOwner(cur);
      },
      onDelete: (j) => this.enqueueOwner(j),
    });
  }

  private enqueueOwner(job: KObject): void {
    const ref = controllerRefOf(job);
    if (ref?.kind !== 'CronJob') return;
    const cj = this.cronjobs.cache.getByName(job.metadata?.namespace ?? '', ref.name);
    if (cj && cj.metadata?.uid === ref.uid) this.enqueue(cj);
  }

  private cronJobUpdated(old: KObject, cur: KObject): void {
    const o = asCronJob(old).spec;
    const c = asCronJob(cur).spec;
    if (o?.schedule === c?.schedule && o?.timeZone === c?.timeZone) return this.enqueue(cur);
    try {
      const schedule = parseSchedule(c?.schedule ?? '', isValidZone);
      const delay = nextScheduleDelay(scheduleInput(cur, schedule, this.env.defaultZone), this.ctx.now());
      if (delay !== undefined) this.queue.addAfter(keyOf(cur), delay);
    } catch (err) {
      if (!(err instanceof CronError)) throw err;
      // The sync reports an unparseable schedule; nothing to wait for.
      this.enqueue(cur);
    }
  }

  protected async sync(key: string): Promise<void> {
    const shared = this.cronjobs.cache.get(key);
    if (!shared) return;
    const jobs = this.jobs.cache.byIndex(CONTROLLER_INDEX, shared.metadata?.uid ?? '');
    const copy = structuredClone(shared);
    const cleaned = await cleanupFinishedJobs(this.env, copy, jobs);
    const res = await syncCronJob(this.env, copy, jobs);
    if (cleaned || res.updated) {
      const status = (res.cj['status'] ?? {}) as CronStatus;
      if (status.active?.length === 0) delete status.active;
      await this.env.cronjobs.updateStatus({ ...res.cj, status });
    }
    if (res.requeueMs !== undefined) {
      this.queue.addAfter(key, res.requeueMs);
      return;
    }
    if (res.error) throw res.error;
  }
}
