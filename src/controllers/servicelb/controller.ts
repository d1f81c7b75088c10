/**
 * The built-in service load balancer (like k3s ServiceLB): keeps
 * status.loadBalancer.ingress of every LoadBalancer Service it manages (./plan.ts) set to
 * the InternalIPs of the ready nodes, or empty while another LoadBalancer Service holds
 * one of its ports (with a Warning event saying which). Clears the ingress of a Service
 * that stopped being a LoadBalancer. Admission is decided over all Services at once, so
 * any change to a LoadBalancer Service, and any change of a node's readiness or
 * addresses, re-checks every managed Service.
 */
import type { Informer } from '../../client/informer.js';
import type { KObject } from '../../registry/types.js';
import { type ControllerContext, QueueController } from '../framework/controller.js';
import type { EventRecorder } from '../framework/recorder.js';
import { admit, desiredIngress, EXCLUDE_LABEL, isManaged, nodeAddresses, sameIngress } from './plan.js';

type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

/** What of a node matters here: readiness, addresses and the exclusion label. */
function nodeFacts(n: KObject): string {
  return JSON.stringify([nodeAddresses([n]), n.metadata?.labels?.[EXCLUDE_LABEL] ?? null]);
}

export class ServiceLoadBalancerController extends QueueController {
  readonly name = 'servicelb';
  private readonly services: Informer;
  private readonly nodes: Informer;
  private readonly events: EventRecorder;
  /** The conflict last reported per Service, so a Warning is sent once per conflict. */
  private readonly reported = new Map<string, string>();

  constructor(ctx: ControllerContext) {
    super(ctx, 1);
    this.events = ctx.recorder('service-lb-controller');
    this.services = ctx.informers.informer('', 'v1', 'services');
    this.nodes = ctx.informers.informer('', 'v1', 'nodes');
    const onService = (old: KObject | undefined, svc: KObject) => {
      if (isManaged(svc) || (old && isManaged(old))) this.enqueueAll();
      else if (obj(obj(svc['status'])['loadBalancer'])['ingress']) this.enqueue(svc);
    };
    this.services.addHandler({
      onAdd: (s) => onService(undefined, s),
      onUpdate: (old, s) => onService(old, s),
      onDelete: (s) => {
        if (isManaged(s)) this.enqueueAll();
      },
    });
    this.nodes.addHandler({
      onAdd: () => this.enqueueAll(),
      onUpdate: (old, n) => {
        if (nodeFacts(old) !== nodeFacts(n)) this.enqueueAll();
      },
      onDelete: () => this.enqueueAll(),
    });
  }

  private enqueueAll(): void {
    for (const s of this.services.cache.list()) if (isManaged(s)) this.enqueue(s);
  }

  protected async sync(key: string): Promise<void> {
    const svc = this.services.cache.get(key);
    if (!svc || svc.metadata?.deletionTimestamp) {
      this.reported.delete(key);
      return;
    }
    const spec = obj(svc['spec']);
    if (!isManaged(svc)) {
      // No longer a LoadBalancer (and not someone else's): no ingress any more.
      if (spec['type'] !== 'LoadBalancer' && !sameIngress(svc, [])) await this.write(svc, []);
      return;
    }
    const conflict = admit(this.services.cache.list()).get(key);
    const want = desiredIngress(conflict === undefined, nodeAddresses(this.nodes.cache.list()));
    const message = conflict
      ? `port ${conflict.port}/${conflict.protocol} is already used by LoadBalancer Service ${conflict.holder}; the Service stays pending`
      : '';
    if (message && this.reported.get(key) !== message)
      this.events.event(svc, 'Warning', 'SyncLoadBalancerFailed', message);
    if (message) this.reported.set(key, message);
    else this.reported.delete(key);
    if (sameIngress(svc, want)) return;
    await this.write(svc, want);
    if (want.length > 0)
      this.events.event(
        svc,
        'Normal',
        'EnsuredLoadBalancer',
        `load balancer on ${want.map((i) => i.ip).join(', ')}`,
      );
  }

  private async write(svc: KObject, ingress: { ip: string; ipMode: string }[]): Promise<void> {
    const status = { ...obj(svc['status']), loadBalancer: ingress.length > 0 ? { ingress } : {} };
    await this.ctx.client.resource('', 'v1', 'services').updateStatus({ ...svc, status });
  }
}
