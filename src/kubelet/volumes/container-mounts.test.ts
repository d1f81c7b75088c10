/** Tests of VolumeService.mounts: CRI mounts, read-only, propagation, subPath and subPathExpr on real directories. */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, realpath, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { KObject } from '../../registry/types.js';
import { ContainerWaitingError, type Obj } from '../pods/deps.js';
import { createEnvService } from './env.js';
import { configMap, MemoryObjects } from './testing.js';
import { createVolumeService } from './volumes.js';

const signal = AbortSignal.timeout(30_000);

async function fixture(t: { after: (fn: () => Promise<void>) => void }) {
  const root = await realpath(await mkdtemp(join(tmpdir(), 'k8ts-mounts-')));
  const objects = new MemoryObjects();
  objects.put('configmaps', configMap('ns', 'cfg', { 'app.conf': 'v1', dir: 'x' }));
  const svc = createVolumeService({ podsDir: join(root, 'pods'), objects, log: () => undefined });
  const host = join(root, 'host');
  await mkdir(host);
  const pod: KObject = {
    metadata: { name: 'web-0', namespace: 'ns', uid: 'u-m' },
    spec: {
      volumes: [
        { name: 'scratch', emptyDir: {} },
        { name: 'cfg', configMap: { name: 'cfg' } },
        { name: 'host', hostPath: { path: host } },
      ],
    },
  };
  t.after(async () => {
    await svc.tearDown('u-m').catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  });
  const volumes = await svc.setUp(pod, signal);
  return { root, host, svc, pod, volumes, objects };
}

function expectConfigError(fn: () => unknown, message: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ContainerWaitingError);
    assert.equal(err.reason, 'CreateContainerConfigError');
    assert.equal(err.message, message);
    return true;
  });
}

test('mounts: paths, read-only from the mount or the volume, propagation', async (t) => {
  const f = await fixture(t);
  const c: Obj = {
    name: 'c',
    volumeMounts: [
      { name: 'scratch', mountPath: '/scratch' },
      { name: 'cfg', mountPath: '/etc/app' },
      { name: 'host', mountPath: '/host', readOnly: true, mountPropagation: 'HostToContainer' },
      { name: 'scratch', mountPath: '/shared', mountPropagation: 'Bidirectional' },
      { name: 'scratch', mountPath: '/none', mountPropagation: 'None' },
    ],
  };
  const m = f.svc.mounts(f.pod, c, f.volumes);
  const scratch = f.volumes.paths.get('scratch')!.hostPath;
  assert.deepEqual(m, [
    { container_path: '/scratch', host_path: scratch, readonly: false, propagation: 'PROPAGATION_PRIVATE' },
    {
      container_path: '/etc/app',
      host_path: f.volumes.paths.get('cfg')!.hostPath,
      readonly: true,
      propagation: 'PROPAGATION_PRIVATE',
    },
    {
      container_path: '/host',
      host_path: f.host,
      readonly: true,
      propagation: 'PROPAGATION_HOST_TO_CONTAINER',
    },
    {
      container_path: '/shared',
      host_path: scratch,
      readonly: false,
      propagation: 'PROPAGATION_BIDIRECTIONAL',
    },
    { container_path: '/none', host_path: scratch, readonly: false, propagation: 'PROPAGATION_PRIVATE' },
  ]);
  expectConfigError(
    () => f.svc.mounts(f.pod, { name: 'c', volumeMounts: [{ name: 'ghost', mountPath: '/g' }] }, f.volumes),
    'cannot find volume "ghost" to mount into container "c"',
  );
  expectConfigError(
    () =>
      f.svc.mounts(
        f.pod,
        { name: 'c', volumeMounts: [{ name: 'scratch', mountPath: '/g', mountPropagation: 'Sideways' }] },
        f.volumes,
      ),
    'invalid MountPropagation mode: "Sideways"',
  );
});

