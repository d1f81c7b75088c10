/**
 * What a StatefulSet sync does next, decided from the cached pods and claims alone. The
 * order is upstream's: replace finished pods and create missing ordinals (lowest first),
 * then remove ordinals beyond the wanted range (highest first), then, for RollingUpdate,
 * replace pods of ordinal >= partition that are not at the update revision (highest
 * first, at most maxUnavailable pods unavailable at once). With OrderedReady every step
 * waits for all lower ordinals to be Running and Ready (and available), and one pod is
 * created or deleted per sync; with Parallel all of them go at once. The result is a list
 * of batches the controller runs in order, stopping at the first failing batch. Pure.
 */
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import { scaledValue } from '../daemonset/int-or-percent.js';
import type { Pod } from '../framework/pods.js';
import { claimName, identityMatches, ordinalOf, replicasOf, startOrdinal } from './identity.js';
import { claimOwnerRefs } from './retention.js';
import {
  isFinished,
  isHealthy,
  isRunningAndAvailable,
  isRunningAndReady,
  isTerminating,
  revisionOf,
} from './status.js';

export type Step =
  /** Create the pod of `ordinal` at the current or the update revision (with its claims). */
  | { op: 'create'; ordinal: number; revision: 'current' | 'update' }
  | { op: 'delete'; pod: Pod; reason: 'finished' | 'scale-down' | 'update' }
  /** Put the pod-name and pod-index labels right. */
  | { op: 'relabel'; pod: Pod }
  /** Create the pod's missing claims. */
  | { op: 'claims'; pod: Pod }
  /** Give the pod's claims the owner references the retention policy asks for. */
  | { op: 'retain'; pod: Pod };

export interface Plan {
  batches: Step[][];
  /** Why the plan stops where it does (for logs), when it waits on a pod. */
  waiting?: string;
}

export interface PlanInput {
  set: StatefulSet;
  /** The set's pods (claimed), any ordinals. */
  pods: readonly Pod[];
  currentRevision: string;
  updateRevision: string;
  now: number;
  /** The cached claim of this name in the set's namespace. */
  claim: (name: string) => PersistentVolumeClaim | undefined;
}

