/**
 * One sync of one CronJob, on a private copy: bring `status.active` up to date
 * (active.ts), then, unless suspended or being deleted, start the Job of the most recent
 * activation that is due, honouring startingDeadlineSeconds and the concurrency policy.
 * Returns whether the status changed and when to look again (just after the next
 * activation). Events and their texts are upstream's.
 */
import type { CronJob } from 'kubernetes-types/batch/v1.js';
import { CronError, parseSchedule, type Schedule } from '../../api/cron/cron.js';
import { isValidZone } from '../../api/cron/zone.js';
import type { ResourceClient } from '../../client/client.js';
import { isAlreadyExists } from '../../client/errors.js';
import { timestamp } from '../../registry/generic/meta.js';
import type { KObject } from '../../registry/types.js';
import type { EventRecorder } from '../framework/recorder.js';
import { deleteJob, reconcileActive, statusOf } from './active.js';
import { type JobRef, jobFromTemplate, jobName, refTo, rfc1123z } from './jobs.js';
import { dueScheduleTime, nextScheduleDelay, type ScheduleInput } from './schedule.js';

export interface CronEnv {
  jobs: ResourceClient;
  cronjobs: ResourceClient;
  recorder: EventRecorder;
  now(): number;
  /** The zone of schedules without spec.timeZone (the controller's local zone). */
  defaultZone: string;
}

export interface CronStatus {
  active?: JobRef[];
  lastScheduleTime?: string;
  lastSuccessfulTime?: string;
}

export interface SyncResult {
  updated: boolean;
  requeueMs?: number;
  error?: unknown;
}

/** The schedule to run by, or undefined (with an event) when it cannot be used. */
function scheduleOf(env: CronEnv, cj: KObject): Schedule | undefined {
  const spec = (cj as CronJob).spec;
  const text = spec?.schedule ?? '';
  try {
    if (text.includes('TZ')) {
      if (spec?.timeZone) throw new CronError('cannot use both timeZone field and TZ or CRON_TZ in schedule');
      env.recorder.event(
        cj,
        'Warning',
        'UnsupportedSchedule',
        `CRON_TZ or TZ used in schedule ${JSON.stringify(text)} is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details`,
      );
    }
    return parseSchedule(text, isValidZone);
  } catch (err) {
    env.recorder.event(
      cj,
      'Warning',
      'UnparseableSchedule',
      `unparseable schedule: ${JSON.stringify(text)} : ${(err as Error).message}`,
    );
    return undefined;
  }
}

export function scheduleInput(cj: KObject, schedule: Schedule, defaultZone: string): ScheduleInput {
  const c = cj as CronJob;
  const last = c.status?.lastScheduleTime ?? c.metadata?.creationTimestamp;
  return {
    schedule,
    zone: c.spec?.timeZone ?? defaultZone,
    earliest: last ? Date.parse(last) : 0,
    startingDeadlineSeconds: c.spec?.startingDeadlineSeconds,
  };
}

export async function syncCronJob(
  env: CronEnv,
  cjIn: KObject,
  jobs: KObject[],
): Promise<SyncResult & { cj: KObject }> {
  const now = env.now();
  const r = await reconcileActive(env, cjIn, jobs);
  const cj = r.cj;
  let updated = r.updated;
  const spec = (cj as CronJob).spec;
  if (cj.metadata?.deletionTimestamp) return { cj, updated };
  const tz = spec?.timeZone;
  if (tz !== undefined && tz !== null && !isValidZone(tz)) {
    env.recorder.event(
      cj,
      'Warning',
      'UnknownTimeZone',
      `invalid timeZone: ${JSON.stringify(tz)}: unknown time zone ${tz}`,
    );
    return { cj, updated };
  }
  if (spec?.suspend === true) return { cj, updated };
  const schedule = scheduleOf(env, cj);
  if (!schedule) return { cj, updated };
  const due = dueScheduleTime(scheduleInput(cj, schedule, env.defaultZone), now);
  if (due.error) {
    env.recorder.event(
      cj,
      'Warning',
      'InvalidSchedule',
      `invalid schedule: ${spec?.schedule} : ${due.error}`,
    );
    return { cj, updated };
  }
  if (due.missed === 'many') {
    env.recorder.event(
      cj,
      'Warning',
      'TooManyMissedTimes',
      'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew',
    );
  }
  const next = () => nextScheduleDelay(scheduleInput(cj, schedule, env.defaultZone), now);
  const scheduled = due.time;
  if (scheduled === undefined) return { cj, updated, requeueMs: next() };
  const sds = spec?.startingDeadlineSeconds;
  if (sds !== undefined && sds !== null && scheduled + sds * 1000 < now) {
    env.recorder.event(
      cj,
      'Warning',
      'MissSchedule',
      `Missed scheduled time to start a job: ${rfc1123z(scheduled)}`,
    );
    return { cj, updated, requeueMs: next() };
  }
  const st = statusOf(cj);
  const name = jobName(cj.metadata?.name ?? '', scheduled);
  const lastTime = st.lastScheduleTime ? Date.parse(st.lastScheduleTime) : undefined;
  if ((st.active ?? []).some((ref) => ref.name === name) || lastTime === scheduled) {
    return { cj, updated, requeueMs: next() };
  }
  const policy = spec?.concurrencyPolicy ?? 'Allow';
  if (policy === 'Forbid' && (st.active ?? []).length > 0) {
    env.recorder.event(
      cj,
      'Normal',
      'JobAlreadyActive',
      'Not starting job because prior execution is running and concurrency policy is Forbid',
    );
    return { cj, updated, requeueMs: next() };
  }
  if (policy === 'Replace') {
    for (const ref of [...(st.active ?? [])]) {
      let job: KObject;
      try {
        job = await env.jobs.get(ref.namespace, ref.name ?? '');
      } catch (err) {
        env.recorder.event(cj, 'Warning', 'FailedGet', `Get job: ${(err as Error).message}`);
        return { cj, updated, error: err };
      }
      if (!(await deleteJob(env, cj, job))) {
        return { cj, updated, error: new Error(`could not replace job ${ref.namespace}/${ref.name}`) };
      }
      updated = true;
    }
  }
  let created: KObject;
  try {
    created = await env.jobs.create(cj.metadata?.namespace, jobFromTemplate(cj as CronJob, scheduled));
    env.recorder.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${created.metadata?.name}`);
  } catch (err) {
    if (!isAlreadyExists(err)) {
      env.recorder.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${(err as Error).message}`);
      return { cj, updated, error: err };
    }
    // Created before, but the status update was lost: record it now if it is ours.
    created = await env.jobs.get(cj.metadata?.namespace, name);
    const owner = (created.metadata?.ownerReferences ?? []).find((o) => o.controller === true);
    if (owner?.uid !== cj.metadata?.uid) return { cj, updated };
    if ((st.active ?? []).some((ref) => ref.uid === created.metadata?.uid)) return { cj, updated };
  }
  st.active = [...(st.active ?? []), refTo(created)];
  st.lastScheduleTime = timestamp(scheduled);
  return { cj, updated: true, requeueMs: next() };
}
