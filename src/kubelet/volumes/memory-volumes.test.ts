/**
 * Tests of the volumes VolumeService keeps in memory (tmpfs): emptyDir medium Memory,
 * secret and projected volumes with their token source; mounted and unmounted for real,
 * so they need root (skipped otherwise).
 */
import assert from 'node:assert/strict';
import { lstat, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { isMountPoint, likelyMountPoint, mountPoints } from './host-mounts.js';
import { configMap, volumeFixture as fixture, secret } from './testing.js';

const signal = AbortSignal.timeout(60_000);
const isRoot = process.getuid?.() === 0;

const text = (path: string) => readFile(path, 'utf8');
const mode = async (path: string) => (await stat(path)).mode & 0o7777;

test('emptyDir medium Memory is a tmpfs sized by sizeLimit, unmounted by tearDown', {
  skip: !isRoot && 'needs root to mount',
}, async (t) => {
  const f = await fixture(t);
  const pod = f.pod('u-tmpfs', [{ name: 'mem', emptyDir: { medium: 'Memory', sizeLimit: '8Mi' } }]);
  const dir = (await f.svc.setUp(pod, signal)).paths.get('mem')!.hostPath;
  const line = (await readFile('/proc/self/mountinfo', 'utf8'))
    .split('\n')
    .find((l) => l.split(' ')[4] === dir);
  assert.ok(line, 'tmpfs mounted');
  assert.match(line, / - tmpfs tmpfs .*size=8192k/);
  await f.svc.setUp(pod, signal);
  assert.equal((await mountPoints()).filter((m) => m === dir).length, 1, 'not mounted twice');
  assert.equal(await likelyMountPoint(dir), true);
  assert.equal(await likelyMountPoint(join(dir, '..')), false);
  await f.svc.tearDown('u-tmpfs');
  assert.equal(await isMountPoint(dir), false);
  assert.equal(await stat(dir).catch(() => undefined), undefined);
});

test('secret: decoded data on a tmpfs, with defaultMode', {
  skip: !isRoot && 'needs root to mount',
}, async (t) => {
  const f = await fixture(t);
  f.objects.put('secrets', secret('ns', 'creds', { user: 'admin', 'pass.txt': 'pw' }));
  const pod = f.pod('u-sec', [{ name: 's', secret: { secretName: 'creds', defaultMode: 0o440 } }]);
  const p = (await f.svc.setUp(pod, signal)).paths.get('s')!;
  assert.equal(p.hostPath, join(f.podsDir, 'u-sec/volumes/kubernetes.io~secret/s'));
  assert.equal(await text(join(p.hostPath, 'user')), 'admin');
  assert.equal(await mode(join(p.hostPath, 'pass.txt')), 0o440);
  assert.equal(await isMountPoint(p.hostPath), true);
  await f.svc.tearDown('u-sec');
  assert.equal(await isMountPoint(p.hostPath), false);
});

test('projected: configMap, secret, downwardAPI and a cached service account token', {
  skip: !isRoot && 'needs root to mount',
}, async (t) => {
  const requests: unknown[][] = [];
  const f = await fixture(t, {
    requestToken: async (...args) => {
      requests.push(args.slice(0, 5));
      return {
        token: `tok-${requests.length}`,
        expirationTimestamp: new Date(Date.now() + 3600_000).toISOString(),
      };
    },
  });
  f.objects.put('configmaps', configMap('ns', 'kube-root-ca.crt', { 'ca.crt': 'CERT' }));
  f.objects.put('secrets', secret('ns', 'creds', { user: 'admin' }));
  const sources = [
    { serviceAccountToken: { path: 'token', expirationSeconds: 3607, audience: 'api' } },
    { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
    { secret: { name: 'creds' } },
    { downwardAPI: { items: [{ path: 'namespace', fieldRef: { fieldPath: 'metadata.namespace' } }] } },
  ];
  const pod = f.pod(
    'u-proj',
    [{ name: 'kube-api-access', projected: { sources, defaultMode: 420 } }],
    {},
    { serviceAccountName: 'robot' },
  );
  const p = (await f.svc.setUp(pod, signal)).paths.get('kube-api-access')!;
  assert.equal(p.hostPath, join(f.podsDir, 'u-proj/volumes/kubernetes.io~projected/kube-api-access'));
  assert.equal(p.readOnly, true);
  assert.equal(await text(join(p.hostPath, 'token')), 'tok-1');
  assert.equal(await text(join(p.hostPath, 'ca.crt')), 'CERT');
  assert.equal(await text(join(p.hostPath, 'user')), 'admin');
  assert.equal(await text(join(p.hostPath, 'namespace')), 'ns');
  assert.deepEqual(requests[0], ['ns', 'robot', ['api'], 3607, { name: 'p', uid: 'u-proj' }]);
  await f.svc.setUp(pod, signal);
  assert.equal(requests.length, 1, 'the token is reused while fresh');

  f.objects.delete('secrets', 'ns', 'creds');
  await assert.rejects(f.svc.setUp(pod, signal), {
    volume: 'kube-api-access',
    message: 'secret "creds" not found',
  });
});

test('projected without TokenRequest support skips the token and says so', {
  skip: !isRoot && 'needs root to mount',
}, async (t) => {
  const f = await fixture(t);
  const sources = [
    { serviceAccountToken: { path: 'token' } },
    { downwardAPI: { items: [{ path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] } },
  ];
  const pod = f.pod('u-notoken', [{ name: 'v', projected: { sources } }]);
  const dir = (await f.svc.setUp(pod, signal)).paths.get('v')!.hostPath;
  assert.equal(await text(join(dir, 'name')), 'p');
  assert.equal(await lstat(join(dir, 'token')).catch(() => undefined), undefined);
  assert.ok(f.logs.some((l) => l.includes('token source skipped')));
});