/** Which revision a new pod of `ordinal` gets: below the partition, the current one. */
export function revisionForOrdinal(set: StatefulSet, ordinal: number): 'current' | 'update' {
  const strategy = set.spec?.updateStrategy;
  if ((strategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return 'update';
  const start = startOrdinal(set);
  const ru = strategy?.rollingUpdate;
  const limit = ru ? (ru.partition ?? 0) : (set.status?.currentReplicas ?? 0);
  return ordinal < start + limit ? 'current' : 'update';
}

/** maxUnavailable of a rolling update: rounded down, at least 1. */
export function maxUnavailable(set: StatefulSet): number {
  const v = set.spec?.updateStrategy?.rollingUpdate?.maxUnavailable;
  return Math.max(1, scaledValue(v, replicasOf(set), false, 1));
}

function missingClaims(input: PlanInput, pod: Pod): boolean {
  const ordinal = ordinalOf(pod);
  return (input.set.spec?.volumeClaimTemplates ?? []).some(
    (t) => !input.claim(claimName(t.metadata?.name ?? '', input.set, ordinal)),
  );
}

function claimsNeedOwners(input: PlanInput, pod: Pod): boolean {
  if (!pod.metadata?.uid) return false;
  const ordinal = ordinalOf(pod);
  return (input.set.spec?.volumeClaimTemplates ?? []).some((t) => {
    const c = input.claim(claimName(t.metadata?.name ?? '', input.set, ordinal));
    return c !== undefined && claimOwnerRefs(c, input.set, pod) !== undefined;
  });
}

export function planSync(input: PlanInput): Plan {
  const { set, now } = input;
  const monotonic = (set.spec?.podManagementPolicy ?? 'OrderedReady') !== 'Parallel';
  const minReady = set.spec?.minReadySeconds ?? 0;
  const start = startOrdinal(set);
  const count = replicasOf(set);
  const replicas: (Pod | undefined)[] = new Array(count).fill(undefined);
  const condemned: Pod[] = [];
  for (const pod of input.pods) {
    const o = ordinalOf(pod);
    if (o < 0) continue;
    if (o >= start && o < start + count) replicas[o - start] = pod;
    else condemned.push(pod);
  }
  condemned.sort((a, b) => ordinalOf(b) - ordinalOf(a));
  const firstUnhealthy =
    replicas.find((p) => !p || !isHealthy(p)) ?? [...condemned].reverse().find((p) => !isHealthy(p));

  const batches: Step[][] = [];
  // A set being deleted only has its status written.
  if (set.metadata?.deletionTimestamp) return { batches };
  // Steps of one phase: one batch each when ordered, one batch for all in parallel.
  const phase = (steps: Step[]) => {
    if (steps.length === 0) return;
    if (monotonic) for (const s of steps) batches.push([s]);
    else batches.push(steps);
  };
  const done = (steps: Step[], waiting?: string): Plan => {
    phase(steps);
    return waiting ? { batches, waiting } : { batches };
  };

  // 1. The wanted ordinals.
  const steps: Step[] = [];
  for (let i = 0; i < count; i++) {
    const pod = replicas[i];
    const ordinal = start + i;
    if (pod && isFinished(pod)) {
      if (!isTerminating(pod)) steps.push({ op: 'delete', pod, reason: 'finished' });
      if (monotonic) return done(steps, `pod ${pod.metadata?.name} to be replaced`);
      continue;
    }
    if (!pod) {
      steps.push({ op: 'create', ordinal, revision: revisionForOrdinal(set, ordinal) });
      if (monotonic) return done(steps, `pod ${set.metadata?.name}-${ordinal} to be created`);
      continue;
    }
    const name = pod.metadata?.name;
    if (pod.status?.phase === 'Pending' && missingClaims(input, pod)) steps.push({ op: 'claims', pod });
    if (monotonic && isTerminating(pod)) return done(steps, `pod ${name} to terminate`);
    if (monotonic && !isRunningAndReady(pod)) return done(steps, `pod ${name} to be Running and Ready`);
    if (monotonic && !isRunningAndAvailable(pod, minReady, now))
      return done(steps, `pod ${name} to be available`);
    if (!identityMatches(set, pod)) steps.push({ op: 'relabel', pod });
    if (claimsNeedOwners(input, pod)) steps.push({ op: 'retain', pod });
  }
  phase(steps);

  // 2. Ordinals beyond the wanted range, highest first.
  phase(condemned.filter((p) => claimsNeedOwners(input, p)).map((pod) => ({ op: 'retain', pod }) as Step));
  const removals: Step[] = [];
  for (const pod of condemned) {
    const name = pod.metadata?.name;
    if (isTerminating(pod)) {
      if (monotonic) return done(removals, `pod ${name} to terminate before scaling down`);
      continue;
    }
    if (monotonic && pod !== firstUnhealthy) {
      if (!isRunningAndReady(pod))
        return done(removals, `pod ${name} to be Running and Ready before scaling down`);
      if (!isRunningAndAvailable(pod, minReady, now))
        return done(removals, `pod ${name} to be available before scaling down`);
    }
    removals.push({ op: 'delete', pod, reason: 'scale-down' });
    if (monotonic) return done(removals);
  }
  phase(removals);

  // 3. The rolling update.
  if ((set.spec?.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return { batches };
  const partition = set.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
  const unavailable = replicas.filter((p) => !p || !isHealthy(p)).length;
  const budget = maxUnavailable(set) - unavailable;
  if (budget <= 0) return { batches, waiting: `${unavailable} unavailable pods before updating more` };
  const updates: Step[] = [];
  for (let i = count - 1; i >= partition && updates.length < budget; i--) {
    const pod = replicas[i];
    if (pod && revisionOf(pod) !== input.updateRevision && !isTerminating(pod))
      updates.push({ op: 'delete', pod, reason: 'update' });
  }
  // Replacements of one sync go together (they fit in maxUnavailable).
  if (updates.length > 0) batches.push(updates);
  return { batches };
}
