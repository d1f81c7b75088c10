/**
 * The built-in ingress controller of a node: it watches Ingresses, IngressClasses,
 * Services, EndpointSlices, kubernetes.io/tls Secrets and Nodes, rebuilds the routing
 * table (table.ts, a pure function of those objects) whenever something it uses changes,
 * and swaps it into the running proxy, so rule and certificate changes never restart a
 * listener or drop a connection. It serves HTTP on nodeIP:httpPort and HTTPS on
 * nodeIP:httpsPort (0 picks a free port; a port that cannot be bound is retried with
 * capped backoff, never fatal), ensures the `k8ts` IngressClass, and writes
 * status.loadBalancer on the Ingresses it serves once it listens.
 *
 * Lifecycle: start(signal) resolves when the caches are synced and the listeners bound
 * (or scheduled for retry); stop() closes the listeners, every connection and every loop.
 */
import { Backoff, sleep } from '../client/backoff.js';
import type { Client } from '../client/client.js';
import { isConflict, isNotFound } from '../client/errors.js';
import { Informer } from '../client/informer.js';
import { runWorkers, WorkQueue } from '../client/workqueue.js';
import type { KObject } from '../registry/types.js';
import { SERVICE_NAME_LABEL } from './backends.js';
import { ensureIngressClass } from './default-class.js';
import { fallbackCertificate } from './fallback-cert.js';
import { type Listener, listen } from './listeners.js';
import { IngressProxy } from './proxy.js';
import { desiredAddresses, nodeAddresses } from './status.js';
import { buildTable, TLS_SECRET_TYPE } from './table.js';
import { SniCertificates } from './tls.js';

export interface IngressControllerOptions {
  client: Client;
  /** The node this controller runs on (for its messages). */
  nodeName: string;
  /** Where the listeners bind, and the address written to Ingress status. */
  nodeIP: string;
  /** 0 picks a free port. */
  httpPort: number;
  /** 0 picks a free port. */
  httpsPort: number;
  log: (msg: string) => void;
}

const SLICE_INDEX = 'ingress:service';
const NETWORKING = 'networking.k8s.io';

