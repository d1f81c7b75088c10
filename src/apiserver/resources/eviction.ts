/**
 * pods/eviction (policy/v1 Eviction, what `kubectl drain` posts): deletes a pod unless that
 * would break its PodDisruptionBudget. A pod that is not running (Pending, Succeeded,
 * Failed) or already being deleted goes regardless. Otherwise the one budget covering the
 * pod must allow a disruption: its status.disruptionsAllowed is decremented and the pod
 * recorded in status.disruptedPods (a compare-and-swap on the budget's resourceVersion,
 * retried on conflict) before the pod is deleted with the Eviction's deleteOptions. A
 * budget at zero answers 429 TooManyRequests with a DisruptionBudget cause; a pod covered
 * by several budgets is a 500, as upstream. Unready pods may go without using up the
 * budget when the budget is healthy or its unhealthyPodEvictionPolicy is AlwaysAllow.
 */
import { type LabelSelectorObject, labelSelectorFromObject } from '../../api/selectors/index.js';
import { deleteObject } from '../../registry/generic/delete.js';
import { timestamp } from '../../registry/generic/meta.js';
import type { GenericStore } from '../../registry/generic/store.js';
import { updateObject } from '../../registry/generic/write.js';
import type { KObject, RequestContext } from '../../registry/types.js';
import { ApiError, Errors } from '../errors.js';
import { writeJson } from '../http/respond.js';
import type { ResourceCall } from './context.js';
import { decodeObject } from './decode.js';
import { deleteOptions } from './query.js';

type Obj = Record<string, unknown>;

const MAX_DISRUPTED_PODS = 2000;
const ATTEMPTS = 10;

function status(o: KObject): Obj {
  return (o['status'] ?? {}) as Obj;
}

function isReady(pod: KObject): boolean {
  const conds = status(pod)['conditions'];
  return Array.isArray(conds) && conds.some((c: Obj) => c['type'] === 'Ready' && c['status'] === 'True');
}

/** A pod that is not running, or is already going, has no disruption left to cause. */
function canIgnoreBudget(pod: KObject): boolean {
  const phase = status(pod)['phase'];
  return (
    phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || !!pod.metadata?.deletionTimestamp
  );
}

function budgetsOf(store: GenericStore, pod: KObject): KObject[] {
  const labels = pod.metadata?.labels ?? {};
  return store.cache.list(store.keyPrefix(pod.metadata?.namespace ?? '')).filter((pdb) => {
    try {
      const sel = labelSelectorFromObject(
        (pdb['spec'] as Obj | undefined)?.['selector'] as LabelSelectorObject | undefined,
      );
      // A nil or empty selector covers nothing here.
      return !sel.empty && sel.matches(labels);
    } catch {
      return false;
    }
  });
}

function tooManyRequests(message: string, retryAfterSeconds: number, cause: string): ApiError {
  return new ApiError(429, 'TooManyRequests', message, {
    retryAfterSeconds,
    causes: [{ type: 'DisruptionBudget', message: cause }],
  });
}

/** Sets the DisruptionAllowed condition to match status.disruptionsAllowed. */
function setAllowedCondition(st: Obj, generation: number, now: number): void {
  const allowed = Number(st['disruptionsAllowed'] ?? 0) > 0;
  const conds = (Array.isArray(st['conditions']) ? st['conditions'] : []) as Obj[];
  const want = allowed ? 'True' : 'False';
  const prev = conds.find((c) => c['type'] === 'DisruptionAllowed');
  const cond: Obj = {
    type: 'DisruptionAllowed',
    status: want,
    reason: allowed ? 'SufficientPods' : 'InsufficientPods',
    message: '',
    observedGeneration: generation,
    lastTransitionTime: prev && prev['status'] === want ? prev['lastTransitionTime'] : timestamp(now),
  };
  st['conditions'] = [...conds.filter((c) => c !== prev), cond];
}

/**
 * Decrements the budget's allowance for `podName`, or throws why it cannot. Returns false
 * when the write lost a race (retry with the new budget).
 */
async function takeDisruption(
  pdbs: GenericStore,
  ctx: RequestContext,
  pdb: KObject,
  podName: string,
  now: number,
): Promise<boolean> {
  const name = pdb.metadata!.name!;
  const st = status(pdb);
  const generation = pdb.metadata?.generation ?? 0;
  if (Number(st['observedGeneration'] ?? 0) < generation) {
    throw tooManyRequests(
      "Cannot evict pod as it would violate the pod's disruption budget.",
      10,
      `The disruption budget ${name} is still being processed by the server.`,
    );
  }
  const allowed = Number(st['disruptionsAllowed'] ?? 0);
  const gr = { group: 'policy', resource: 'poddisruptionbudgets' };
  if (allowed < 0) {
    throw new ApiError(
      403,
      'Forbidden',
      `poddisruptionbudgets.policy "${name}" is forbidden: pdb disruptions allowed is negative`,
      {
        name,
        group: gr.group,
        kind: gr.resource,
      },
    );
  }
  const disrupted = (st['disruptedPods'] ?? {}) as Record<string, string>;
  if (Object.keys(disrupted).length > MAX_DISRUPTED_PODS) {
    throw new ApiError(
      403,
      'Forbidden',
      `poddisruptionbudgets.policy "${name}" is forbidden: DisruptedPods map too big - too many evictions not confirmed by PDB controller`,
      { name, group: gr.group, kind: gr.resource },
    );
  }
  if (allowed === 0) {
    throw tooManyRequests(
      "Cannot evict pod as it would violate the pod's disruption budget.",
      0,
      `The disruption budget ${name} needs ${Number(st['desiredHealthy'] ?? 0)} healthy pods and has ${Number(st['currentHealthy'] ?? 0)} currently`,
    );
  }
  const next = structuredClone(pdb);
  const nst = status(next);
  next['status'] = nst;
  nst['disruptionsAllowed'] = allowed - 1;
  if (allowed - 1 === 0) setAllowedCondition(nst, Number(nst['observedGeneration'] ?? generation), now);
  if (ctx.dryRun) return true;
  nst['disruptedPods'] = { ...disrupted, [podName]: timestamp(now) };
  try {
    await updateObject(pdbs, ctx, next.metadata!.namespace!, name, {
      subresource: 'status',
      createIfMissing: false,
      requireResourceVersion: true,
      apply: () => next,
    });
    return true;
  } catch (err) {
    if (err instanceof ApiError && err.code === 409) return false;
    throw err;
  }
}

