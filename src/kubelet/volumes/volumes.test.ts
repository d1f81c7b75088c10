/**
 * Tests of VolumeService.setUp/tearDown on real directories: emptyDir, configMap,
 * downwardAPI, fsGroup, hostPath and unsupported types, updates in place, optional vs
 * required objects, and tear-down that never reaches host data through links or mounts.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { lstat, mkdir, readFile, readlink, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { VolumeSetupError } from '../pods/deps.js';
import { isMountPoint } from './host-mounts.js';
import { configMap, volumeFixture as fixture } from './testing.js';

const run = promisify(execFile);
const signal = AbortSignal.timeout(60_000);
const isRoot = process.getuid?.() === 0;

const text = (path: string) => readFile(path, 'utf8');
const mode = async (path: string) => (await stat(path)).mode & 0o7777;

test('emptyDir on disk: a 0777 directory under the kubelet plugin name; tearDown removes it', async (t) => {
  const f = await fixture(t);
  const pod = f.pod('u-empty', [{ name: 'scratch', emptyDir: {} }]);
  const v = await f.svc.setUp(pod, signal);
  const dir = join(f.podsDir, 'u-empty/volumes/kubernetes.io~empty-dir/scratch');
  assert.deepEqual(v.paths.get('scratch'), { hostPath: dir, readOnly: false });
  assert.equal(await mode(dir), 0o777);
  await writeFile(join(dir, 'data'), 'x');
  await f.svc.setUp(pod, signal);
  assert.equal(await text(join(dir, 'data')), 'x', 'a second setUp keeps the data');
  await f.svc.tearDown('u-empty');
  assert.equal(await stat(join(f.podsDir, 'u-empty/volumes')).catch(() => undefined), undefined);
});

test('configMap: defaultMode, items with path and mode, binaryData, updates in place', async (t) => {
  const f = await fixture(t);
  f.objects.put(
    'configmaps',
    configMap('ns', 'cfg', { a: 'A', b: 'B' }, { bin: Buffer.from([0, 1, 2]).toString('base64') }),
  );
  const pod = f.pod('u-cm', [
    { name: 'all', configMap: { name: 'cfg', defaultMode: 256 } },
    {
      name: 'some',
      configMap: {
        name: 'cfg',
        items: [
          { key: 'a', path: 'x/y.txt', mode: 0o600 },
          { key: 'b', path: 'b' },
        ],
      },
    },
  ]);
  const v = await f.svc.setUp(pod, signal);
  const all = v.paths.get('all')!;
  assert.equal(all.readOnly, true);
  assert.equal(all.hostPath, join(f.podsDir, 'u-cm/volumes/kubernetes.io~configmap/all'));
  assert.equal(await text(join(all.hostPath, 'a')), 'A');
  assert.equal(await mode(join(all.hostPath, 'a')), 0o400);
  assert.deepEqual([...(await readFile(join(all.hostPath, 'bin')))], [0, 1, 2]);
  const some = v.paths.get('some')!.hostPath;
  assert.equal(await text(join(some, 'x/y.txt')), 'A');
  assert.equal(await mode(join(some, 'x/y.txt')), 0o600);
  assert.equal(await mode(join(some, 'b')), 0o644);
  assert.equal(await lstat(join(some, 'a')).catch(() => undefined), undefined);

  f.objects.put('configmaps', configMap('ns', 'cfg', { a: 'A2', c: 'C' }));
  await assert.rejects(f.svc.setUp(pod, signal), (err: unknown) => {
    assert.ok(err instanceof VolumeSetupError);
    assert.equal(err.volume, 'some');
    assert.equal(err.message, 'configmap references non-existent config key: b');
    return true;
  });
  assert.equal(await text(join(all.hostPath, 'a')), 'A2', 'the other volume was still refreshed');
  assert.equal(await text(join(all.hostPath, 'c')), 'C');
  assert.equal(
    await lstat(join(all.hostPath, 'b')).catch(() => undefined),
    undefined,
    'removed key disappears',
  );
});

test('configMap and secret: required objects must exist, optional ones give an empty volume', async (t) => {
  const f = await fixture(t);
  const missing = f.pod('u-miss', [{ name: 'cm', configMap: { name: 'nope' } }]);
  await assert.rejects(f.svc.setUp(missing, signal), { volume: 'cm', message: 'configmap "nope" not found' });
  const missingSecret = f.pod('u-miss2', [{ name: 's', secret: { secretName: 'nope' } }]);
  await assert.rejects(f.svc.setUp(missingSecret, signal), {
    volume: 's',
    message: 'secret "nope" not found',
  });
  const optional = f.pod('u-opt', [
    { name: 'cm', configMap: { name: 'nope', optional: true, items: [{ key: 'k', path: 'k' }] } },
  ]);
  const dir = (await f.svc.setUp(optional, signal)).paths.get('cm')!.hostPath;
  assert.match(await readlink(join(dir, '..data')), /^\.\.\d{4}_/);

  f.objects.put('configmaps', configMap('ns', 'nope', { k: 'now here' }));
  await f.svc.setUp(optional, signal);
  assert.equal(await text(join(dir, 'k')), 'now here');
});

test('downwardAPI: fields and resources on a tmpfs, refreshed when labels change', {
  skip: !isRoot && 'needs root to mount',
}, async (t) => {
  const f = await fixture(t, { nodeAllocatable: () => ({ cpu: '3', memory: '1Gi' }) });
  const items = [
    { path: 'name', fieldRef: { fieldPath: 'metadata.name' } },
    { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
    { path: 'meta/ns', fieldRef: { fieldPath: 'metadata.namespace' }, mode: 0o400 },
    { path: 'mem', resourceFieldRef: { containerName: 'c', resource: 'limits.memory', divisor: '1Mi' } },
    { path: 'cpu', resourceFieldRef: { containerName: 'c', resource: 'limits.cpu' } },
  ];
  const pod = f.pod('u-dapi', [{ name: 'info', downwardAPI: { items } }]);
  const dir = (await f.svc.setUp(pod, signal)).paths.get('info')!.hostPath;
  assert.equal(dir, join(f.podsDir, 'u-dapi/volumes/kubernetes.io~downward-api/info'));
  assert.equal(await isMountPoint(dir), true);
  assert.equal(await text(join(dir, 'name')), 'p');
  assert.equal(await text(join(dir, 'labels')), 'app="a"');
  assert.equal(await text(join(dir, 'meta/ns')), 'ns');
  assert.equal(await mode(join(dir, 'meta/ns')), 0o400);
  assert.equal(await text(join(dir, 'mem')), '64');
  assert.equal(await text(join(dir, 'cpu')), '3');
  pod.metadata!.labels = { app: 'a', tier: 'b' };
  await f.svc.setUp(pod, signal);
  assert.equal(await text(join(dir, 'labels')), 'app="a"\ntier="b"');
});

test('fsGroup: files of a configMap volume are group-owned and group-readable', {
  skip: !isRoot && 'needs root to chown',
}, async (t) => {
  const f = await fixture(t);
  f.objects.put('configmaps', configMap('ns', 'cfg', { a: 'A' }));
  const pod = f.pod(
    'u-fsg',
    [{ name: 'v', configMap: { name: 'cfg', defaultMode: 0o600 } }],
    {},
    { securityContext: { fsGroup: 1234 } },
  );
  const dir = (await f.svc.setUp(pod, signal)).paths.get('v')!.hostPath;
  const st = await stat(join(dir, 'a'));
  assert.equal(st.gid, 1234);
  assert.equal(st.mode & 0o777, 0o640);
  assert.equal((await stat(dir)).gid, 1234);
});

test('hostPath: checked and used in place; tearDown leaves host data alone, even through links and mounts', async (t) => {
  const f = await fixture(t);
  const host = join(f.root, 'host-data');
  await mkdir(host);
  await writeFile(join(host, 'precious'), 'keep me');
  const pod = f.pod('u-host', [
    { name: 'h', hostPath: { path: host, type: 'Directory' } },
    { name: 'made', hostPath: { path: join(f.root, 'made'), type: 'DirectoryOrCreate' } },
    { name: 'scratch', emptyDir: {} },
  ]);
  const v = await f.svc.setUp(pod, signal);
  assert.deepEqual(v.paths.get('h'), { hostPath: host, readOnly: false });
  assert.ok((await stat(join(f.root, 'made'))).isDirectory());
  const scratch = v.paths.get('scratch')!.hostPath;
  // What a container could leave in an emptyDir: a link to host data.
  await symlink(host, join(scratch, 'link'));
  let bound = false;
  if (isRoot) {
    await mkdir(join(scratch, 'bind'));
    await run('mount', ['--bind', host, join(scratch, 'bind')]);
    bound = true;
  }
  await f.svc.tearDown('u-host');
  assert.equal(await text(join(host, 'precious')), 'keep me');
  assert.ok((await stat(join(f.root, 'made'))).isDirectory());
  if (bound) assert.equal(await isMountPoint(join(scratch, 'bind')), false);
  assert.equal(await stat(join(f.podsDir, 'u-host/volumes')).catch(() => undefined), undefined);

  const bad = f.pod('u-host2', [
    { name: 'h', hostPath: { path: join(host, 'precious'), type: 'Directory' } },
  ]);
  await assert.rejects(f.svc.setUp(bad, signal), {
    volume: 'h',
    message: `path is not a directory: ${join(host, 'precious')}`,
  });
});

test('an unsupported volume type is a VolumeSetupError, not a crash', async (t) => {
  const f = await fixture(t);
  const pod = f.pod('u-nfs', [{ name: 'n', nfs: { server: 'x', path: '/' } }]);
  await assert.rejects(f.svc.setUp(pod, signal), { volume: 'n', message: 'no volume plugin matched' });
});
