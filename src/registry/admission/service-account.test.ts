import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KObject } from '../types.js';
import { admitPodServiceAccount, apiAccessVolume, SERVICE_ACCOUNT_MOUNT } from './service-account.js';

type Obj = Record<string, unknown>;

function pod(spec: Obj = {}, annotations?: Record<string, string>): KObject {
  return {
    metadata: { name: 'p', namespace: 'ns1', ...(annotations ? { annotations } : {}) },
    spec: { containers: [{ name: 'a', image: 'x' }], initContainers: [{ name: 'i', image: 'x' }], ...spec },
  };
}

const specOf = (p: KObject) => p['spec'] as Obj;

test('a pod gets the default service account and a kube-api-access volume in every container', () => {
  const p = pod();
  admitPodServiceAccount(p, undefined);
  const spec = specOf(p);
  assert.equal(spec['serviceAccountName'], 'default');
  assert.equal(spec['serviceAccount'], 'default');
  const [vol] = spec['volumes'] as Obj[];
  const name = String(vol?.['name']);
  assert.match(name, /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  assert.deepEqual(vol, apiAccessVolume(name));
  const projected = (vol?.['projected'] ?? {}) as Obj;
  const sources = (projected['sources'] as Obj[]).map((s) => Object.keys(s)[0]);
  assert.deepEqual(sources, ['serviceAccountToken', 'configMap', 'downwardAPI']);
  for (const k of ['containers', 'initContainers'])
    assert.deepEqual((spec[k] as Obj[])[0]?.['volumeMounts'], [
      { name, readOnly: true, mountPath: SERVICE_ACCOUNT_MOUNT },
    ]);
});

test('automountServiceAccountToken: the pod wins over its ServiceAccount', () => {
  const off = pod({ automountServiceAccountToken: false });
  admitPodServiceAccount(off, undefined);
  assert.equal(specOf(off)['volumes'], undefined);

  const saOff = pod({ serviceAccountName: 'robot' });
  admitPodServiceAccount(saOff, { metadata: { name: 'robot' }, automountServiceAccountToken: false });
  assert.equal(specOf(saOff)['volumes'], undefined);
  assert.equal(specOf(saOff)['serviceAccountName'], 'robot');

  const podOn = pod({ automountServiceAccountToken: true });
  admitPodServiceAccount(podOn, { metadata: { name: 'default' }, automountServiceAccountToken: false });
  assert.equal((specOf(podOn)['volumes'] as Obj[]).length, 1);
});

test('containers that mount the path themselves and mirror pods are left alone', () => {
  const own = pod({
    initContainers: [],
    containers: [
      { name: 'a', image: 'x', volumeMounts: [{ name: 'mine', mountPath: SERVICE_ACCOUNT_MOUNT }] },
    ],
  });
  admitPodServiceAccount(own, undefined);
  assert.equal(specOf(own)['volumes'], undefined);

  const mirror = pod({}, { 'kubernetes.io/config.mirror': 'abc' });
  admitPodServiceAccount(mirror, undefined);
  assert.equal(specOf(mirror)['serviceAccountName'], undefined);
  assert.equal(specOf(mirror)['volumes'], undefined);
});
