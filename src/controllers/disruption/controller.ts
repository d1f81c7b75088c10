/**
 * The disruption controller: keeps each PodDisruptionBudget's status (currentHealthy,
 * desiredHealthy, expectedPods, disruptionsAllowed, disruptedPods, observedGeneration and
 * the DisruptionAllowed condition) in line with the pods it selects (budget.ts). For
 * percentages and maxUnavailable the expected count is the scale of the pods' controllers
 * (a Deployment through its ReplicaSet, ReplicaSets, StatefulSets, ReplicationControllers,
 * anything else through its scale subresource); a pod without a controller is left out
 * with an UnmanagedPods event, and a controller that cannot be found fails the sync safe
 * (no disruption allowed, reason SyncFailed). Evictions recorded in disruptedPods are
 * forgotten two minutes on if the pod was not deleted (a NotDeleted event).
 */
import { type LabelSelectorObject, labelSelectorFromObject } from '../../api/selectors/index.js';
import { splitKey } from '../../client/cache.js';
import { ApiStatusError, isNotFound } from '../../client/errors.js';
import type { Informer } from '../../client/informer.js';
import { timestamp } from '../../registry/generic/meta.js';
import type { KObject } from '../../registry/types.js';
import { type ControllerContext, QueueController } from '../framework/controller.js';
import type { EventRecorder } from '../framework/recorder.js';
import { resolveKind } from '../garbagecollector/resources.js';
import {
  type BudgetStatus,
  budgetSpec,
  countHealthy,
  expectedAndDesired,
  failSafeStatus,
  inFlight,
  needsScale,
  nextStatus,
} from './budget.js';

type Obj = Record<string, unknown>;

interface OwnerRef {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
}

function controllerOf(o: KObject): OwnerRef | undefined {
  const refs = (o.metadata?.ownerReferences ?? []) as OwnerRef[];
  return refs.find((r) => r.controller === true);
}

function replicas(o: KObject): number {
  const r = (o['spec'] as Obj | undefined)?.['replicas'];
  return typeof r === 'number' ? r : 1;
}

export class DisruptionController extends QueueController {
  readonly name = 'disruption';
  private readonly budgets: Informer;
  private readonly pods: Informer;
  private readonly replicaSets: Informer;
  private readonly deployments: Informer;
  private readonly statefulSets: Informer;
  private readonly rcs: Informer;
  private readonly recorder: EventRecorder;

  constructor(ctx: ControllerContext) {
    super(ctx, 2);
    this.recorder = ctx.recorder('controllermanager');
    this.budgets = ctx.informers.informer('policy', 'v1', 'poddisruptionbudgets');
    this.pods = ctx.informers.informer('', 'v1', 'pods');
    this.replicaSets = ctx.informers.informer('apps', 'v1', 'replicasets');
    this.deployments = ctx.informers.informer('apps', 'v1', 'deployments');
    this.statefulSets = ctx.informers.informer('apps', 'v1', 'statefulsets');
    this.rcs = ctx.informers.informer('', 'v1', 'replicationcontrollers');
    this.budgets.addHandler({ onAdd: (b) => this.enqueue(b), onUpdate: (_, b) => this.enqueue(b) });
    this.pods.addHandler({
      onAdd: (p) => this.enqueueBudgetsOf(p),
      onUpdate: (old, p) => {
        this.enqueueBudgetsOf(old);
        this.enqueueBudgetsOf(p);
      },
      onDelete: (p) => this.enqueueBudgetsOf(p),
    });
    // A controller's scale changes what percentages mean.
    for (const inf of [this.replicaSets, this.deployments, this.statefulSets, this.rcs]) {
      inf.addHandler({
        onUpdate: (old, o) => {
          if (replicas(old) !== replicas(o)) this.enqueueScaled(o.metadata?.namespace ?? '');
        },
      });
    }
  }

  private selected(pdb: KObject, pod: KObject): boolean {
    try {
      return labelSelectorFromObject(budgetSpec(pdb)['selector'] as LabelSelectorObject | undefined).matches(
        pod.metadata?.labels ?? {},
      );
    } catch {
      return false;
    }
  }

  private enqueueBudgetsOf(pod: KObject): void {
    for (const pdb of this.budgets.cache.byIndex('namespace', pod.metadata?.namespace ?? ''))
      if (this.selected(pdb, pod)) this.enqueue(pdb);
  }

  private enqueueScaled(namespace: string): void {
    for (const pdb of this.budgets.cache.byIndex('namespace', namespace))
      if (needsScale(pdb)) this.enqueue(pdb);
  }