/** Adds the DisruptionTarget condition that tells the pod's owner why it is going. */
async function markDisruptionTarget(
  pods: GenericStore,
  ctx: RequestContext,
  pod: KObject,
  now: number,
): Promise<string | undefined> {
  const m = pod.metadata!;
  await updateObject(pods, ctx, m.namespace!, m.name!, {
    subresource: 'status',
    createIfMissing: false,
    requireResourceVersion: false,
    apply: (cur) => {
      if (!cur) return pods.notFound(m.name!);
      const st = status(cur);
      cur['status'] = st;
      const conds = (Array.isArray(st['conditions']) ? st['conditions'] : []) as Obj[];
      const prev = conds.find((c) => c['type'] === 'DisruptionTarget');
      const cond: Obj = {
        type: 'DisruptionTarget',
        status: 'True',
        reason: 'EvictionByEvictionAPI',
        message: 'Eviction API: evicting',
        lastTransitionTime: prev?.['status'] === 'True' ? prev['lastTransitionTime'] : timestamp(now),
      };
      st['conditions'] = [...conds.filter((c) => c !== prev), cond];
      delete cur.metadata!.resourceVersion;
      return cur;
    },
  });
  // The status write answers with the version it replaced: read the one our change made.
  return (await pods.get(m.namespace!, m.name!)).metadata?.resourceVersion;
}

export async function evictPod(call: ResourceCall): Promise<void> {
  const { info, store } = call;
  const eviction = await decodeObject(call, 'Eviction', 'policy/v1');
  const evictName = eviction.metadata?.name;
  if (evictName && evictName !== info.name)
    throw Errors.badRequest('name in URL does not match name in Eviction object');
  const rawOpts = eviction['deleteOptions'] as Obj | undefined;
  const opts = deleteOptions(rawOpts, new URLSearchParams());
  const dryRunOpt = rawOpts?.['dryRun'];
  const dryRun = call.ctx.dryRun || (Array.isArray(dryRunOpt) && dryRunOpt.includes('All'));
  const ctx: RequestContext = { ...call.ctx, dryRun };
  const pdbs = call.registry.get('policy', 'v1', 'poddisruptionbudgets');
  if (!pdbs) throw Errors.internal('poddisruptionbudgets are not served');
  for (let attempt = 0; ; attempt++) {
    const pod = await store.get(info.namespace, info.name);
    if (!canIgnoreBudget(pod)) {
      const covering = budgetsOf(pdbs, pod);
      if (covering.length > 1) {
        throw Errors.internal(
          'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
        );
      }
      if (covering.length === 1) {
        const pdb = await pdbs.get(info.namespace, covering[0]!.metadata!.name!);
        const st = status(pdb);
        const policy = (pdb['spec'] as Obj | undefined)?.['unhealthyPodEvictionPolicy'];
        const healthyBudget =
          Number(st['currentHealthy'] ?? 0) >= Number(st['desiredHealthy'] ?? 0) &&
          Number(st['desiredHealthy'] ?? 0) > 0;
        const unreadyMayGo = !isReady(pod) && (policy === 'AlwaysAllow' || healthyBudget);
        if (unreadyMayGo) {
          // Unready pods go without taking from the budget, but only as they are now.
          opts.preconditions = { ...opts.preconditions, resourceVersion: pod.metadata!.resourceVersion! };
        } else if (!(await takeDisruption(pdbs, ctx, pdb, info.name, call.now))) {
          if (attempt < ATTEMPTS) continue;
          throw Errors.modified({ group: 'policy', resource: 'poddisruptionbudgets' }, pdb.metadata!.name!);
        }
      }
    }
    if (!dryRun && !pod.metadata?.deletionTimestamp) {
      const rv = await markDisruptionTarget(store, ctx, pod, call.now);
      // The condition is our own change: the precondition moves to the version it made.
      if (opts.preconditions?.resourceVersion && rv) opts.preconditions.resourceVersion = rv;
    }
    await deleteObject(store, ctx, info.namespace, info.name, opts);
    writeJson(call.res, 201, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      code: 201,
    });
    return;
  }
}
