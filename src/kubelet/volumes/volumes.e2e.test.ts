/**
 * End to end with a real container: a supervised containerd (temporary directory) runs a
 * busybox container on the host network that mounts a configMap volume, a secret volume
 * (tmpfs) and an emptyDir subPath set up by VolumeService. The test reads the files
 * through ExecSync, updates the ConfigMap, calls setUp again, and sees the new contents in
 * the running container without a restart. Skipped without root, containerd or runc.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  BUSYBOX_IMAGE,
  ensureTestImages,
  PAUSE_IMAGE,
  realContainersUnavailable,
} from '../../../test/support/registry.js';
import type { KObject } from '../../registry/types.js';
import { ContainerdSupervisor } from '../containerd/supervisor.js';
import { CriClient } from '../cri/client.js';
import type { ContainerConfig, NamespaceOption, PodSandboxConfig } from '../cri/types.js';
import { isMountPoint } from './host-mounts.js';
import { configMap, MemoryObjects, secret } from './testing.js';
import { createVolumeService } from './volumes.js';

test('a running container sees a configMap update in place', async (t) => {
  const reason = await realContainersUnavailable();
  if (reason) {
    t.skip(reason);
    return;
  }
  const signal = AbortSignal.timeout(240_000);
  const o = { signal };
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-volumes-e2e-'));
  const cleanups: (() => unknown)[] = [() => rm(dir, { recursive: true, force: true })];
  t.after(async () => {
    for (const fn of cleanups.reverse()) await fn();
  });
  cleanups.push(await ensureTestImages(signal));

  const objects = new MemoryObjects();
  objects.put('configmaps', configMap('default', 'app', { 'app.conf': 'version=1\n' }));
  objects.put('secrets', secret('default', 'creds', { password: 'hunter2' }));
  const volumes = createVolumeService({ podsDir: join(dir, 'pods'), objects, log: () => undefined });
  const pod: KObject = {
    metadata: { name: 'cfg-reader', namespace: 'default', uid: 'uid-vol-e2e' },
    spec: {
      volumes: [
        { name: 'config', configMap: { name: 'app' } },
        { name: 'creds', secret: { secretName: 'creds', defaultMode: 0o400 } },
        { name: 'scratch', emptyDir: {} },
      ],
    },
  };
  const container = {
    name: 'reader',
    volumeMounts: [
      { name: 'config', mountPath: '/etc/app' },
      { name: 'creds', mountPath: '/etc/creds' },
      { name: 'scratch', mountPath: '/work', subPath: 'reader' },
    ],
  };
  const podVolumes = await volumes.setUp(pod, signal);
  cleanups.push(() => volumes.tearDown('uid-vol-e2e'));
  const mounts = volumes.mounts(pod, container, podVolumes);

  const sup = new ContainerdSupervisor({ dir: join(dir, 'node'), sandboxImage: PAUSE_IMAGE });
  cleanups.push(() => sup.close());
  await sup.start(signal);
  const cri = new CriClient({ address: sup.layout.address });
  cleanups.push(() => cri.close());
  const imageRef = await cri.pullImage({ image: BUSYBOX_IMAGE }, o);

  const ns: NamespaceOption = { network: 'NODE', pid: 'CONTAINER', ipc: 'POD' };
  const sandbox: PodSandboxConfig = {
    metadata: { name: 'cfg-reader', namespace: 'default', uid: 'uid-vol-e2e', attempt: 0 },
    log_directory: join(dir, 'logs'),
    linux: { security_context: { namespace_options: ns } },
  };
  const podId = await cri.runPodSandbox(sandbox, o);
  cleanups.push(async () => {
    const c = { signal: AbortSignal.timeout(30_000) };
    await cri.stopPodSandbox(podId, c).catch(() => undefined);
    await cri.removePodSandbox(podId, c).catch(() => undefined);
  });
  const config: ContainerConfig = {
    metadata: { name: 'reader', attempt: 0 },
    image: { image: imageRef },
    command: ['sh', '-c', 'echo made-by-container > /work/out; sleep 120'],
    log_path: 'reader/0.log',
    mounts,
    linux: { security_context: { namespace_options: ns } },
  };
  const ctrId = await cri.createContainer(podId, config, sandbox, o);
  await cri.startContainer(ctrId, o);

  const sh = async (script: string) => {
    const r = await cri.execSync(ctrId, ['sh', '-c', script], 10, o);
    return { code: r.exit_code ?? 0, out: r.stdout.toString(), err: r.stderr.toString() };
  };
  assert.equal((await sh('cat /etc/app/app.conf')).out, 'version=1\n');
  assert.equal((await sh('cat /etc/creds/password')).out, 'hunter2');
  assert.notEqual((await sh('echo x > /etc/app/new')).code, 0, 'configMap volumes are read-only');

  objects.put(
    'configmaps',
    configMap('default', 'app', { 'app.conf': 'version=2\n', 'extra.conf': 'more\n' }),
  );
  await volumes.setUp(pod, signal);
  assert.equal((await sh('cat /etc/app/app.conf')).out, 'version=2\n');
  assert.equal((await sh('cat /etc/app/extra.conf')).out, 'more\n');

  let out = '';
  for (let i = 0; i < 100 && out === ''; i++) {
    out = await readFile(join(podVolumes.paths.get('scratch')!.hostPath, 'reader/out'), 'utf8').catch(
      () => '',
    );
    if (out === '') await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(out, 'made-by-container\n', 'the subPath of the emptyDir is the container /work');

  await cri.stopContainer(ctrId, 2, o);
  await cri.removeContainer(ctrId, o);
  await cri.stopPodSandbox(podId, o);
  await cri.removePodSandbox(podId, o);
  const secretDir = podVolumes.paths.get('creds')!.hostPath;
  await volumes.tearDown('uid-vol-e2e');
  assert.equal(await isMountPoint(secretDir), false);
});