  protected async sync(key: string): Promise<void> {
    const pdb = this.budgets.cache.get(key);
    if (!pdb) return;
    const now = this.ctx.now();
    const pods = this.pods.cache
      .byIndex('namespace', splitKey(key).namespace)
      .filter((p) => this.selected(pdb, p));
    if (pods.length === 0) this.recorder.event(pdb, 'Normal', 'NoPods', 'No matching pods found');
    let status: BudgetStatus | undefined;
    let recheckAt: number | undefined;
    try {
      let scale = 0;
      if (needsScale(pdb)) {
        const found = await this.expectedScale(pdb, pods);
        scale = found.scale;
        if (found.unmanaged.length > 0) {
          this.recorder.event(
            pdb,
            'Warning',
            'UnmanagedPods',
            `Pods selected by this PodDisruptionBudget (selector: ${JSON.stringify(budgetSpec(pdb)['selector'])}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.`,
          );
        }
      }
      const { expected, desired } = expectedAndDesired(pdb, pods.length, scale);
      const disrupted = (pdb['status'] as Obj | undefined)?.['disruptedPods'] as
        | Record<string, string>
        | undefined;
      const flight = inFlight(pods, disrupted, now);
      for (const name of flight.expired) {
        const pod = pods.find((p) => p.metadata?.name === name);
        if (pod) {
          this.recorder.event(
            pod,
            'Warning',
            'NotDeleted',
            `Pod was expected by PDB ${pdb.metadata?.namespace}/${pdb.metadata?.name} to be deleted but it wasn't`,
          );
        }
      }
      recheckAt = flight.recheckAt;
      status = nextStatus(
        pdb,
        {
          currentHealthy: countHealthy(pods, flight.map, now),
          desiredHealthy: desired,
          expectedPods: expected,
          disruptedPods: flight.map,
        },
        timestamp(now),
      );
    } catch (err) {
      if (err instanceof ApiStatusError) throw err;
      this.recorder.event(
        pdb,
        'Warning',
        'CalculateExpectedPodCountFailed',
        `Failed to calculate the number of expected pods: ${(err as Error).message}`,
      );
      status = failSafeStatus(pdb, (err as Error).message, timestamp(now));
    }
    if (status) {
      try {
        await this.ctx.client
          .resource('policy', 'v1', 'poddisruptionbudgets')
          .updateStatus({ ...pdb, status });
      } catch (err) {
        if (isNotFound(err)) return;
        throw err;
      }
    }
    if (recheckAt !== undefined) this.queue.addAfter(key, Math.max(0, recheckAt - now) + 1);
  }

  /**
   * The summed scale of the pods' controllers (each counted once); pods without a
   * controller are listed as unmanaged. Throws when a pod's controller cannot be found.
   */
  private async expectedScale(
    _pdb: KObject,
    pods: KObject[],
  ): Promise<{ scale: number; unmanaged: string[] }> {
    const scales = new Map<string, number>();
    const unmanaged: string[] = [];
    const seen = new Set<string>();
    for (const pod of pods) {
      const ref = controllerOf(pod);
      if (!ref) {
        unmanaged.push(pod.metadata?.name ?? '');
        continue;
      }
      if (seen.has(ref.uid)) continue;
      seen.add(ref.uid);
      const found = await this.controllerScale(ref, pod.metadata?.namespace ?? '');
      if (!found) throw new Error(`found no controllers for pod "${pod.metadata?.name}"`);
      scales.set(found.uid, found.scale);
    }
    let scale = 0;
    for (const s of scales.values()) scale += s;
    return { scale, unmanaged };
  }

  private async controllerScale(
    ref: OwnerRef,
    ns: string,
  ): Promise<{ uid: string; scale: number } | undefined> {
    const match = (inf: Informer, name: string, uid: string) => {
      const o = inf.cache.getByName(ns, name);
      return o && o.metadata?.uid === uid ? o : undefined;
    };
    const group = ref.apiVersion.includes('/') ? ref.apiVersion.split('/')[0] : '';
    if (group === 'apps' && ref.kind === 'ReplicaSet') {
      const rs = match(this.replicaSets, ref.name, ref.uid);
      if (!rs) return undefined;
      const owner = controllerOf(rs);
      if (owner?.kind === 'Deployment') {
        const dep = match(this.deployments, owner.name, owner.uid);
        return dep ? { uid: dep.metadata!.uid!, scale: replicas(dep) } : undefined;
      }
      return { uid: rs.metadata!.uid!, scale: replicas(rs) };
    }
    if (group === 'apps' && ref.kind === 'StatefulSet') {
      const sts = match(this.statefulSets, ref.name, ref.uid);
      return sts ? { uid: ref.uid, scale: replicas(sts) } : undefined;
    }
    if (group === '' && ref.kind === 'ReplicationController') {
      const rc = match(this.rcs, ref.name, ref.uid);
      return rc ? { uid: ref.uid, scale: replicas(rc) } : undefined;
    }
    // Anything else with a scale subresource.
    const info = resolveKind(ref.apiVersion, ref.kind);
    if (!info?.subresources?.some((s) => s.name === 'scale')) return undefined;
    const rc = this.ctx.client.resource(info.group, info.version, info.plural);
    const res = await this.ctx.client.transport.request('GET', rc.path(ns, ref.name, 'scale'));
    if (res.status !== 200) return undefined;
    const scale = JSON.parse(res.body.toString('utf8')) as KObject;
    if (scale.metadata?.uid && scale.metadata.uid !== ref.uid) return undefined;
    const n = (scale['spec'] as Obj | undefined)?.['replicas'];
    return { uid: ref.uid, scale: typeof n === 'number' ? n : 0 };
  }
}
