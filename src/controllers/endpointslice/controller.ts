/**
 * The EndpointSlice controller: keeps the discovery.k8s.io/v1 EndpointSlices of every
 * Service with a selector (labelled `kubernetes.io/service-name` and managed-by
 * `endpointslice-controller.k8s.io`, owned by the Service) in line with the pods it
 * selects (compute.ts). Slices of other managers, and Services without a selector, are
 * left alone. Because slice names are generated, the controller remembers the versions
 * of its own last writes and waits for the informer to catch up before planning again,
 * so it never plans from a cache that misses its own slices.
 */
import { splitKey } from '../../client/cache.js';
import { ApiStatusError, isNotFound } from '../../client/errors.js';
import type { Informer } from '../../client/informer.js';
import type { KObject } from '../../registry/types.js';
import { podChangeMatters, selects, serviceSelector } from '../endpoints/pods.js';
import { type ControllerContext, QueueController } from '../framework/controller.js';
import {
  type AddressType,
  addressTypes,
  CONTROLLER_NAME,
  desiredGroups,
  MANAGED_BY_LABEL,
  planSlices,
  SERVICE_NAME_LABEL,
  ZONE_LABEL,
} from './compute.js';

const SERVICE_INDEX = 'endpointslice:service';
const STALE_RECHECK_MS = 100;
const STALE_GIVE_UP_MS = 10_000;

/** What the cache must show before the next plan: versions written and names deleted. */
interface Pending {
  written: Map<string, number>;
  deleted: Set<string>;
  since: number;
}

export class EndpointSliceController extends QueueController {
  readonly name = 'endpointslice';
  private readonly services: Informer;
  private readonly pods: Informer;
  private readonly slices: Informer;
  private readonly nodes: Informer;
  private readonly pending = new Map<string, Pending>();

  constructor(
    ctx: ControllerContext,
    private readonly maxEndpointsPerSlice = 100,
  ) {
    super(ctx, 2);
    this.services = ctx.informers.informer('', 'v1', 'services');
    this.pods = ctx.informers.informer('', 'v1', 'pods');
    this.nodes = ctx.informers.informer('', 'v1', 'nodes');
    this.slices = ctx.informers.informer('discovery.k8s.io', 'v1', 'endpointslices');
    this.slices.addIndexer(SERVICE_INDEX, (s) => {
      const l = s.metadata?.labels ?? {};
      const svc = l[SERVICE_NAME_LABEL];
      return svc && l[MANAGED_BY_LABEL] === CONTROLLER_NAME ? [`${s.metadata?.namespace}/${svc}`] : [];
    });
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
    const bySlice = (s: KObject) => {
      const l = s.metadata?.labels ?? {};
      if (l[MANAGED_BY_LABEL] === CONTROLLER_NAME && l[SERVICE_NAME_LABEL])
        this.enqueue(`${s.metadata?.namespace}/${l[SERVICE_NAME_LABEL]}`);
    };
    this.slices.addHandler({ onAdd: bySlice, onUpdate: (_, s) => bySlice(s), onDelete: bySlice });
  }

  private enqueueServicesOf(pod: KObject): void {
    for (const svc of this.services.cache.byIndex('namespace', pod.metadata?.namespace ?? '')) {
      const sel = serviceSelector(svc);
      if (sel && selects(sel, pod)) this.enqueue(svc);
    }
  }

  /** Whether the cache already shows this controller's last writes for `key`. */
  private caughtUp(key: string): boolean {
    const p = this.pending.get(key);
    if (!p) return true;
    const seen = new Map(this.slices.cache.byIndex(SERVICE_INDEX, key).map((s) => [s.metadata!.name!, s]));
    const ok =
      [...p.deleted].every((n) => !seen.has(n)) &&
      [...p.written].every(([n, rv]) => Number(seen.get(n)?.metadata?.resourceVersion ?? 0) >= rv);
    if (ok || this.ctx.now() - p.since > STALE_GIVE_UP_MS) {
      this.pending.delete(key);
      return true;
    }
    return false;
  }

  protected async sync(key: string): Promise<void> {
    if (!this.caughtUp(key)) {
      this.queue.addAfter(key, STALE_RECHECK_MS);
      return;
    }
    const { namespace } = splitKey(key);
    const svc = this.services.cache.get(key);
    const mine = this.slices.cache.byIndex(SERVICE_INDEX, key);
    const client = this.ctx.client.resource('discovery.k8s.io', 'v1', 'endpointslices');
    const pending: Pending = { written: new Map(), deleted: new Set(), since: this.ctx.now() };
    try {
      if (!svc || svc.metadata?.deletionTimestamp) {
        for (const s of mine) await this.remove(client, s, pending);
        return;
      }
      const selector = serviceSelector(svc);
      if (!selector) return;
      const pods = this.pods.cache.byIndex('namespace', namespace).filter((p) => selects(selector, p));
      const zones = (node: string) => this.nodes.cache.getByName('', node)?.metadata?.labels?.[ZONE_LABEL];
      const types = addressTypes(svc);
      for (const s of mine)
        if (!types.includes(s['addressType'] as AddressType)) await this.remove(client, s, pending);
      for (const type of types) {
        const existing = mine.filter((s) => s['addressType'] === type);
        const plan = planSlices(
          svc,
          type,
          desiredGroups(svc, pods, type, zones),
          existing,
          this.maxEndpointsPerSlice,
        );
        for (const s of plan.create) {
          const made = await client.create(namespace, s);
          pending.written.set(made.metadata!.name!, Number(made.metadata!.resourceVersion));
        }
        for (const s of plan.update) {
          const made = await client.update(s);
          pending.written.set(made.metadata!.name!, Number(made.metadata!.resourceVersion));
        }
        for (const s of plan.delete) await this.remove(client, s, pending);
      }
    } finally {
      if (pending.written.size > 0 || pending.deleted.size > 0) this.pending.set(key, pending);
    }
  }

  private async remove(
    client: ReturnType<ControllerContext['client']['resource']>,
    slice: KObject,
    pending: Pending,
  ): Promise<void> {
    const m = slice.metadata!;
    try {
      await client.delete(m.namespace, m.name!, { preconditions: { uid: m.uid! } });
    } catch (err) {
      if (!isNotFound(err) && !(err instanceof ApiStatusError && err.code === 409)) throw err;
    }
    pending.deleted.add(m.name!);
  }
}