function nsName(o: KObject): string {
  return `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
}

export class IngressController {
  readonly proxy: IngressProxy;
  private readonly ac = new AbortController();
  private readonly ingresses: Informer;
  private readonly classes: Informer;
  private readonly services: Informer;
  private readonly slices: Informer;
  private readonly secrets: Informer;
  private readonly nodes: Informer;
  private readonly statusQueue = new WorkQueue(200, 30_000);
  private readonly tasks: Promise<unknown>[] = [];
  private readonly listeners: Listener[] = [];
  private sni: SniCertificates | undefined;
  private pendingRebuild: NodeJS.Immediate | undefined;
  private usedServices = new Set<string>();
  private usedSecrets = new Set<string>();
  private served = new Set<string>();
  private problems = new Set<string>();
  private stopped: Promise<void> | undefined;

  constructor(private readonly opts: IngressControllerOptions) {
    const log = (m: string) => opts.log(`ingress: ${m}`);
    const informer = (group: string, plural: string, fieldSelector?: string) =>
      new Informer(opts.client.resource(group, 'v1', plural), {
        log,
        ...(fieldSelector ? { fieldSelector } : {}),
      });
    this.proxy = new IngressProxy({ log });
    this.ingresses = informer(NETWORKING, 'ingresses');
    this.classes = informer(NETWORKING, 'ingressclasses');
    this.services = informer('', 'services');
    this.slices = informer('discovery.k8s.io', 'endpointslices');
    this.secrets = informer('', 'secrets', `type=${TLS_SECRET_TYPE}`);
    this.nodes = informer('', 'nodes');
    this.slices.addIndexer(SLICE_INDEX, (s) => {
      const svc = s.metadata?.labels?.[SERVICE_NAME_LABEL];
      return svc ? [`${s.metadata?.namespace ?? ''}/${svc}`] : [];
    });
    const always = () => this.scheduleRebuild();
    const when = (used: (o: KObject) => boolean) => (o: KObject) => {
      if (used(o)) this.scheduleRebuild();
    };
    const on = (inf: Informer, f: (o: KObject) => void) =>
      inf.addHandler({
        onAdd: f,
        onDelete: f,
        onUpdate: (old, o) => {
          f(old);
          f(o);
        },
      });
    on(this.ingresses, always);
    on(this.classes, always);
    on(
      this.services,
      when((s) => this.usedServices.has(nsName(s))),
    );
    on(
      this.slices,
      when((s) =>
        this.usedServices.has(`${s.metadata?.namespace ?? ''}/${s.metadata?.labels?.[SERVICE_NAME_LABEL]}`),
      ),
    );
    on(
      this.secrets,
      when((s) => this.usedSecrets.has(nsName(s))),
    );
    this.nodes.addHandler({
      onAdd: () => this.checkStatuses(),
      onDelete: () => this.checkStatuses(),
      onUpdate: (old, n) => {
        const [a, b] = [nodeAddresses([old]), nodeAddresses([n])];
        if (a.size !== b.size || [...a].some((x) => !b.has(x))) this.checkStatuses();
      },
    });
  }

  private get informers(): Informer[] {
    return [this.ingresses, this.classes, this.services, this.slices, this.secrets, this.nodes];
  }

  /** The bound HTTP port, once listening. */
  get httpPort(): number | undefined {
    return this.listeners.find((l) => l.proto === 'http')?.port;
  }

  /** The bound HTTPS port, once listening. */
  get httpsPort(): number | undefined {
    return this.listeners.find((l) => l.proto === 'https')?.port;
  }

  async start(signal?: AbortSignal): Promise<void> {
    if (signal) {
      if (signal.aborted) return;
      signal.addEventListener('abort', () => void this.stop(), { once: true });
    }
    const s = this.ac.signal;
    const log = (m: string) => this.opts.log(`ingress: ${m}`);
    const fallback = await fallbackCertificate();
    this.sni = new SniCertificates(() => this.proxy.current, fallback, log);
    for (const inf of this.informers) this.tasks.push(inf.start(s));
    this.tasks.push(this.keepClass(s));
    await Promise.all(this.informers.map((i) => i.waitForSync(s)));
    if (s.aborted) return;
    this.rebuild();
    for (const [proto, port] of [
      ['http', this.opts.httpPort],
      ['https', this.opts.httpsPort],
    ] as const) {
      if (!(await this.bind(proto, port))) this.tasks.push(this.bindLater(proto, port, s));
    }
    s.addEventListener('abort', () => this.statusQueue.shutDown(), { once: true });
    this.tasks.push(
      runWorkers(
        this.statusQueue,
        1,
        (k) => this.syncStatus(k),
        (k, err) => {
          if (!isConflict(err)) log(`status of ${k}: ${(err as Error).message}`);
        },
      ),
    );
    this.checkStatuses();
  }

  private async bind(proto: 'http' | 'https', port: number): Promise<boolean> {
    if (this.ac.signal.aborted || !this.sni) return true;
    try {
      const l = await listen(proto, this.opts.nodeIP, port, this.proxy, this.sni);
      if (this.ac.signal.aborted) {
        await l.close();
        return true;
      }
      this.listeners.push(l);
      this.opts.log(`ingress: node ${this.opts.nodeName} serves ${proto} on ${this.opts.nodeIP}:${l.port}`);
      this.checkStatuses();
      return true;
    } catch (err) {
      this.opts.log(
        `ingress: cannot listen for ${proto} on ${this.opts.nodeIP}:${port}: ${(err as Error).message}`,
      );
      return false;
    }
  }

  private async bindLater(proto: 'http' | 'https', port: number, signal: AbortSignal): Promise<void> {
    const backoff = new Backoff(1_000, 30_000);
    while (!signal.aborted) {
      await sleep(backoff.next(), signal);
      if (await this.bind(proto, port)) return;
    }
  }

  private async keepClass(signal: AbortSignal): Promise<void> {
    const backoff = new Backoff(500, 30_000);
    while (!signal.aborted) {
      try {
        if (await ensureIngressClass(this.opts.client)) this.opts.log('ingress: created IngressClass k8ts');
        return;
      } catch (err) {
        if (signal.aborted) return;
        this.opts.log(`ingress: cannot ensure IngressClass k8ts: ${(err as Error).message}; retrying`);
        await sleep(backoff.next(), signal);
      }
    }
  }

  /** Rebuilds once after the current burst of events. */
  private scheduleRebuild(): void {
    if (this.pendingRebuild || this.ac.signal.aborted) return;
    this.pendingRebuild = setImmediate(() => {
      this.pendingRebuild = undefined;
      this.rebuild();
    });
  }

  private rebuild(): void {
    const built = buildTable({
      ingresses: this.ingresses.cache.list(),
      classes: this.classes.cache.list(),
      service: (ns, name) => this.services.cache.getByName(ns, name),
      slices: (ns, svc) => this.slices.cache.byIndex(SLICE_INDEX, `${ns}/${svc}`),
      secret: (ns, name) => this.secrets.cache.getByName(ns, name),
    });
    this.proxy.setTable(built.table);
    this.sni?.prune(built.table);
    this.usedServices = built.services;
    this.usedSecrets = built.secrets;
    const problems = new Set(built.problems);
    for (const p of problems) if (!this.problems.has(p)) this.opts.log(`ingress: ${p}`);
    this.problems = problems;
    const served = new Set(built.served.map(nsName));
    const added = [...served].filter((k) => !this.served.has(k));
    const removed = [...this.served].filter((k) => !served.has(k));
    if (added.length > 0) this.opts.log(`ingress: serving ${added.join(', ')}`);
    if (removed.length > 0) this.opts.log(`ingress: no longer serving ${removed.join(', ')}`);
    this.served = served;
    this.checkStatuses();
  }

  /** Queues a status write for every served Ingress whose status is not what it should be. */
  private checkStatuses(): void {
    if (this.listeners.length === 0 || this.ac.signal.aborted) return;
    const ips = nodeAddresses(this.nodes.cache.list());
    for (const key of this.served) {
      const ing = this.ingresses.cache.get(key);
      if (ing && desiredAddresses(ing, this.opts.nodeIP, ips)) this.statusQueue.add(key);
    }
  }

  private async syncStatus(key: string): Promise<void> {
    if (!this.served.has(key)) return;
    const ing = this.ingresses.cache.get(key);
    if (!ing) return;
    const want = desiredAddresses(ing, this.opts.nodeIP, nodeAddresses(this.nodes.cache.list()));
    if (!want) return;
    const status = { ...((ing['status'] ?? {}) as Record<string, unknown>), loadBalancer: { ingress: want } };
    try {
      await this.opts.client.resource(NETWORKING, 'v1', 'ingresses').updateStatus({ ...ing, status });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /** Stops serving: listeners, connections, tunnels, watches and workers. Idempotent. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.ac.abort();
      this.statusQueue.shutDown();
      if (this.pendingRebuild) clearImmediate(this.pendingRebuild);
      this.pendingRebuild = undefined;
      await Promise.all(this.listeners.splice(0).map((l) => l.close()));
      this.proxy.close();
      await Promise.allSettled(this.tasks);
    })();
    return this.stopped;
  }
}
