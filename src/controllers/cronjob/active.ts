/**
 * A CronJob's record of its Jobs: forgetting finished and vanished Jobs in
 * `status.active` (and noting the latest success), deleting Jobs (Background propagation,
 * with the SuccessfulDelete / FailedDelete events), and trimming finished Jobs beyond the
 * successful and failed history limits, oldest first. Works on a private copy of the
 * CronJob; callers write its status.
 */
import type { CronJob } from 'kubernetes-types/batch/v1.js';
import { isNotFound } from '../../client/errors.js';
import type { KObject } from '../../registry/types.js';
import { finishedType, isFinished, isSucceeded } from '../job/conditions.js';
import { byStartTime } from './jobs.js';
import type { CronEnv, CronStatus } from './sync.js';

export function statusOf(cj: KObject): CronStatus {
  cj['status'] ??= {};
  return cj['status'] as CronStatus;
}

function removeActive(cj: KObject, uid: string | undefined): void {
  const st = statusOf(cj);
  st.active = (st.active ?? []).filter((r) => r.uid !== uid);
}

export async function deleteJob(env: CronEnv, cj: KObject, job: KObject): Promise<boolean> {
  try {
    await env.jobs.delete(job.metadata?.namespace, job.metadata?.name ?? '', {
      propagationPolicy: 'Background',
    });
  } catch (err) {
    env.recorder.event(cj, 'Warning', 'FailedDelete', `Deleted job: ${(err as Error).message}`);
    return false;
  }
  removeActive(cj, job.metadata?.uid);
  env.recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata?.name}`);
  return true;
}

/** Removes the oldest finished Jobs beyond the successful and failed history limits. */
export async function cleanupFinishedJobs(env: CronEnv, cj: KObject, jobs: KObject[]): Promise<boolean> {
  const spec = (cj as CronJob).spec;
  const limits = { Complete: spec?.successfulJobsHistoryLimit, Failed: spec?.failedJobsHistoryLimit };
  let updated = false;
  for (const type of ['Complete', 'Failed'] as const) {
    const limit = limits[type];
    if (limit === undefined || limit === null) continue;
    const done = jobs.filter((j) => finishedType(j) === type).sort(byStartTime);
    for (const j of done.slice(0, Math.max(0, done.length - limit))) {
      if (await deleteJob(env, cj, j)) updated = true;
    }
  }
  return updated;
}

/** Reconciles status.active with the CronJob's Jobs. Returns the (possibly re-read) CronJob. */
export async function reconcileActive(
  env: CronEnv,
  cjIn: KObject,
  jobs: KObject[],
): Promise<{ cj: KObject; updated: boolean }> {
  let cj = cjIn;
  let updated = false;
  const inActive = (o: KObject, uid: string | undefined) =>
    (statusOf(o).active ?? []).some((r) => r.uid === uid);
  for (const j of jobs) {
    const uid = j.metadata?.uid;
    const found = inActive(cj, uid);
    if (!found && !isFinished(j)) {
      const fresh = await env.cronjobs.get(cj.metadata?.namespace, cj.metadata?.name ?? '');
      if (inActive(fresh, uid)) {
        cj = fresh;
        continue;
      }
      env.recorder.event(
        cj,
        'Warning',
        'UnexpectedJob',
        `Saw a job that the controller did not create or forgot: ${j.metadata?.name}`,
      );
    } else if (found && isFinished(j)) {
      removeActive(cj, uid);
      env.recorder.event(
        cj,
        'Normal',
        'SawCompletedJob',
        `Saw completed job: ${j.metadata?.name}, status: ${finishedType(j)}`,
      );
      updated = true;
    } else if (isSucceeded(j)) {
      const done = (j['status'] as { completionTime?: string } | undefined)?.completionTime;
      const st = statusOf(cj);
      if (done && (!st.lastSuccessfulTime || Date.parse(done) > Date.parse(st.lastSuccessfulTime))) {
        st.lastSuccessfulTime = done;
        updated = true;
      }
    }
  }
  const known = new Set(jobs.map((j) => j.metadata?.uid));
  for (const ref of [...(statusOf(cj).active ?? [])]) {
    if (known.has(ref.uid)) continue;
    try {
      await env.jobs.get(ref.namespace, ref.name ?? '');
    } catch (err) {
      if (!isNotFound(err)) throw err;
      env.recorder.event(cj, 'Normal', 'MissingJob', `Active job went missing: ${ref.name}`);
      removeActive(cj, ref.uid);
      updated = true;
    }
  }
  return { cj, updated };
}