test('subPath: created inside the volume with its mode; a configMap key resolves to its file', async (t) => {
  const f = await fixture(t);
  const scratch = f.volumes.paths.get('scratch')!.hostPath;
  const c = {
    name: 'c',
    volumeMounts: [
      { name: 'scratch', mountPath: '/data', subPath: 'a/b' },
      { name: 'cfg', mountPath: '/etc/app.conf', subPath: 'app.conf' },
    ],
  };
  const [data, conf] = f.svc.mounts(f.pod, c, f.volumes);
  assert.equal(data!.host_path, join(scratch, 'a/b'));
  assert.equal((await stat(join(scratch, 'a/b'))).mode & 0o777, 0o777);
  assert.equal(await readFile(conf!.host_path, 'utf8'), 'v1');
  assert.ok(conf!.host_path.includes('/..20'), 'resolved through ..data to the timestamped file');
  // As upstream: a subPath mount keeps the file it had when the container was created.
  f.objects.put('configmaps', configMap('ns', 'cfg', { 'app.conf': 'v2' }));
  await f.svc.setUp(f.pod, signal);
  assert.equal(await readFile(join(f.volumes.paths.get('cfg')!.hostPath, 'app.conf'), 'utf8'), 'v2');
});

test('subPath errors: absolute, backsteps, and links out of the volume', async (t) => {
  const f = await fixture(t);
  const scratch = f.volumes.paths.get('scratch')!.hostPath;
  await writeFile(join(f.host, 'secret'), 'host data');
  await symlink(f.host, join(scratch, 'escape'));
  const one = (vm: Obj) => () =>
    f.svc.mounts(
      f.pod,
      { name: 'c', volumeMounts: [{ name: 'scratch', mountPath: '/x', ...vm }] },
      f.volumes,
    );
  expectConfigError(one({ subPath: '/etc' }), 'error SubPath `/etc` must not be an absolute path');
  expectConfigError(
    one({ subPath: 'a/../../b' }),
    "unable to provision SubPath `a/../../b`: must not contain '..'",
  );
  expectConfigError(
    one({ subPath: 'escape/secret' }),
    'failed to prepare subPath for volumeMount "scratch" of container "c"',
  );
  expectConfigError(
    one({ subPath: 'escape/newdir' }),
    'failed to prepare subPath for volumeMount "scratch" of container "c"',
  );
  assert.equal(
    await stat(join(f.host, 'newdir')).catch(() => undefined),
    undefined,
    'nothing made outside the volume',
  );
  // A link that stays inside the volume is fine.
  await mkdir(join(scratch, 'real'));
  await symlink('real', join(scratch, 'inner'));
  assert.equal(one({ subPath: 'inner' })()[0]!.host_path, join(scratch, 'real'));
});

test('subPathExpr: expanded from the container environment; missing values are an error', async (t) => {
  const f = await fixture(t);
  const scratch = f.volumes.paths.get('scratch')!.hostPath;
  const c: Obj = {
    name: 'c',
    env: [
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'DIR', value: 'logs-$(POD_NAME)' },
    ],
    volumeMounts: [{ name: 'scratch', mountPath: '/logs', subPathExpr: '$(DIR)/$(POD_NAME)' }],
  };
  // Without a resolved environment: literal values and pod fields.
  assert.equal(f.svc.mounts(f.pod, c, f.volumes)[0]!.host_path, join(scratch, 'logs-web-0/web-0'));
  // With the environment EnvService resolved for this container (a ConfigMap value here).
  const withCm: Obj = {
    name: 'c',
    env: [{ name: 'D', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'dir' } } }],
    volumeMounts: [{ name: 'scratch', mountPath: '/d', subPathExpr: 'sub-$(D)' }],
  };
  expectConfigError(() => f.svc.mounts(f.pod, withCm, f.volumes), 'missing value for D');
  const env = createEnvService({
    objects: f.objects,
    listServices: async () => [],
    nodeAllocatable: () => ({ cpu: '1', memory: '1Gi' }),
  });
  await env.resolve(f.pod, withCm, signal);
  assert.equal(f.svc.mounts(f.pod, withCm, f.volumes)[0]!.host_path, join(scratch, 'sub-x'));
  const missing: Obj = {
    name: 'c',
    volumeMounts: [{ name: 'scratch', mountPath: '/m', subPathExpr: '$(B)/$(A)' }],
  };
  expectConfigError(() => f.svc.mounts(f.pod, missing, f.volumes), 'missing value for A, B');
});
