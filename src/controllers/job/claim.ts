/**
 * The pods a Job manages: those it controls (found through the shared controller-UID
 * index), plus orphans of its namespace that match its selector, which it adopts with a
 * controller reference and the tracking finalizer; pods it controls that no longer match
 * are released. Nothing is adopted or released while the Job is being deleted, and the
 * first adoption re-reads the Job from the API server (the shared recheckOwner). Patches
 * carry the pod's UID so that they fail on a pod replaced meanwhile. The shared
 * claimObjects does not add the finalizer, hence this variant.
 */
import type { Job } from 'kubernetes-types/batch/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { type LabelSelectorObject, labelSelectorFromObject } from '../../api/selectors/index.js';
import type { ResourceClient } from '../../client/client.js';
import { ApiStatusError, isNotFound } from '../../client/errors.js';
import type { Informer } from '../../client/informer.js';
import type { KObject } from '../../registry/types.js';
import { recheckOwner } from '../framework/claim.js';
import { CONTROLLER_INDEX, orphanIndexValue } from '../framework/owner.js';
import { asPod } from '../framework/pods.js';
import { controllerRef } from './pod-template.js';
import { TRACKING_FINALIZER } from './pods.js';

/** Whether a pod's labels match the Job's selector (nothing matches a bad selector). */
export function selectorMatcher(job: Job): (p: Pod) => boolean {
  try {
    const sel = labelSelectorFromObject(job.spec?.selector as LabelSelectorObject | undefined);
    return (p) => sel.matches(p.metadata?.labels ?? {});
  } catch {
    return () => false;
  }
}

async function patchPod(pods: ResourceClient, p: Pod, patch: unknown): Promise<KObject | undefined> {
  try {
    return await pods.patch(p.metadata?.namespace, p.metadata?.name ?? '', patch, 'strategic');
  } catch (err) {
    // Gone, or replaced by a pod with another UID.
    if (isNotFound(err) || (err instanceof ApiStatusError && err.code === 422)) return undefined;
    throw err;
  }
}

export async function claimPods(
  jobs: ResourceClient,
  pods: ResourceClient,
  informer: Informer,
  job: Job,
): Promise<Pod[]> {
  const ns = job.metadata?.namespace ?? '';
  const uid = job.metadata?.uid ?? '';
  const deleting = !!job.metadata?.deletionTimestamp;
  const matches = selectorMatcher(job);
  const out: Pod[] = [];
  for (const p of informer.cache.byIndex(CONTROLLER_INDEX, uid).map(asPod)) {
    if (matches(p) || deleting) {
      out.push(p);
      continue;
    }
    await patchPod(pods, p, {
      metadata: { ownerReferences: [{ $patch: 'delete', uid }], uid: p.metadata?.uid },
    });
  }
  if (deleting) return out;
  const orphans = informer.cache
    .byIndex(CONTROLLER_INDEX, orphanIndexValue(ns))
    .map(asPod)
    .filter((p) => !p.metadata?.deletionTimestamp && matches(p));
  if (orphans.length === 0) return out;
  await recheckOwner(jobs, job as KObject, 'Job')();
  for (const p of orphans) {
    const adopted = await patchPod(pods, p, {
      metadata: {
        ownerReferences: [controllerRef(job)],
        finalizers: [TRACKING_FINALIZER],
        uid: p.metadata?.uid,
      },
    });
    if (adopted) out.push(asPod(adopted));
  }
  return out;
}
