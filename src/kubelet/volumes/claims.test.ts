/** Tests of persistentVolumeClaim and ephemeral volumes against in-memory claims and volumes, on real directories. */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { KObject } from '../../registry/types.js';
import type { Obj } from '../pods/deps.js';
import { LOCAL_PATH_ANNOTATION } from './claims.js';
import { MemoryObjects } from './testing.js';
import { createVolumeService } from './volumes.js';

const signal = AbortSignal.timeout(30_000);

function pvc(name: string, phase: string, volumeName = '', extra: Obj = {}): KObject {
  return {
    metadata: { namespace: 'ns', name, uid: `pvc-uid-${name}`, ...(extra['metadata'] as Obj | undefined) },
    spec: { accessModes: ['ReadWriteOnce'], volumeName, ...(extra['spec'] as Obj | undefined) },
    status: { phase },
  };
}

function pv(name: string, source: Obj, claim: string, annotations?: Record<string, string>): KObject {
  return {
    metadata: { name, ...(annotations ? { annotations } : {}) },
    spec: { ...source, claimRef: { namespace: 'ns', name: claim, uid: `pvc-uid-${claim}` } },
    status: { phase: 'Bound' },
  };
}

test('claims: bound PVs give their directory; unbound, missing and foreign claims are refused', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'k8ts-claims-'));
  const podsDir = join(root, 'pods');
  const objects = new MemoryObjects();
  const svc = createVolumeService({ podsDir, objects, log: () => undefined });
  const uids: string[] = [];
  t.after(async () => {
    for (const u of uids) await svc.tearDown(u).catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  });
  const pod = (uid: string, volumes: Obj[]): KObject => {
    uids.push(uid);
    return { metadata: { name: 'p', namespace: 'ns', uid }, spec: { containers: [], volumes } };
  };
  const claimVol = (claimName: string, readOnly?: boolean) => ({
    name: 'data',
    persistentVolumeClaim: { claimName, ...(readOnly ? { readOnly } : {}) },
  });

  await assert.rejects(svc.setUp(pod('u1', [claimVol('data')]), signal), {
    volume: 'data',
    message: 'persistentvolumeclaim "data" not found',
  });
  objects.put('persistentvolumeclaims', pvc('data', 'Pending'));
  await assert.rejects(svc.setUp(pod('u1', [claimVol('data')]), signal), {
    message: 'persistentvolumeclaim "data" is not bound',
  });

  const hostDir = join(root, 'pv-host');
  await mkdir(hostDir);
  await writeFile(join(hostDir, 'db'), 'rows');
  objects.put('persistentvolumeclaims', pvc('data', 'Bound', 'pv-1'));
  await assert.rejects(svc.setUp(pod('u1', [claimVol('data')]), signal), {
    message: 'persistentvolume "pv-1" not found',
  });
  objects.put('persistentvolumes', pv('pv-1', { hostPath: { path: hostDir } }, 'data'));
  const v = await svc.setUp(pod('u1', [claimVol('data')]), signal);
  assert.deepEqual(v.paths.get('data'), { hostPath: hostDir, readOnly: false });
  const ro = await svc.setUp(pod('u1', [claimVol('data', true)]), signal);
  assert.equal(ro.paths.get('data')!.readOnly, true);

  objects.put('persistentvolumes', pv('pv-1', { hostPath: { path: hostDir } }, 'other'));
  await assert.rejects(svc.setUp(pod('u1', [claimVol('data')]), signal), {
    message: 'persistentvolume "pv-1" is bound to another claim',
  });

  // A local-path provisioned volume: the directory is made on first use, 0777.
  const local = join(root, 'local-path', 'pvc-xyz');
  objects.put(
    'persistentvolumeclaims',
    pvc('lp', 'Bound', 'pv-lp', { spec: { accessModes: ['ReadOnlyMany'] } }),
  );
  objects.put(
    'persistentvolumes',
    pv('pv-lp', { local: { path: local } }, 'lp', { [LOCAL_PATH_ANNOTATION]: 'true' }),
  );
  const lp = await svc.setUp(pod('u2', [claimVol('lp')]), signal);
  assert.deepEqual(lp.paths.get('data'), { hostPath: local, readOnly: true });
  assert.equal((await stat(local)).mode & 0o777, 0o777);

  // A local PV without the annotation must already exist.
  const absent = join(root, 'absent');
  objects.put('persistentvolumeclaims', pvc('l2', 'Bound', 'pv-l2'));
  objects.put('persistentvolumes', pv('pv-l2', { local: { path: absent } }, 'l2'));
  await assert.rejects(svc.setUp(pod('u3', [claimVol('l2')]), signal), {
    message: `path "${absent}" does not exist`,
  });

  // hostPath DirectoryOrCreate on the PV creates the directory.
  const created = join(root, 'created');
  objects.put('persistentvolumeclaims', pvc('hc', 'Bound', 'pv-hc'));
  objects.put(
    'persistentvolumes',
    pv('pv-hc', { hostPath: { path: created, type: 'DirectoryOrCreate' } }, 'hc'),
  );
  await svc.setUp(pod('u4', [claimVol('hc')]), signal);
  assert.ok((await stat(created)).isDirectory());

  // Generic ephemeral volume: claim <pod>-<volume>, owned by the pod.
  objects.put('persistentvolumeclaims', pvc('p-data', 'Bound', 'pv-1'));
  objects.put('persistentvolumes', pv('pv-1', { hostPath: { path: hostDir } }, 'p-data'));
  const eph = { name: 'data', ephemeral: { volumeClaimTemplate: { spec: {} } } };
  await assert.rejects(svc.setUp(pod('u5', [eph]), signal), {
    message: 'PVC ns/p-data was not created for pod ns/p (pod is not owner)',
  });
  objects.put(
    'persistentvolumeclaims',
    pvc('p-data', 'Bound', 'pv-1', {
      metadata: {
        ownerReferences: [{ uid: 'u5', controller: true, kind: 'Pod', name: 'p', apiVersion: 'v1' }],
      },
    }),
  );
  assert.equal((await svc.setUp(pod('u5', [eph]), signal)).paths.get('data')!.hostPath, hostDir);

  for (const u of ['u1', 'u2', 'u3', 'u4', 'u5']) await svc.tearDown(u);
  assert.equal(await readFile(join(hostDir, 'db'), 'utf8'), 'rows');
  assert.ok((await stat(local)).isDirectory());
});
