/**
 * The probe service against a real container: containerd (started by the supervisor in a
 * temporary directory) runs busybox in a host-network pod serving HTTP on a loopback port.
 * Exec, httpGet and tcpSocket probes run through the real CRI client; an exec probe that
 * outlives its timeout fails as the kubelet words it. Needs root and the Debian packages of
 * RUNTIME.md; skipped otherwise. Everything stays on 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
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
import { execProbe } from './exec.js';
import { createProbeService } from './service.js';

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

async function until(what: string, cond: () => boolean, limitMs = 30_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('probes of a busybox container on a real containerd', async (t) => {
  const reason = await realContainersUnavailable();
  if (reason) {
    t.skip(reason);
    return;
  }
  const signal = AbortSignal.timeout(180_000);
  const o = { signal };
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-probes-e2e-'));
  const cleanups: (() => unknown)[] = [() => rm(dir, { recursive: true, force: true })];
  t.after(async () => {
    for (const fn of cleanups.reverse()) await fn();
  });
  cleanups.push(await ensureTestImages(signal));
  const sup = new ContainerdSupervisor({ dir: join(dir, 'containerd'), sandboxImage: PAUSE_IMAGE });
  cleanups.push(() => sup.close());
  await sup.start(signal);
  const cri = new CriClient({ address: sup.layout.address });
  cleanups.push(() => cri.close());

  const image = await cri.pullImage({ image: BUSYBOX_IMAGE }, o);
  const ns: NamespaceOption = { network: 'NODE', pid: 'CONTAINER', ipc: 'POD' };
  const sandbox: PodSandboxConfig = {
    metadata: { name: 'probed', namespace: 'default', uid: 'probe-uid', attempt: 0 },
    log_directory: join(dir, 'logs'),
    linux: { security_context: { namespace_options: ns } },
  };
  const podId = await cri.runPodSandbox(sandbox, o);
  cleanups.push(async () => {
    const c = { signal: AbortSignal.timeout(30_000) };
    await cri.stopPodSandbox(podId, c).catch(() => undefined);
    await cri.removePodSandbox(podId, c).catch(() => undefined);
  });
  const port = await freePort();
  const config: ContainerConfig = {
    metadata: { name: 'web', attempt: 0 },
    image: { image },
    command: [
      'sh',
      '-c',
      `mkdir -p /www && echo ok > /www/healthz && (httpd -f -p 127.0.0.1:${port} -h /www & echo $! > /httpd.pid) && exec sleep 3600`,
    ],
    log_path: 'web/0.log',
    linux: { security_context: { namespace_options: ns } },
  };
  const ctrId = await cri.createContainer(podId, config, sandbox, o);
  await cri.startContainer(ctrId, o);

  await t.test('an exec probe past its timeout fails as timed out', async () => {
    assert.deepEqual(await execProbe(cri, ctrId, ['sleep', '5'], 1, signal), {
      result: 'failure',
      output: 'command "sleep 5" timed out',
    });
    assert.deepEqual(await execProbe(cri, ctrId, ['sh', '-c', 'echo bad; exit 2'], 5, signal), {
      result: 'failure',
      output: 'bad\n',
    });
  });

  await t.test('exec, httpGet and tcpSocket probes make the container ready, started and live', async () => {
    const changes: string[] = [];
    const failures: string[] = [];
    const events: string[] = [];
    const svc = createProbeService({
      cri,
      onChange: (uid) => changes.push(uid),
      onFailure: (_uid, name, _cid, probe, message) => failures.push(`${name} ${probe}: ${message}`),
      events: (_obj, type, r, message) => events.push(`${type} ${r} ${message}`),
      log: () => undefined,
      secondMs: 100,
    });
    cleanups.push(() => svc.close());
    const pod: KObject = {
      metadata: { name: 'probed', namespace: 'default', uid: 'probe-uid' },
      spec: {
        containers: [
          {
            name: 'web',
            ports: [{ name: 'http', containerPort: port }],
            env: [{ name: 'FILE', value: '/www/healthz' }],
            startupProbe: { exec: { command: ['cat', '$(FILE)'] }, periodSeconds: 1 },
            readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 1 },
            livenessProbe: { tcpSocket: { port }, periodSeconds: 1, failureThreshold: 2 },
          },
        ],
      },
    };
    svc.sync(pod, '127.0.0.1', [
      { podUid: 'probe-uid', containerName: 'web', containerId: ctrId, startedAt: Date.now() },
    ]);
    await until('ready', () => svc.isReady('probe-uid', 'web', ctrId));
    assert.equal(svc.isStarted('probe-uid', 'web', ctrId), true);
    assert.ok(changes.length >= 1);

    // The file goes: readiness fails with the HTTP status, liveness (TCP) still passes.
    await cri.execSync(ctrId, ['rm', '/www/healthz'], 5, o);
    await until('unready', () => !svc.isReady('probe-uid', 'web', ctrId));
    assert.ok(
      events.includes('Warning Unhealthy Readiness probe failed: HTTP probe failed with statuscode: 404'),
    );
    assert.deepEqual(failures, []);

    // The server stops: the TCP liveness probe fails twice and asks for a restart.
    const killed = await cri.execSync(ctrId, ['sh', '-c', 'kill $(cat /httpd.pid)'], 5, o);
    assert.equal(killed.exit_code, 0, killed.stderr.toString());
    await until('liveness failure', () => failures.length === 1);
    assert.match(failures[0] ?? '', new RegExp(`^web liveness: dial tcp 127\\.0\\.0\\.1:${port}: `));
    svc.close();
  });
});
