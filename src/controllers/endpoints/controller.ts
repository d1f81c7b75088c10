/**
 * The Endpoints controller: keeps one core/v1 Endpoints per Service with a selector (named
 * like the Service) listing the selected pods' addresses (compute.ts), creating, updating
 * or leaving it as it is, and deleting it when the Service goes. Services without a
 * selector are left alone: their Endpoints are the user's. Pod changes that can move an
 * address (labels, IPs, readiness, deletion) enqueue the Services that select the pod,
 * before and after the change.
 */
import { keyOf, splitKey } from '../../client/cache.js';
import { ApiStatusError, isAlreadyExists, isNotFound } from '../../client/errors.js';
import type { Informer } from '../../client/informer.js';
import type { KObject } from '../../registry/types.js';
import { deepEqual } from '../../util/deep-equal.js';
import { type ControllerContext, QueueController } from '../framework/controller.js';
import { type DesiredEndpoints, desiredEndpoints, OVER_CAPACITY } from './compute.js';
import { podChangeMatters, selects, serviceSelector } from './pods.js';

const LEADER_ANNOTATION = 'control-plane.alpha.kubernetes.io/leader';

export class EndpointsController extends QueueController {
  readonly name = 'endpoints';
  private readonly services: Informer;
  private readonly pods: Informer;
  private readonly endpoints: Informer;

  constructor(ctx: ControllerContext) {
    super(ctx, 2);
    this.services = ctx.informers.informer('', 'v1', 'services');
    this.pods = ctx.informers.informer('', 'v1', 'pods');
    this.endpoints = ctx.informers.informer('', 'v1', 'endpoints');
    this.services.addHandler({
      onAdd: (s) => this.enqueue(s),
      onUpdate: (_, s) => this.enqueue(s),
      onDelete: (s) => this.enqueue(s),
    });
    this.pods.addHandler({
      onAdd: (p) => this.enqueueServicesOf(p),
      onUpdate: (old, p) => {
        if (!podChangeMatters(old, p)) return;
        this.enqueueServicesOf(old);
        this.enqueueServicesOf(p);
      },
      onDelete: (p) => this.enqueueServicesOf(p),
    });
    this.endpoints.addHandler({
      onUpdate: (_, e) => this.enqueueIfManaged(e),
      onDelete: (e) => this.enqueueIfManaged(e),
    });
  }

  private enqueueServicesOf(pod: KObject): void {
    for (const svc of this.services.cache.byIndex('namespace', pod.metadata?.namespace ?? '')) {
      const sel = serviceSelector(svc);
      if (sel && selects(sel, pod)) this.enqueue(svc);
    }
  }

  private enqueueIfManaged(ep: KObject): void {
    const svc = this.services.cache.get(keyOf(ep));
    if (svc && serviceSelector(svc)) this.enqueue(svc);
  }

  protected async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const client = this.ctx.client.resource('', 'v1', 'endpoints');
    const svc = this.services.cache.get(key);
    const current = this.endpoints.cache.get(key);
    if (!svc) {
      if (!current || current.metadata?.annotations?.[LEADER_ANNOTATION] !== undefined) return;
      try {
        await client.delete(namespace, name, { preconditions: { uid: current.metadata!.uid! } });
      } catch (err) {
        if (!isNotFound(err) && !(err instanceof ApiStatusError && err.code === 409)) throw err;
      }
      return;
    }
    const selector = serviceSelector(svc);
    if (!selector || svc.metadata?.deletionTimestamp) return;
    const pods = this.pods.cache.byIndex('namespace', namespace).filter((p) => selects(selector, p));
    const want = desiredEndpoints(svc, pods);
    if (current && upToDate(current, want)) return;
    const obj = build(current, namespace, name, want);
    try {
      if (current) await client.update(obj);
      else await client.create(namespace, obj);
    } catch (err) {
      // Someone wrote it first; the informer brings it and we compare again.
      if (isAlreadyExists(err)) return;
      throw err;
    }
  }
}

function upToDate(current: KObject, want: DesiredEndpoints): boolean {
  const annotated = current.metadata?.annotations?.[OVER_CAPACITY] === 'truncated';
  return (
    deepEqual(current['subsets'] ?? [], want.subsets) &&
    deepEqual(current.metadata?.labels ?? {}, want.labels) &&
    annotated === want.truncated
  );
}

function build(
  current: KObject | undefined,
  namespace: string,
  name: string,
  want: DesiredEndpoints,
): KObject {
  const obj: KObject = current
    ? structuredClone(current)
    : { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace } };
  const m = obj.metadata!;
  m.labels = want.labels;
  const annotations = { ...(m.annotations ?? {}) };
  if (want.truncated) annotations[OVER_CAPACITY] = 'truncated';
  else delete annotations[OVER_CAPACITY];
  if (Object.keys(annotations).length > 0) m.annotations = annotations;
  else delete m.annotations;
  if (want.subsets.length > 0) obj['subsets'] = want.subsets;
  else delete obj['subsets'];
  return obj;
}
