/**
 * The cluster DNS server of `k8ts server`: answers the cluster zone from informers
 * (./state.ts, ./resolver.ts) and forwards other names upstream, on the addresses given
 * with --dns-listen and, when a kubelet runs in the process, on port 53 of the node's
 * pod-network gateway (10.42.0.1), which it publishes as the endpoint of the `kube-dns`
 * Service so that the Service proxy can send 10.43.0.10:53 there. It keeps the Service in
 * place (recreating it if deleted) and, on close, takes its endpoint out again.
 */
import { Backoff, sleep } from '../client/backoff.js';
import type { Client } from '../client/client.js';
import { formatHostPort, type HostPort } from './addresses.js';
import { Forwarder } from './forwarder.js';
import { QueryHandler } from './handler.js';
import { DNS_PORT, KUBE_DNS, KUBE_SYSTEM } from './kube-dns.js';
import { KubeDnsPublisher } from './publish.js';
import { DnsListener } from './server.js';
import { ClusterState } from './state.js';
import { defaultUpstreams } from './upstreams.js';

/** What the kubelet tells once the node's pod network is set up. */
export interface PodNetwork {
  podCIDR: string;
  /** The bridge the pods hang off. */
  bridge: string;
  /** The bridge's address, the pods' gateway (10.42.0.1). */
  gateway: string;
}

export interface ClusterDnsOptions {
  client: Client;
  /** The cluster domain (cluster.local). */
  zone: string;
  /** The ClusterIP of the kube-dns Service (10.43.0.10). */
  serviceIP: string;
  /** Addresses to serve on besides the gateway (port 0 picks one). */
  listen: HostPort[];
  /** Resolvers for other names (default: the host's, see ./upstreams.ts). */
  upstreams?: HostPort[];
  forwardTimeoutMs?: number;
  /** Port served on the gateway address (53; tests may choose another). */
  gatewayPort?: number;
  log: (m: string) => void;
}

const UNPUBLISH_TIMEOUT_MS = 2000;

export class ClusterDns {
  private readonly ac = new AbortController();
  private readonly tasks: Promise<unknown>[] = [];
  private readonly listeners: DnsListener[] = [];
  private readonly publisher: KubeDnsPublisher;
  private readonly state: ClusterState;
  private handler: QueryHandler | undefined;
  private node: { name: string; address: string } | undefined;
  private published = false;
  private wake: () => void = () => undefined;

  constructor(private readonly o: ClusterDnsOptions) {
    this.publisher = new KubeDnsPublisher(o.client);
    this.state = new ClusterState({
      client: o.client,
      zone: o.zone,
      nameservers: [o.serviceIP],
      log: (m) => o.log(m),
    });
    this.state.onServiceDeleted(KUBE_SYSTEM, KUBE_DNS, () => this.wake());
  }

  /** Where it serves now (host and bound port). */
  get addresses(): HostPort[] {
    return this.listeners.map((l) => l.address);
  }

  /** Binds the --dns-listen addresses (throws when one cannot be bound) and starts serving. */
  async start(): Promise<void> {
    const o = this.o;
    const upstreams = o.upstreams ?? (await defaultUpstreams());
    if (upstreams.length === 0)
      o.log(
        'no upstream resolvers (resolv.conf has none but loopback ones): names outside the cluster get SERVFAIL',
      );
    const forwarder = new Forwarder({
      upstreams,
      ...(o.forwardTimeoutMs !== undefined ? { timeoutMs: o.forwardTimeoutMs } : {}),
    });
    const handler = new QueryHandler({ view: () => this.state.view(), zone: o.zone, forwarder, log: o.log });
    this.handler = handler;
    try {
      for (const at of o.listen) this.listeners.push(await this.listen(at));
    } catch (err) {
      await Promise.all(this.listeners.map((l) => l.close()));
      this.listeners.length = 0;
      throw err;
    }
    this.tasks.push(this.state.run(this.ac.signal), this.maintain());
  }

  private async listen(at: HostPort): Promise<DnsListener> {
    const handler = this.handler;
    if (!handler) throw new Error('cluster DNS is not started');
    const l = await DnsListener.listen(at, (q, t) => handler.handle(q, t), { log: this.o.log });
    this.o.log(`listening on ${formatHostPort(l.address)} (udp, tcp), zone ${this.o.zone}`);
    return l;
  }

  /**
   * Serves the node's pod network once `network` is set up: listens on its gateway (retrying
   * while the address cannot be bound) and publishes it as kube-dns's endpoint.
   */
  serveNode(nodeName: string, network: Promise<PodNetwork>): void {
    this.tasks.push(this.runNode(nodeName, network));
  }

  private async runNode(nodeName: string, network: Promise<PodNetwork>): Promise<void> {
    const signal = this.ac.signal;
    const net = await untilAborted(network, signal);
    if (!net || signal.aborted) return;
    const backoff = new Backoff(500, 10_000);
    let lastError = '';
    while (!signal.aborted) {
      try {
        const l = await this.listen({ host: net.gateway, port: this.o.gatewayPort ?? DNS_PORT });
        if (signal.aborted) {
          await l.close();
          return;
        }
        this.listeners.push(l);
        break;
      } catch (err) {
        const msg = (err as Error).message;
        if (msg !== lastError)
          this.o.log(`cannot serve on ${net.gateway}:${this.o.gatewayPort ?? DNS_PORT} yet: ${msg}`);
        lastError = msg;
        await sleep(backoff.next(), signal);
      }
    }
    if (signal.aborted) return;
    this.node = { name: nodeName, address: net.gateway };
    this.wake();
  }

  /** Keeps the kube-dns Service and this server's endpoint in place. */
  private async maintain(): Promise<void> {
    const signal = this.ac.signal;
    const backoff = new Backoff(200, 10_000);
    let warned = false;
    while (!signal.aborted) {
      const woken = untilAborted(
        new Promise<void>((r) => {
          this.wake = r;
        }),
        signal,
      );
      try {
        const svc = await this.publisher.ensureService(this.o.serviceIP);
        const ip = (svc['spec'] as { clusterIP?: string } | undefined)?.clusterIP;
        if (ip !== this.o.serviceIP && !warned) {
          warned = true;
          this.o.log(
            `the kube-dns Service has clusterIP ${ip}, not the cluster DNS address ${this.o.serviceIP}`,
          );
        }
        if (this.node) {
          await this.publisher.publish(svc, this.node.name, this.node.address);
          if (!this.published)
            this.o.log(`published ${this.node.address} as an endpoint of ${KUBE_SYSTEM}/${KUBE_DNS}`);
          this.published = true;
        }
        backoff.reset();
        await woken;
      } catch (err) {
        if (signal.aborted) break;
        this.o.log(`keeping ${KUBE_SYSTEM}/${KUBE_DNS} in place: ${(err as Error).message}`);
        await sleep(backoff.next(), signal);
      }
    }
  }

  async close(): Promise<void> {
    this.ac.abort();
    await Promise.allSettled(this.tasks);
    if (this.published && this.node) {
      const node = this.node.name;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.publisher.unpublish(node),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('timed out')), UNPUBLISH_TIMEOUT_MS);
        }),
      ])
        .catch((err: unknown) =>
          this.o.log(`removing this server from ${KUBE_SYSTEM}/${KUBE_DNS}: ${(err as Error).message}`),
        )
        .finally(() => clearTimeout(timer));
    }
    await Promise.all(this.listeners.map((l) => l.close()));
    this.listeners.length = 0;
  }
}

/** `p`, or undefined as soon as `signal` aborts. */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise<T | undefined>((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
