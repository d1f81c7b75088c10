/**
 * What the kubelet reads of ConfigMaps, Secrets and Services, served from watches as
 * upstream's kubelet does (its watch-based ConfigMap/Secret managers and its Service
 * lister) instead of a request per read: every pod sync reads the ConfigMaps and Secrets
 * of its volumes and every container start lists Services for its link variables.
 *
 * ConfigMaps and Secrets: an informer per namespace and resource, started by the first
 * read in that namespace and stopped once nothing read from it for IDLE_MS. A read that
 * the cache answers gets the watched object; a miss (informer not synced yet, or an
 * object the watch has not delivered yet) falls back to a GET, so an object created
 * right before its pod is never reported missing. The watch keeps the cache current, so
 * configMap and secret volumes still follow updates. Other resources are always fetched.
 *
 * Services: one informer over all namespaces (the kubelet waits for its first list
 * before it answers, as upstream's does before starting pods).
 */
import type { Client } from '../../client/client.js';
import { isNotFound } from '../../client/errors.js';
import { Informer } from '../../client/informer.js';
import type { KObject } from '../../registry/types.js';
import type { ObjectSource } from '../pods/deps.js';

/** A namespace's ConfigMap or Secret informer unused this long is stopped. */
const IDLE_MS = 10 * 60_000;
/** Longest wait for the Services informer's first list before listing directly. */
const SERVICES_SYNC_MS = 10_000;

type Resource = Parameters<ObjectSource['get']>[0];

interface Watched {
  informer: Informer;
  stop: AbortController;
  usedAt: number;
}

const WATCHED: ReadonlySet<Resource> = new Set(['configmaps', 'secrets']);

export class WatchedObjects implements ObjectSource {
  private readonly watched = new Map<string, Watched>();
  private readonly services: Informer;
  private readonly ac = new AbortController();
  private servicesRunning: Promise<void> | undefined;

  constructor(
    private readonly client: Client,
    private readonly log: (m: string) => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.services = new Informer(client.resource('', 'v1', 'services'), {
      log: (m) => log(`service informer: ${m}`),
    });
  }

  /** Informers currently running for ConfigMaps and Secrets, as `resource/namespace`. */
  get watching(): string[] {
    return [...this.watched.keys()].sort();
  }

  async get(resource: Resource, namespace: string | undefined, name: string): Promise<KObject | undefined> {
    if (namespace && WATCHED.has(resource) && !this.ac.signal.aborted) {
      const w = this.watch(resource, namespace);
      const hit = w.informer.hasSynced ? w.informer.cache.getByName(namespace, name) : undefined;
      if (hit) return hit;
    }
    try {
      return await this.client.resource('', 'v1', resource).get(namespace, name);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** The Services of a namespace. */
  async listServices(namespace: string, signal?: AbortSignal): Promise<KObject[]> {
    if (!this.ac.signal.aborted) {
      this.servicesRunning ??= this.services.start(this.ac.signal);
      if (!this.services.hasSynced) await this.waitForServices(signal);
      if (this.services.hasSynced)
        return this.services.cache.list().filter((s) => s.metadata?.namespace === namespace);
    }
    return (await this.client.resource('', 'v1', 'services').list(namespace)).items;
  }

  /** Stops every informer. */
  async stop(): Promise<void> {
    this.ac.abort();
    const running = [...this.watched.values()].map((w) => w.informer.start(w.stop.signal));
    this.watched.clear();
    await Promise.allSettled([...running, this.servicesRunning]);
  }

  private watch(resource: Resource, namespace: string): Watched {
    const key = `${resource}/${namespace}`;
    const now = this.now();
    this.sweep(now, key);
    let w = this.watched.get(key);
    if (!w) {
      const stop = new AbortController();
      this.ac.signal.addEventListener('abort', () => stop.abort(), { once: true });
      const informer = new Informer(this.client.resource('', 'v1', resource), {
        namespace,
        log: (m) => this.log(`${resource} informer (${namespace}): ${m}`),
      });
      w = { informer, stop, usedAt: now };
      this.watched.set(key, w);
      void informer.start(stop.signal);
    }
    w.usedAt = now;
    return w;
  }

  /** Stops the informers nothing read from for IDLE_MS (but `keep`). */
  private sweep(now: number, keep: string): void {
    for (const [key, w] of this.watched) {
      if (key === keep || now - w.usedAt < IDLE_MS) continue;
      w.stop.abort();
      this.watched.delete(key);
    }
  }

  private async waitForServices(signal?: AbortSignal): Promise<void> {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), SERVICES_SYNC_MS);
    const onAbort = () => ac.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await this.services.waitForSync(ac.signal);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }
}
