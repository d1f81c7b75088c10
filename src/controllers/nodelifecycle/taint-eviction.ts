/**
 * Taint-based eviction (upstream's taint eviction controller): pods on a node with a
 * NoExecute taint they do not tolerate are deleted at once; pods that tolerate it for
 * tolerationSeconds are deleted when that time is up (eviction.ts decides when). Each
 * eviction sets the pod's DisruptionTarget condition, records a TaintManagerEviction
 * event, and deletes the pod gracefully. Level-triggered: pod and node changes enqueue
 * pod keys; a pending eviction is a delayed re-queue of its pod.
 */

import { isConflict, isNotFound } from '../../client/errors.js';
import type { Informer } from '../../client/informer.js';
import type { KObject } from '../../registry/types.js';
import { type ControllerContext, QueueController } from '../framework/controller.js';
import type { EventRecorder } from '../framework/recorder.js';
import { NODE_NAME_INDEX, podNodeIndex, rfc3339 } from './controller.js';
import { evictionFor } from './eviction.js';
import { NO_EXECUTE, type Taint, taintsOf } from './taints.js';

type Obj = Record<string, unknown>;

function noExecuteKey(node: KObject | undefined): string {
  if (!node) return '';
  return taintsOf(node)
    .filter((t) => t.effect === NO_EXECUTE)
    .map((t) => `${t.key}=${t.value ?? ''}`)
    .sort()
    .join(',');
}

function nodeNameOf(pod: KObject): string {
  const n = (pod['spec'] as Obj | undefined)?.['nodeName'];
  return typeof n === 'string' ? n : '';
}

export class TaintEvictionController extends QueueController {
  readonly name = 'taint-eviction';
  private readonly nodes: Informer;
  private readonly pods: Informer;
  private readonly events: EventRecorder;
  /** When taints without a timeAdded were first seen, by node/key/value. */
  private readonly firstSeen = new Map<string, number>();

  constructor(ctx: ControllerContext) {
    super(ctx, 4);
    this.nodes = ctx.informers.informer('', 'v1', 'nodes');
    this.pods = ctx.informers.informer('', 'v1', 'pods');
    podNodeIndex(this.pods);
    this.events = ctx.recorder('taint-eviction-controller');
    this.pods.addHandler({
      onAdd: (p) => this.podChanged(p),
      onUpdate: (_, p) => this.podChanged(p),
    });
    this.nodes.addHandler({
      onAdd: (n) => this.nodeChanged(undefined, n),
      onUpdate: (old, n) => this.nodeChanged(old, n),
    });
  }

  private podChanged(pod: KObject): void {
    const node = this.nodes.cache.getByName('', nodeNameOf(pod));
    if (node && noExecuteKey(node) !== '' && !pod.metadata?.deletionTimestamp) this.enqueue(pod);
  }

  private nodeChanged(old: KObject | undefined, node: KObject): void {
    const now = noExecuteKey(node);
    if (now === noExecuteKey(old) || now === '') return;
    for (const p of this.pods.cache.byIndex(NODE_NAME_INDEX, node.metadata?.name ?? '')) this.podChanged(p);
  }

  private seen(node: string, taints: Taint[], now: number): number {
    let first = now;
    for (const t of taints) {
      if (t.effect !== NO_EXECUTE || t.timeAdded) continue;
      const k = `${node}/${t.key}/${t.value ?? ''}`;
      if (!this.firstSeen.has(k)) {
        if (this.firstSeen.size > 10_000) this.firstSeen.clear();
        this.firstSeen.set(k, now);
      }
      first = Math.min(first, this.firstSeen.get(k)!);
    }
    return first;
  }

  protected async sync(key: string): Promise<void> {
    const pod = this.pods.cache.get(key);
    if (!pod || pod.metadata?.deletionTimestamp) return;
    const nodeName = nodeNameOf(pod);
    const node = this.nodes.cache.getByName('', nodeName);
    if (!node) return;
    const now = this.ctx.now();
    const taints = taintsOf(node);
    const decision = evictionFor(pod, taints, now, this.seen(nodeName, taints, now));
    if (decision.kind === 'none') return;
    if (decision.kind === 'at') {
      this.queue.addAfter(key, decision.at - now);
      return;
    }
    await this.evict(pod, now);
  }

  private async evict(pod: KObject, now: number): Promise<void> {
    const m = pod.metadata ?? {};
    const api = this.ctx.client.resource('', 'v1', 'pods');
    this.events.event(
      pod,
      'Normal',
      'TaintManagerEviction',
      `Marking for deletion Pod ${m.namespace}/${m.name}`,
    );
    const status = (pod['status'] as Obj | undefined) ?? {};
    const conds = (status['conditions'] as Obj[] | undefined) ?? [];
    if (!conds.some((c) => c['type'] === 'DisruptionTarget')) {
      const conditions = [
        ...conds,
        {
          type: 'DisruptionTarget',
          status: 'True',
          lastProbeTime: null,
          lastTransitionTime: rfc3339(now),
          reason: 'DeletionByTaintManager',
          message: 'Taint manager: deleting due to NoExecute taint',
        },
      ];
      try {
        await api.updateStatus({ ...pod, apiVersion: 'v1', kind: 'Pod', status: { ...status, conditions } });
      } catch (err) {
        if (isNotFound(err)) return;
        if (!isConflict(err))
          this.ctx.log(`taint-eviction: condition on ${m.namespace}/${m.name}: ${(err as Error).message}`);
      }
    }
    try {
      await api.delete(m.namespace, m.name ?? '', m.uid ? { preconditions: { uid: m.uid } } : {});
      this.ctx.log(`taint-eviction: evicted pod ${m.namespace}/${m.name} from node ${nodeNameOf(pod)}`);
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  }
}
