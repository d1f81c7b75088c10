/**
 * Test helpers: an in-memory ObjectSource standing in for the API server's data (objects
 * by resource, namespace and name), object builders, and a VolumeService over a temporary
 * pods directory whose pods are torn down after the test. Used by tests only.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KObject } from '../../registry/types.js';
import type { Obj, ObjectSource } from '../pods/deps.js';
import { createVolumeService, type VolumeOptions } from './volumes.js';

type Resource = Parameters<ObjectSource['get']>[0];

export class MemoryObjects implements ObjectSource {
  readonly objects = new Map<string, KObject>();
  /** Calls made, as `resource/namespace/name`. */
  readonly calls: string[] = [];

  private key(resource: string, namespace: string | undefined, name: string): string {
    return `${resource}/${namespace ?? ''}/${name}`;
  }

  put(resource: Resource, obj: KObject): void {
    this.objects.set(
      this.key(resource, obj.metadata?.namespace, obj.metadata?.name ?? ''),
      structuredClone(obj),
    );
  }

  delete(resource: Resource, namespace: string | undefined, name: string): void {
    this.objects.delete(this.key(resource, namespace, name));
  }

  async get(resource: Resource, namespace: string | undefined, name: string): Promise<KObject | undefined> {
    const k = this.key(resource, namespace, name);
    this.calls.push(k);
    const o = this.objects.get(k);
    return o ? structuredClone(o) : undefined;
  }
}

export function configMap(
  namespace: string,
  name: string,
  data: Record<string, string>,
  binaryData?: Record<string, string>,
): KObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { namespace, name },
    data,
    ...(binaryData ? { binaryData } : {}),
  };
}

export function secret(namespace: string, name: string, data: Record<string, string>): KObject {
  const encoded = Object.fromEntries(
    Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  );
  return { apiVersion: 'v1', kind: 'Secret', metadata: { namespace, name }, type: 'Opaque', data: encoded };
}

/** A VolumeService over a temporary pods directory; every pod made with `pod` is torn down after the test. */
export async function volumeFixture(
  t: { after: (fn: () => Promise<void>) => void },
  extra: Partial<VolumeOptions> = {},
) {
  const root = await mkdtemp(join(tmpdir(), 'k8ts-volumes-'));
  const objects = new MemoryObjects();
  const logs: string[] = [];
  const podsDir = join(root, 'pods');
  const svc = createVolumeService({ podsDir, objects, log: (m) => logs.push(m), ...extra });
  const pods: string[] = [];
  t.after(async () => {
    for (const uid of pods) await svc.tearDown(uid).catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  });
  const pod = (uid: string, volumes: Obj[], meta: Obj = {}, spec: Obj = {}): KObject => {
    pods.push(uid);
    return {
      metadata: { name: 'p', namespace: 'ns', uid, labels: { app: 'a' }, ...meta },
      spec: { containers: [{ name: 'c', resources: { limits: { memory: '64Mi' } } }], volumes, ...spec },
    };
  };
  return { root, podsDir, objects, logs, svc, pod };
}
