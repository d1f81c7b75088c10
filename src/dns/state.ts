/**
 * The cluster state behind the DNS zone: informers on Namespaces, Services and
 * EndpointSlices (list + watch through the API, never the store), and the ClusterView
 * built from their caches. The view is rebuilt at most once per change, lazily, by the
 * first query after it; until all three informers have synced there is no view (zone
 * names then get SERVFAIL rather than a wrong NXDOMAIN).
 */
import type { Client } from '../client/client.js';
import { Informer } from '../client/informer.js';
import { buildView, type ClusterView } from './view.js';

export interface ClusterStateOptions {
  client: Client;
  zone: string;
  /** Addresses answered for `ns.dns.<zone>`. */
  nameservers: string[];
  /** Seconds since the epoch, for SOA serials (injectable for tests). */
  now?: () => number;
  log?: (m: string) => void;
}

export class ClusterState {
  private readonly namespaces: Informer;
  private readonly services: Informer;
  private readonly slices: Informer;
  private current: ClusterView | undefined;
  private dirty = true;
  private serial = 0;

  constructor(private readonly o: ClusterStateOptions) {
    const log = o.log ?? (() => undefined);
    this.namespaces = new Informer(o.client.resource('', 'v1', 'namespaces'), { log });
    this.services = new Informer(o.client.resource('', 'v1', 'services'), { log });
    this.slices = new Informer(o.client.resource('discovery.k8s.io', 'v1', 'endpointslices'), { log });
    const changed = () => {
      this.dirty = true;
    };
    for (const inf of [this.namespaces, this.services, this.slices])
      inf.addHandler({ onAdd: changed, onUpdate: changed, onDelete: changed });
  }

  /** Runs the informers until `signal` aborts. */
  run(signal: AbortSignal): Promise<void> {
    return Promise.all([this.namespaces, this.services, this.slices].map((i) => i.start(signal))).then(
      () => undefined,
    );
  }

  get synced(): boolean {
    return this.namespaces.hasSynced && this.services.hasSynced && this.slices.hasSynced;
  }

  async waitForSync(signal: AbortSignal): Promise<void> {
    await Promise.all([this.namespaces, this.services, this.slices].map((i) => i.waitForSync(signal)));
  }

  /** Calls `f` when the Service `namespace/name` is deleted. */
  onServiceDeleted(namespace: string, name: string, f: () => void): void {
    this.services.addHandler({
      onDelete: (s) => {
        if (s.metadata?.namespace === namespace && s.metadata?.name === name) f();
      },
    });
  }

  /** The current view, or undefined before the first sync. */
  view(): ClusterView | undefined {
    if (!this.synced) return undefined;
    if (this.dirty || !this.current) {
      this.dirty = false;
      const now = Math.floor((this.o.now ?? (() => Date.now() / 1000))());
      this.serial = Math.max(this.serial + 1, now) >>> 0;
      this.current = buildView({
        zone: this.o.zone,
        serial: this.serial,
        namespaces: this.namespaces.cache.list(),
        services: this.services.cache.list(),
        endpointSlices: this.slices.cache.list(),
        nameservers: this.o.nameservers,
      });
    }
    return this.current;
  }
}
