/**
 * What one sync of a Deployment works with, and its writes. The Deployment is a working
 * copy: its status and revision annotation change as the sync goes, and each write keeps
 * its resourceVersion current so later writes of the same sync do not conflict with the
 * earlier ones. The list of ReplicaSets is kept current the same way. Status goes through
 * the status subresource; the revision annotation through a merge patch of the main
 * resource guarded by the resourceVersion (this API server's status endpoint keeps
 * metadata unchanged). Zero counts are dropped from status, as upstream's JSON omits them.
 */
import type { ResourceClient } from '../../client/client.js';
import { isNotFound } from '../../client/errors.js';
import type { EventRecorder, EventType } from '../framework/recorder.js';
import {
  asDeployment,
  asReplicaSet,
  type Deployment,
  type DeploymentStatus,
  type ReplicaSet,
  toObject,
} from './types.js';

export interface DeploymentEnv {
  deployments: ResourceClient;
  replicaSets: ResourceClient;
  recorder: EventRecorder;
  now: () => number;
  log: (msg: string) => void;
}

export interface SyncContext {
  env: DeploymentEnv;
  /** The working copy of the Deployment. */
  d: Deployment;
  /** The Deployment's ReplicaSets, replaced by newer versions as this sync writes them. */
  sets: ReplicaSet[];
  /** Annotations as last read or written (to know which to write). */
  storedAnnotations: Record<string, string>;
  /** Look at the Deployment again after this many milliseconds (progress deadline). */
  requeueAfter?: number;
}

export function newSyncContext(env: DeploymentEnv, d: Deployment, sets: ReplicaSet[]): SyncContext {
  const copy = structuredClone(d);
  copy.status ??= {};
  return { env, d: copy, sets: [...sets], storedAnnotations: { ...(d.metadata?.annotations ?? {}) } };
}

export function event(s: SyncContext, type: EventType, reason: string, message: string): void {
  s.env.recorder.event(toObject(s.d), type, reason, message);
}

/** Records `rs` as the latest version of its ReplicaSet in this sync. */
export function remember(s: SyncContext, rs: ReplicaSet): ReplicaSet {
  const i = s.sets.findIndex((x) => x.metadata?.uid === rs.metadata?.uid);
  if (i >= 0) s.sets[i] = rs;
  else s.sets.push(rs);
  return rs;
}

export async function updateReplicaSet(s: SyncContext, rs: ReplicaSet): Promise<ReplicaSet> {
  return remember(s, asReplicaSet(await s.env.replicaSets.update(toObject(rs))));
}

export async function createReplicaSet(s: SyncContext, rs: ReplicaSet): Promise<ReplicaSet> {
  return remember(s, asReplicaSet(await s.env.replicaSets.create(rs.metadata?.namespace, toObject(rs))));
}

/** Deletes an old ReplicaSet; one already gone is fine. */
export async function deleteReplicaSet(s: SyncContext, rs: ReplicaSet): Promise<void> {
  try {
    await s.env.replicaSets.delete(rs.metadata?.namespace, rs.metadata!.name!, {
      preconditions: { uid: rs.metadata?.uid },
    });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  s.sets = s.sets.filter((x) => x.metadata?.uid !== rs.metadata?.uid);
}

/** The status without zero counts (how it reads after a round trip through upstream). */
export function compactStatus(status: DeploymentStatus | undefined): DeploymentStatus {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(status ?? {})) {
    if (v === 0 || v === undefined || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = v;
  }
  return out as DeploymentStatus;
}

/** Writes the working copy's new annotations (if any) and its status. */
export async function updateDeploymentStatus(s: SyncContext): Promise<void> {
  const d = s.d;
  const m = d.metadata!;
  const changed: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.annotations ?? {})) if (s.storedAnnotations[k] !== v) changed[k] = v;
  if (Object.keys(changed).length > 0) {
    const patched = await s.env.deployments.patch(
      m.namespace,
      m.name!,
      { metadata: { resourceVersion: m.resourceVersion, annotations: changed } },
      'merge',
    );
    m.resourceVersion = patched.metadata?.resourceVersion;
    s.storedAnnotations = { ...s.storedAnnotations, ...changed };
  }
  d.status = compactStatus(d.status);
  const written = asDeployment(await s.env.deployments.updateStatus(toObject(d)));
  m.resourceVersion = written.metadata?.resourceVersion;
}

/** The version of `rs` this sync last wrote or read. */
export function latest(s: SyncContext, rs: ReplicaSet): ReplicaSet {
  return s.sets.find((x) => x.metadata?.uid === rs.metadata?.uid) ?? rs;
}

/** The latest versions of `sets`, without those this sync deleted. */
export function current(s: SyncContext, sets: ReplicaSet[]): ReplicaSet[] {
  return sets.flatMap((rs) => s.sets.filter((x) => x.metadata?.uid === rs.metadata?.uid));
}
