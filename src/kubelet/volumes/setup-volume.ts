/**
 * Sets up one volume of a pod under `<podsDir>/<uid>/volumes/<plugin>/<name>` and returns
 * where it lives on the host: emptyDir (a tmpfs for medium Memory), configMap, secret,
 * downwardAPI and projected (written atomically; secret, downwardAPI and projected on a
 * tmpfs, as upstream, so their contents never reach the disk), hostPath (type checks only) and
 * persistentVolumeClaim / ephemeral (the bound PV's directory). Throws a plain Error with
 * the reason; the caller names the volume.
 */
import { chmod, chown, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { unitValueOf } from '../../api/quantity/index.js';
import type { KObject } from '../../registry/types.js';
import type { Obj, ObjectSource } from '../pods/deps.js';
import { writeAtomic } from './atomic-writer.js';
import { resolveClaim } from './claims.js';
import { mountTmpfs } from './host-mounts.js';
import { checkHostPathType } from './hostpath.js';
import { DEFAULT_MODE, downwardPayload, fsGroupOf, keyPayload, type Payload } from './payloads.js';
import { projectedPayload, type TokenCache } from './projected.js';
import type { Allocatable } from './resources.js';

/** The kubelet's plugin directory names, by volume source field. */
export const PLUGIN_DIRS: Record<string, string> = {
  emptyDir: 'kubernetes.io~empty-dir',
  configMap: 'kubernetes.io~configmap',
  secret: 'kubernetes.io~secret',
  downwardAPI: 'kubernetes.io~downward-api',
  projected: 'kubernetes.io~projected',
};

export interface SetupContext {
  podsDir: string;
  objects: ObjectSource;
  tokens: TokenCache | undefined;
  alloc: Allocatable;
  log: (m: string) => void;
}

export interface VolumePath {
  hostPath: string;
  readOnly: boolean;
}

function modeOf(source: Obj): number {
  return typeof source['defaultMode'] === 'number' ? source['defaultMode'] : DEFAULT_MODE;
}

/** A fresh or existing volume directory (0777 as upstream's emptyDir), with a tmpfs when asked. */
async function volumeDir(
  dir: string,
  tmpfs: boolean,
  sizeBytes: number | undefined,
  signal: AbortSignal,
): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o750 });
  if (tmpfs) await mountTmpfs(dir, sizeBytes, signal);
}

async function writeVolume(
  dir: string,
  payload: Payload,
  tmpfs: boolean,
  fsGroup: number | undefined,
  signal: AbortSignal,
): Promise<void> {
  await volumeDir(dir, tmpfs, undefined, signal);
  await writeAtomic(dir, payload);
  await ownVolumeDir(dir, fsGroup);
}

/** The volume directory's mode as the wrapped emptyDir leaves it: 0777, group-owned with setgid under an fsGroup. */
async function ownVolumeDir(dir: string, fsGroup: number | undefined): Promise<void> {
  if (fsGroup !== undefined) {
    await chown(dir, -1, fsGroup);
    await chmod(dir, 0o2777);
  } else await chmod(dir, 0o777);
}

/** Sets up `volume` of `pod`. */
export async function setUpVolume(
  pod: KObject,
  volume: Obj,
  ctx: SetupContext,
  signal: AbortSignal,
): Promise<VolumePath> {
  const name = String(volume['name'] ?? '');
  const uid = pod.metadata?.uid ?? '';
  const ns = pod.metadata?.namespace ?? 'default';
  const fsGroup = fsGroupOf(pod);
  const kind = Object.keys(PLUGIN_DIRS).find((k) => volume[k] !== undefined && volume[k] !== null);
  if (kind) {
    const dir = join(ctx.podsDir, uid, 'volumes', PLUGIN_DIRS[kind]!, name);
    const source = volume[kind] as Obj;
    switch (kind) {
      case 'emptyDir': {
        const medium = source['medium'] ?? '';
        if (medium !== '' && medium !== 'Memory')
          throw new Error(`emptyDir medium ${String(medium)} is not supported`);
        const size = source['sizeLimit'] !== undefined ? unitValueOf(source['sizeLimit']) : undefined;
        await volumeDir(dir, medium === 'Memory', size, signal);
        await ownVolumeDir(dir, fsGroup);
        return { hostPath: dir, readOnly: false };
      }
      case 'configMap':
      case 'secret': {
        const objKind = kind === 'configMap' ? 'configmap' : 'secret';
        const objName = String(source[kind === 'configMap' ? 'name' : 'secretName'] ?? '');
        const obj = await ctx.objects.get(
          kind === 'configMap' ? 'configmaps' : 'secrets',
          ns,
          objName,
          signal,
        );
        if (!obj && source['optional'] !== true) throw new Error(`${objKind} "${objName}" not found`);
        const payload = keyPayload(objKind, obj, source, modeOf(source), fsGroup);
        await writeVolume(dir, payload, kind === 'secret', fsGroup, signal);
        return { hostPath: dir, readOnly: true };
      }
      case 'downwardAPI': {
        const items = (source['items'] ?? []) as Obj[];
        const payload = downwardPayload(pod, items, modeOf(source), fsGroup, ctx.alloc);
        await writeVolume(dir, payload, true, fsGroup, signal);
        return { hostPath: dir, readOnly: true };
      }
      default: {
        const payload = await projectedPayload(pod, source, ctx, signal);
        await writeVolume(dir, payload, true, fsGroup, signal);
        return { hostPath: dir, readOnly: true };
      }
    }
  }
  const hostPath = volume['hostPath'] as Obj | undefined;
  if (hostPath) {
    const path = String(hostPath['path'] ?? '');
    await checkHostPathType(path, typeof hostPath['type'] === 'string' ? hostPath['type'] : '');
    return { hostPath: path, readOnly: false };
  }
  if (volume['persistentVolumeClaim'] || volume['ephemeral']) {
    return resolveClaim(pod, volume, ctx.objects, signal);
  }
  throw new Error('no volume plugin matched');
}
