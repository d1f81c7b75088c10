/**
 * The service proxy of one node: watches Services and EndpointSlices through informers
 * and keeps the node's nftables table (see ./proxier.ts) in line with them. Event
 * handlers only mark a Service key dirty; one sync loop applies the dirty keys in a
 * single incremental transaction after a short debounce (counted from the first change,
 * so a steady stream of changes still syncs every `debounceMs`). The first sync, every
 * periodic resync and any sync after a failure rebuild the whole table. stop() removes
 * the table, the routes and the sysctl change.
 *
 * Services labelled service.kubernetes.io/service-proxy-name belong to another proxy
 * and are skipped, as are their slices.
 */
import type { Client } from '../client/client.js';
import { Informer } from '../client/informer.js';
import type { KObject } from '../registry/types.js';
import { HealthCheckServers } from './healthcheck.js';
import type { ServicePort } from './model.js';
import { proxyTableName } from './names.js';
import { STALE_CHAIN_DELAY_MS } from './plan.js';
import { Proxier, type SyncStats } from './proxier.js';
import { commandRunner, type Runner } from './runner.js';
import { SERVICE_NAME_LABEL, servicePortsOf } from './services.js';

const PROXY_NAME_LABEL = 'service.kubernetes.io/service-proxy-name';
const SLICE_INDEX = 'proxy:service';
const MASQUERADE_MARK = '0x4000';

export interface ServiceProxyOptions {
  client: Client;
  nodeName: string;
  /** The node's InternalIP: NodePorts and LoadBalancer health checks listen there. */
  nodeIP: string;
  /** The node's pod bridge, its address and the node's pod range. */
  bridge: string;
  gateway: string;
  podCIDR: string;
  clusterCIDR: string;
  serviceCIDR: string;
  log: (m: string) => void;
  /** Default: commands run on this machine. */
  runner?: Runner;
  /** Default: proxyTableName(bridge). */
  table?: string;
  /** Coalescing window of changes (default 10 ms). */
  debounceMs?: number;
  /** Full resync period (default 5 minutes). */
  resyncMs?: number;
  /** Serve health checks on the node IP (default true). */
  healthChecks?: boolean;
}

export interface SyncReport extends SyncStats {
  full: boolean;
  services: number;
  ms: number;
}

export class ServiceProxy {
  readonly proxier: Proxier;
  private readonly services: Informer;
  private readonly slices: Informer;
  private readonly ac = new AbortController();
  private readonly dirty = new Set<string>();
  private readonly health: HealthCheckServers | undefined;
  private fullPending = true;
  private recreate = true;
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private started = false;
  private stopped = false;
  private healthKey = '';
  /** Called after every sync (for tests and metrics). */
  onSync: ((r: SyncReport) => void) | undefined;

  constructor(private readonly o: ServiceProxyOptions) {
    const runner = o.runner ?? commandRunner();
    this.proxier = new Proxier({
      rules: {
        table: o.table ?? proxyTableName(o.bridge),
        clusterCIDR: o.clusterCIDR,
        serviceCIDR: o.serviceCIDR,
        nodePortIPs: [...new Set([o.nodeIP, '127.0.0.1'])].filter((ip) => !ip.includes(':')),
        masqueradeMark: MASQUERADE_MARK,
      },
      bridge: { bridge: o.bridge, gateway: o.gateway, prefixLength: Number(o.podCIDR.split('/')[1] ?? 24) },
      runner,
    });
    const log = (m: string) => o.log(`proxy: ${m}`);
    this.services = new Informer(o.client.resource('', 'v1', 'services'), { log });
    this.slices = new Informer(o.client.resource('discovery.k8s.io', 'v1', 'endpointslices'), { log });
    this.slices.addIndexer(SLICE_INDEX, (s) => {
      const svc = s.metadata?.labels?.[SERVICE_NAME_LABEL];
      return svc ? [`${s.metadata?.namespace}/${svc}`] : [];
    });
    const bySvc = (s: KObject) => this.markDirty(`${s.metadata?.namespace}/${s.metadata?.name}`);
    this.services.addHandler({ onAdd: bySvc, onUpdate: (_, s) => bySvc(s), onDelete: bySvc });
    const bySlice = (s: KObject) => {
      const svc = s.metadata?.labels?.[SERVICE_NAME_LABEL];
      if (svc) this.markDirty(`${s.metadata?.namespace}/${svc}`);
    };
    this.slices.addHandler({ onAdd: bySlice, onUpdate: (_, s) => bySlice(s), onDelete: bySlice });
    if (o.healthChecks !== false) this.health = new HealthCheckServers(o.nodeIP, log);
  }

