/**
 * Finding (or creating) the new ReplicaSet of a Deployment and syncing revisions: the
 * ReplicaSet whose template matches gets revision max(old)+1 (so a rollback to an old
 * template brings its ReplicaSet back with a new revision), the Deployment's annotations
 * and minReadySeconds, and the Deployment records that revision. A name collision with a
 * ReplicaSet that is not ours bumps status.collisionCount so the next hash differs.
 */
import { isAlreadyExists } from '../../client/errors.js';
import { getCondition, setCondition } from '../framework/conditions.js';
import { controllerRefOf } from '../framework/owner.js';
import { maxRevision, REVISION, setDeploymentRevision, setNewReplicaSetAnnotations } from './annotations.js';
import { hasProgressDeadline, newCondition, PROGRESSING, Reasons } from './progress.js';
import { maxSurge, newReplicaSetReplicas } from './replicas.js';
import {
  equalIgnoreHash,
  findNewReplicaSet,
  findOldReplicaSets,
  newReplicaSetFor,
  podTemplateHash,
} from './replicasets.js';
import {
  createReplicaSet,
  event,
  remember,
  type SyncContext,
  updateDeploymentStatus,
  updateReplicaSet,
} from './sync-context.js';
import { asReplicaSet, type ReplicaSet, toObject } from './types.js';

export interface ReplicaSets {
  newRS: ReplicaSet | undefined;
  oldRSs: ReplicaSet[];
}

/** The new ReplicaSet (created when `create` and missing) and every old one. */
export async function replicaSetsAndSyncRevision(s: SyncContext, create: boolean): Promise<ReplicaSets> {
  const { all: oldRSs } = findOldReplicaSets(s.d, s.sets);
  const newRS = await newReplicaSet(s, oldRSs, create);
  return { newRS, oldRSs: findOldReplicaSets(s.d, s.sets).all };
}

function setProgressing(s: SyncContext, status: 'True' | 'False', reason: string, message: string): void {
  s.d.status!.conditions = setCondition(
    s.d.status!.conditions,
    newCondition(PROGRESSING, status, reason, message, s.env.now()),
  );
}

async function newReplicaSet(
  s: SyncContext,
  oldRSs: ReplicaSet[],
  create: boolean,
): Promise<ReplicaSet | undefined> {
  const d = s.d;
  const existing = findNewReplicaSet(d, s.sets);
  const newRevision = String(maxRevision(oldRSs) + 1);
  if (existing) {
    const copy = structuredClone(existing);
    const annotationsChanged = setNewReplicaSetAnnotations(d, copy, newRevision, true, maxSurge(d));
    const minReady = d.spec?.minReadySeconds ?? 0;
    if (annotationsChanged || (copy.spec?.minReadySeconds ?? 0) !== minReady) {
      copy.spec!.minReadySeconds = minReady;
      return updateReplicaSet(s, copy);
    }
    let needsUpdate = setDeploymentRevision(d, copy.metadata?.annotations?.[REVISION] ?? '');
    if (hasProgressDeadline(d) && !getCondition(d.status?.conditions, PROGRESSING)) {
      setProgressing(s, 'True', Reasons.foundNewRS, `Found new replica set "${copy.metadata?.name}"`);
      needsUpdate = true;
    }
    if (needsUpdate) await updateDeploymentStatus(s);
    return copy;
  }
  if (!create) return undefined;

  const rs = newReplicaSetFor(d, podTemplateHash(d.spec?.template, d.status?.collisionCount));
  const replicas = newReplicaSetReplicas(d, [...oldRSs, rs], rs);
  rs.spec!.replicas = replicas;
  setNewReplicaSetAnnotations(d, rs, newRevision, false, maxSurge(d));
  const name = rs.metadata!.name!;
  let created: ReplicaSet;
  let alreadyExists = false;
  try {
    created = await createReplicaSet(s, rs);
  } catch (err) {
    if (isAlreadyExists(err)) {
      alreadyExists = true;
      const found = asReplicaSet(await s.env.replicaSets.get(d.metadata?.namespace, name));
      const ref = controllerRefOf(toObject(found));
      if (ref?.uid === d.metadata?.uid && equalIgnoreHash(found.spec?.template, d.spec?.template)) {
        created = remember(s, found);
      } else {
        // A hash collision: a ReplicaSet of this name is not ours. Count it and try another name.
        d.status!.collisionCount = (d.status?.collisionCount ?? 0) + 1;
        await updateDeploymentStatus(s);
        throw err;
      }
    } else {
      if (hasProgressDeadline(d)) {
        const msg = `Failed to create new replica set "${name}": ${(err as Error).message}`;
        setProgressing(s, 'False', Reasons.failedRSCreate, msg);
        await updateDeploymentStatus(s).catch(() => {});
        event(s, 'Warning', Reasons.failedRSCreate, msg);
      }
      throw err;
    }
  }
  if (!alreadyExists && replicas > 0) {
    event(s, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${name} from 0 to ${replicas}`);
  }
  let needsUpdate = setDeploymentRevision(d, newRevision);
  if (!alreadyExists && hasProgressDeadline(d)) {
    setProgressing(s, 'True', Reasons.newRSCreated, `Created new replica set "${name}"`);
    needsUpdate = true;
  }
  if (needsUpdate) await updateDeploymentStatus(s);
  return created;
}
