/**
 * Keeps one mirror pod in the API per static pod, as upstream's kubelet does: creates a
 * missing one; deletes (at once, guarded by its uid) a mirror pod that is being deleted,
 * whose hash no longer matches its static pod (the manifest changed), or whose static
 * pod is gone, and creates the new one. So `kubectl delete` of a mirror pod brings it
 * back without touching the containers. Keyed work queue by `namespace/name`; looks at
 * everything again when the manifests change and every `resyncMs`. A pod in the API
 * with the same name that is not a mirror pod is left alone (and logged).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '../../client/client.js';
import { isAlreadyExists, isNotFound } from '../../client/errors.js';
import type { Informer } from '../../client/informer.js';
import { runWorkers, WorkQueue } from '../../client/workqueue.js';
import type { KObject } from '../../registry/types.js';
import { isMirrorOf, mirrorHash } from './annotations.js';
import { mirrorPodOf } from './mirror-pod.js';
import type { StaticPodSource } from './types.js';

export interface MirrorOptions {
  client: Client;
  nodeName: string;
  source: StaticPodSource;
  /** The kubelet's informer on the pods bound to this node. */
  informer: Informer;
  /** How often to look at every static and mirror pod again (default 60 s). */
  resyncMs?: number;
  log: (m: string) => void;
}

export class MirrorPods {
  private readonly queue = new WorkQueue(100, 10_000);
  private readonly pods;
  private readonly conflicts = new Set<string>();

  constructor(private readonly o: MirrorOptions) {
    this.pods = o.client.resource('', 'v1', 'pods');
    o.source.subscribe(() => this.enqueueAll());
    const onPod = (p: KObject) => {
      if (mirrorHash(p) !== undefined) this.queue.add(keyOf(p));
    };
    o.informer.addHandler({ onAdd: onPod, onUpdate: (_, p) => onPod(p), onDelete: onPod });
  }

  async run(signal: AbortSignal): Promise<void> {
    signal.addEventListener('abort', () => this.queue.shutDown(), { once: true });
    await this.o.informer.waitForSync(signal).catch(() => undefined);
    const resync = (async () => {
      while (!signal.aborted) {
        this.enqueueAll();
        await sleep(this.o.resyncMs ?? 60_000, undefined, { signal }).catch(() => undefined);
      }
    })();
    await runWorkers(
      this.queue,
      2,
      (key) => this.sync(key),
      (key, err) => {
        // A first AlreadyExists is the cache being behind our own create: not worth a line.
        if (isAlreadyExists(err) && this.queue.retries(key) < 3) return;
        if (!signal.aborted) this.o.log(`mirror pod ${key}: ${(err as Error).message}`);
      },
    );
    await resync;
  }

  private enqueueAll(): void {
    for (const p of this.o.source.list()) this.queue.add(keyOf(p));
    for (const p of this.o.informer.cache.list()) if (mirrorHash(p) !== undefined) this.queue.add(keyOf(p));
  }

  private async sync(key: string): Promise<void> {
    const slash = key.indexOf('/');
    const namespace = key.slice(0, slash);
    const name = key.slice(slash + 1);
    const pod = this.o.source.byName(namespace, name);
    let mirror = this.o.informer.cache.getByName(namespace, name);
    if (mirror && mirrorHash(mirror) === undefined) {
      if (pod && !this.conflicts.has(key))
        this.o.log(`static pod ${key}: a pod of that name that is not a mirror pod exists in the API`);
      this.conflicts.add(key);
      return;
    }
    this.conflicts.delete(key);
    if (mirror && (!pod || !isMirrorOf(mirror, pod) || mirror.metadata?.deletionTimestamp)) {
      try {
        await this.pods.delete(namespace, name, {
          gracePeriodSeconds: 0,
          preconditions: { uid: mirror.metadata?.uid ?? '' },
        });
      } catch (err) {
        // A conflict means the cache is behind (another mirror pod is there now): the
        // error requeues the key with back-off.
        if (!isNotFound(err)) throw err;
      }
      mirror = undefined;
    }
    if (!pod || mirror) return;
    const node = await this.o.client.resource('', 'v1', 'nodes').get(undefined, this.o.nodeName);
    // AlreadyExists (the cache has not seen the new mirror pod yet, or a pod of that name
    // is on another node) requeues the key with back-off.
    await this.pods.create(
      namespace,
      mirrorPodOf(pod, { name: this.o.nodeName, uid: node.metadata?.uid ?? '' }),
    );
  }
}

function keyOf(p: KObject): string {
  return `${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`;
}