  /** Starts watching; the first sync follows once both informers have listed. */
  start(): void {
    if (this.started) return;
    this.started = true;
    const signal = this.ac.signal;
    void this.services.start(signal);
    void this.slices.start(signal);
    void Promise.all([this.services.waitForSync(signal), this.slices.waitForSync(signal)]).then(() => {
      if (signal.aborted) return;
      this.fullPending = true;
      this.schedule(0);
    });
    const resync = this.o.resyncMs ?? 5 * 60_000;
    this.resyncTimer = setInterval(() => {
      this.fullPending = true;
      this.schedule(0);
    }, resync);
    this.resyncTimer.unref();
  }

  /** Stops syncing and removes everything the proxy put into the kernel. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.ac.abort();
    if (this.timer) clearTimeout(this.timer);
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    await this.running?.catch(() => undefined);
    await this.health?.close();
    await this.proxier
      .cleanup()
      .catch((err: unknown) => this.o.log(`proxy: cleanup: ${(err as Error).message}`));
  }

  private markDirty(key: string): void {
    this.dirty.add(key);
    this.schedule(this.o.debounceMs ?? 10);
  }

  private schedule(ms: number): void {
    // Nothing is synced from half-filled caches: that would drop Services for a moment.
    if (!this.services.hasSynced || !this.slices.hasSynced) return;
    if (this.stopped || this.timer || this.running) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.syncOnce().finally(() => {
        this.running = undefined;
        this.afterSync();
      });
    }, ms);
    this.timer.unref();
  }

  private afterSync(): void {
    if (this.stopped) return;
    if (this.failures > 0) {
      this.schedule(Math.min(1000 * 2 ** (this.failures - 1), 30_000));
      return;
    }
    if (this.fullPending || this.dirty.size > 0) this.schedule(this.o.debounceMs ?? 10);
    else if (this.proxier.staleChains > 0) this.schedule(STALE_CHAIN_DELAY_MS + 50);
  }

  private portsOf(key: string): ServicePort[] {
    const svc = this.services.cache.get(key);
    if (!svc || svc.metadata?.labels?.[PROXY_NAME_LABEL]) return [];
    const slices = this.slices.cache
      .byIndex(SLICE_INDEX, key)
      .filter((s) => !s.metadata?.labels?.[PROXY_NAME_LABEL]);
    return servicePortsOf(svc, slices, this.o.nodeName);
  }

  private async syncOnce(): Promise<void> {
    const full = this.fullPending;
    const keys = full ? this.services.cache.keys() : [...this.dirty];
    this.dirty.clear();
    this.fullPending = false;
    const t0 = performance.now();
    try {
      const ports = new Map(keys.map((k) => [k, this.portsOf(k)]));
      const stats = full
        ? await this.proxier.syncAll(ports, this.recreate)
        : await this.proxier.syncChanged(ports);
      this.recreate = false;
      this.failures = 0;
      this.onSync?.({ ...stats, full, services: keys.length, ms: performance.now() - t0 });
      await this.syncHealth();
    } catch (err) {
      this.failures++;
      this.fullPending = true;
      // A second failure in a row rebuilds the table from scratch.
      this.recreate = this.failures > 1;
      if (!full) for (const k of keys) this.dirty.add(k);
      this.o.log(`proxy: ${full ? 'full' : 'incremental'} sync failed: ${(err as Error).message}`);
    }
  }

  private async syncHealth(): Promise<void> {
    if (!this.health) return;
    const checks = this.proxier.healthChecks();
    const key = JSON.stringify(checks);
    if (key === this.healthKey) return;
    this.healthKey = key;
    await this.health.sync(checks);
  }
}
