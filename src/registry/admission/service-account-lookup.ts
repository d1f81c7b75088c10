/**
 * The checking half of ServiceAccount admission for pod creates, as upstream's plugin
 * does it. A mirror pod (annotation kubernetes.io/config.mirror) is not changed, and may
 * not name a service account, reference Secrets (volumes, projections, env, envFrom,
 * image pull secrets, in any container) or use a serviceAccountToken projection. Any other
 * pod's service account must exist: it is looked up in the watch cache, then read from
 * storage (for `default`, which a controller creates right after its namespace, up to 10
 * reads 100-200 ms apart); when missing the create is refused with 403 Forbidden:
 * `error looking up service account ns/name: serviceaccount "name" not found`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError } from '../../apiserver/errors.js';
import type { GenericStore } from '../generic/store.js';
import type { KObject } from '../types.js';

type Obj = Record<string, unknown>;

export const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

function list(v: unknown): Obj[] {
  return Array.isArray(v) ? (v as Obj[]) : [];
}

function allContainers(spec: Obj): Obj[] {
  return [...list(spec['initContainers']), ...list(spec['containers']), ...list(spec['ephemeralContainers'])];
}

/** Whether the pod references any Secret by name. */
export function referencesSecrets(pod: KObject): boolean {
  const spec = (pod['spec'] as Obj | undefined) ?? {};
  if (list(spec['imagePullSecrets']).length > 0) return true;
  for (const c of allContainers(spec)) {
    if (list(c['envFrom']).some((e) => e['secretRef'] !== undefined)) return true;
    if (list(c['env']).some((e) => (e['valueFrom'] as Obj | undefined)?.['secretKeyRef'] !== undefined))
      return true;
  }
  for (const v of list(spec['volumes'])) {
    if (v['secret'] !== undefined) return true;
    if (list((v['projected'] as Obj | undefined)?.['sources']).some((s) => s['secret'] !== undefined))
      return true;
    // Volume kinds that name a Secret for their credentials.
    for (const kind of [
      'cephfs',
      'cinder',
      'flexVolume',
      'iscsi',
      'rbd',
      'scaleIO',
      'storageos',
      'azureFile',
      'csi',
    ]) {
      const src = v[kind] as Obj | undefined;
      if (!src) continue;
      if (src['secretRef'] !== undefined || src['nodePublishSecretRef'] !== undefined) return true;
      if (kind === 'azureFile' && src['secretName']) return true;
    }
  }
  return false;
}

/** Upstream's reason a mirror pod is refused, or undefined. */
export function mirrorPodProblem(pod: KObject): string | undefined {
  const spec = (pod['spec'] as Obj | undefined) ?? {};
  if (spec['serviceAccountName'] || spec['serviceAccount'])
    return 'a mirror pod may not reference service accounts';
  if (referencesSecrets(pod)) return 'a mirror pod may not reference secrets';
  for (const v of list(spec['volumes']))
    if (
      list((v['projected'] as Obj | undefined)?.['sources']).some(
        (s) => s['serviceAccountToken'] !== undefined,
      )
    )
      return 'a mirror pod may not use ServiceAccountToken volume projections';
  return undefined;
}

/**
 * The ServiceAccount `name` in `ns`: the watch cache, then storage (retried for `default`);
 * undefined when it does not exist.
 */
export async function findServiceAccount(
  store: GenericStore,
  ns: string,
  name: string,
  retryDelayMs = 100 + Math.floor(Math.random() * 100),
): Promise<KObject | undefined> {
  const cached = store.cache.objects.get(store.key(ns, name));
  if (cached) return cached;
  const attempts = name === 'default' ? 10 : 1;
  for (let i = 0; i < attempts; i++) {
    if (i > 0) await sleep(retryDelayMs);
    try {
      return await store.get(ns, name);
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 404)) throw err;
    }
  }
  return undefined;
}

export function lookupError(ns: string, name: string): string {
  return `error looking up service account ${ns}/${name}: serviceaccount "${name}" not found`;
}
