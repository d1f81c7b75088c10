/**
 * The Job controller's writes to pods: creating them (in slow-start batches: 1, 2, 4...,
 * stopping at the first batch with a failure), deleting them with or without their
 * tracking finalizer, and removing that finalizer. Each keeps the expectations in step
 * (an action that fails will never be observed) and records the upstream events
 * (SuccessfulCreate `Created pod: NAME`, SuccessfulDelete `Deleted pod: NAME`, FailedCreate).
 * The shared PodControl does not fit: an Indexed Job's pods need their own generateName.
 * New pods carry `generateName` and also a name picked here from it the way the API
 * server would, since this API server does not yet accept a create with generateName alone.
 */
import { randomInt } from 'node:crypto';
import type { Job } from 'kubernetes-types/batch/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { isAlreadyExists, isNotFound } from '../../client/errors.js';
import type { KObject } from '../../registry/types.js';
import { isPodReady as isReady, podKey } from '../framework/pods.js';
import { slowStartBatch } from '../framework/slow-start.js';
import { podFromTemplate } from './pod-template.js';
import { hasTrackingFinalizer, TRACKING_FINALIZER } from './pods.js';
import type { JobEnv } from './state.js';

export const REMOVE_FINALIZER_PATCH = {
  metadata: { [`$deleteFromPrimitiveList/finalizers`]: [TRACKING_FINALIZER] },
};

export interface DeleteResult {
  deleted: number;
  deletedReady: number;
  error: unknown;
}

const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function suffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)];
  return s;
}

async function createPod(env: JobEnv, job: Job, index: number | undefined): Promise<KObject> {
  const pod = podFromTemplate(job, index);
  const m = pod.metadata!;
  for (let attempt = 0; ; attempt++) {
    m.name = `${m.generateName}${suffix()}`;
    try {
      return await env.pods.create(m.namespace, pod);
    } catch (err) {
      if (!isAlreadyExists(err) || attempt >= 8) throw err;
    }
  }
}

/** Creates one pod per entry of `indexes` (undefined: a NonIndexed pod). Returns how many were created. */
export async function createPods(
  env: JobEnv,
  key: string,
  obj: KObject,
  indexes: (number | undefined)[],
): Promise<{ created: number; error: unknown }> {
  const job = obj as Job;
  env.expectations.expectCreations(key, indexes.length);
  const pending = [...indexes];
  const { successes, error } = await slowStartBatch(indexes.length, 1, async () => {
    try {
      const pod = await createPod(env, job, pending.shift());
      env.recorder.event(obj, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata?.name}`);
    } catch (err) {
      env.recorder.event(obj, 'Warning', 'FailedCreate', `Error creating: ${(err as Error).message}`);
      throw err;
    }
  });
  // Failed and skipped creations will never be observed.
  for (let i = successes; i < indexes.length; i++) env.expectations.creationObserved(key);
  return { created: successes, error };
}

async function deleteOne(env: JobEnv, obj: KObject, pod: Pod): Promise<void> {
  await env.pods.delete(pod.metadata?.namespace, pod.metadata?.name ?? '');
  env.recorder.event(obj, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata?.name}`);
}

/**
 * Deletes active pods of a finished Job, keeping their finalizers so that they are counted
 * as failed before they go. Not covered by expectations.
 */
export async function deleteActivePods(env: JobEnv, obj: KObject, pods: Pod[]): Promise<DeleteResult> {
  const res: DeleteResult = { deleted: 0, deletedReady: 0, error: undefined };
  await Promise.all(
    pods.map(async (p) => {
      try {
        await deleteOne(env, obj, p);
      } catch (err) {
        if (!isNotFound(err)) {
          res.error ??= err;
          return;
        }
      }
      res.deleted++;
      if (isReady(p)) res.deletedReady++;
    }),
  );
  return res;
}

/**
 * Deletes pods the Job no longer wants (too many, or suspended): the finalizer goes first,
 * so these pods are not counted as failures. Sets the deletion expectations.
 */
export async function deleteJobPods(
  env: JobEnv,
  key: string,
  obj: KObject,
  pods: Pod[],
): Promise<DeleteResult> {
  const res: DeleteResult = { deleted: 0, deletedReady: 0, error: undefined };
  env.expectations.expectDeletions(key, pods.map(podKey));
  await Promise.all(
    pods.map(async (p) => {
      try {
        if (hasTrackingFinalizer(p)) {
          await env.pods.patch(
            p.metadata?.namespace,
            p.metadata?.name ?? '',
            REMOVE_FINALIZER_PATCH,
            'strategic',
          );
        }
        await deleteOne(env, obj, p);
      } catch (err) {
        env.expectations.deletionObserved(key, podKey(p));
        if (!isNotFound(err)) {
          res.error ??= err;
          return;
        }
      }
      res.deleted++;
      if (isReady(p)) res.deletedReady++;
    }),
  );
  return res;
}

/**
 * Removes the tracking finalizer from `pods`. Returns, per pod, whether it is gone (a pod
 * that no longer exists counts as done), and the first error.
 */
export async function removeFinalizers(
  env: JobEnv,
  key: string | undefined,
  pods: Pod[],
): Promise<{ done: boolean[]; error: unknown }> {
  if (key)
    env.finalizers.expect(
      key,
      pods.map((p) => p.metadata?.uid ?? ''),
    );
  let error: unknown;
  const done = await Promise.all(
    pods.map(async (p) => {
      try {
        await env.pods.patch(
          p.metadata?.namespace,
          p.metadata?.name ?? '',
          REMOVE_FINALIZER_PATCH,
          'strategic',
        );
        return true;
      } catch (err) {
        if (key) env.finalizers.observed(key, p.metadata?.uid ?? '');
        if (isNotFound(err)) return true;
        error ??= err;
        return false;
      }
    }),
  );
  return { done, error };
}
