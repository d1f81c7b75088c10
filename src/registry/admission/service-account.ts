/**
 * ServiceAccount admission for new pods, as upstream: the service account defaults to
 * `default`, and unless the pod or its ServiceAccount turns automounting off, the pod gets
 * a `kube-api-access-<random>` projected volume (a bound token, the `kube-root-ca.crt`
 * ConfigMap's ca.crt and the namespace) mounted read-only at
 * /var/run/secrets/kubernetes.io/serviceaccount in every container that does not already
 * mount something there. Mirror pods are left alone. No I/O: the ServiceAccount is passed in.
 */
import { randomInt } from 'node:crypto';
import type { KObject } from '../types.js';

type Obj = Record<string, unknown>;

export const SERVICE_ACCOUNT_MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';
const MIRROR = 'kubernetes.io/config.mirror';
/** The alphabet of upstream's random name suffixes (no vowels, no confusable digits). */
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function suffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

export function apiAccessVolume(name: string): Obj {
  return {
    name,
    projected: {
      defaultMode: 0o644,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        {
          downwardAPI: {
            items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }],
          },
        },
      ],
    },
  };
}

/** The pod's service account name after defaulting. */
export function serviceAccountOf(pod: KObject): string {
  const spec = (pod['spec'] ?? {}) as Obj;
  return String(spec['serviceAccountName'] || spec['serviceAccount'] || 'default');
}

/** Mutates a pod being created; `account` is its ServiceAccount when known. */
export function admitPodServiceAccount(pod: KObject, account: KObject | undefined): void {
  if (pod.metadata?.annotations?.[MIRROR] !== undefined) return;
  const spec = (pod['spec'] ?? {}) as Obj;
  pod['spec'] = spec;
  const name = serviceAccountOf(pod);
  spec['serviceAccountName'] = name;
  spec['serviceAccount'] = name;
  const podSays = spec['automountServiceAccountToken'];
  const accountSays = account?.['automountServiceAccountToken'];
  const automount =
    typeof podSays === 'boolean' ? podSays : typeof accountSays === 'boolean' ? accountSays : true;
  if (!automount) return;
  const containers = ['initContainers', 'containers'].flatMap((k) =>
    Array.isArray(spec[k]) ? (spec[k] as Obj[]) : [],
  );
  const mountsHere = (c: Obj) =>
    Array.isArray(c['volumeMounts']) &&
    (c['volumeMounts'] as Obj[]).some((m) => m['mountPath'] === SERVICE_ACCOUNT_MOUNT);
  const needing = containers.filter((c) => !mountsHere(c));
  if (needing.length === 0) return;
  const volumes = Array.isArray(spec['volumes']) ? (spec['volumes'] as Obj[]) : [];
  const taken = new Set(volumes.map((v) => v['name']));
  let volumeName = `kube-api-access-${suffix()}`;
  for (let i = 0; i < 10 && taken.has(volumeName); i++) volumeName = `kube-api-access-${suffix()}`;
  spec['volumes'] = [...volumes, apiAccessVolume(volumeName)];
  for (const c of needing) {
    const mounts = Array.isArray(c['volumeMounts']) ? (c['volumeMounts'] as Obj[]) : [];
    c['volumeMounts'] = [...mounts, { name: volumeName, readOnly: true, mountPath: SERVICE_ACCOUNT_MOUNT }];
  }
}
