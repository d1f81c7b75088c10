/**
 * VolumeService: sets up (and refreshes, when called again) every volume of a pod, gives
 * each container its CRI mounts, and tears a pod's volumes down. Calls for one pod run one
 * at a time. setUp tries every volume and throws a VolumeSetupError for the first that
 * failed (the others are logged). tearDown unmounts what setUp mounted and removes
 * `<podsDir>/<uid>/volumes` without following links or crossing mounts, so hostPath and
 * PersistentVolume data are never touched.
 */
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { KObject } from '../../registry/types.js';
import type { Mount } from '../cri/types.js';
import {
  type Obj,
  type ObjectSource,
  type PodVolumes,
  type VolumeService,
  VolumeSetupError,
} from '../pods/deps.js';
import { containerMounts } from './container-mounts.js';
import { mountsUnder, removeTree, unmount } from './host-mounts.js';
import { type RequestToken, TokenCache } from './projected.js';
import type { Allocatable } from './resources.js';
import { setUpVolume } from './setup-volume.js';

export interface VolumeOptions {
  podsDir: string;
  objects: ObjectSource;
  log: (m: string) => void;
  /** Asks the API server for a service account token (TokenRequest); absent when unsupported. */
  requestToken?: RequestToken;
  /**
   * Node allocatable, the default for a downwardAPI resourceFieldRef limit the container
   * leaves unset; without it, the machine's CPU count and memory.
   */
  nodeAllocatable?: () => Allocatable;
}

function machineAllocatable(): Allocatable {
  return { cpu: String(cpus().length), memory: String(totalmem()) };
}

function checkUid(uid: string): void {
  if (uid === '' || uid.includes('/') || uid === '.' || uid === '..')
    throw new Error(`invalid pod uid "${uid}"`);
}

export function createVolumeService(opts: VolumeOptions): VolumeService {
  const tokens = opts.requestToken ? new TokenCache(opts.requestToken) : undefined;
  const queues = new Map<string, Promise<unknown>>();

  /** Runs `fn` after the calls for `uid` that came before it. */
  function serial<T>(uid: string, fn: () => Promise<T>): Promise<T> {
    const prev = queues.get(uid) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined);
    queues.set(uid, tail);
    void tail.then(() => {
      if (queues.get(uid) === tail) queues.delete(uid);
    });
    return next;
  }

  return {
    async setUp(pod: KObject, signal: AbortSignal): Promise<PodVolumes> {
      const uid = pod.metadata?.uid ?? '';
      checkUid(uid);
      return serial(uid, async () => {
        const ctx = {
          podsDir: opts.podsDir,
          objects: opts.objects,
          tokens,
          alloc: (opts.nodeAllocatable ?? machineAllocatable)(),
          log: opts.log,
        };
        const paths: PodVolumes['paths'] = new Map();
        let first: VolumeSetupError | undefined;
        for (const volume of (((pod['spec'] ?? {}) as Obj)['volumes'] ?? []) as Obj[]) {
          const name = String(volume['name'] ?? '');
          try {
            paths.set(name, await setUpVolume(pod, volume, ctx, signal));
          } catch (err) {
            if (signal.aborted) throw err;
            const e = new VolumeSetupError(name, (err as Error).message);
            opts.log(`pod ${pod.metadata?.namespace}/${pod.metadata?.name}: volume "${name}": ${e.message}`);
            first ??= e;
          }
        }
        if (first) throw first;
        return { paths };
      });
    },

    mounts(pod: KObject, container: Obj, volumes: PodVolumes): Mount[] {
      return containerMounts(pod, container, volumes);
    },

    async tearDown(podUid: string): Promise<void> {
      checkUid(podUid);
      return serial(podUid, async () => {
        const dir = join(opts.podsDir, podUid, 'volumes');
        for (const m of await mountsUnder(dir)) await unmount(m);
        const left = await mountsUnder(dir);
        if (left.length > 0)
          throw new Error(`volumes of pod ${podUid} are still mounted: ${left.join(', ')}`);
        await removeTree(dir);
        tokens?.forget(podUid);
      });
    },
  };
}
