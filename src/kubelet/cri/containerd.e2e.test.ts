/**
 * End to end against a real containerd: the supervisor starts it in a temporary
 * directory, and the CRI client pulls busybox from the loopback registry, runs a pod
 * sandbox on the host network (no CNI), runs a container, reads its log, execs in it,
 * and removes everything. Needs root and the Debian packages of RUNTIME.md; skipped
 * otherwise. Prints (does not assert) how long the main calls took.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { findContainerdBinaries } from '../containerd/binaries.js';
import { processesMentioning } from '../containerd/processes.js';
import { ContainerdSupervisor } from '../containerd/supervisor.js';
import { CriClient } from './client.js';
import { parseCriLog } from './log-format.js';
import type { ContainerConfig, NamespaceOption, PodSandboxConfig } from './types.js';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const REGISTRY = '127.0.0.1:5000';

async function skipReason(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'needs root to run containers';
  try {
    await findContainerdBinaries();
  } catch (e) {
    return (e as Error).message;
  }
  return undefined;
}

async function timed<T>(label: string, figures: string[], fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const out = await fn();
  figures.push(`${label}: ${(performance.now() - t0).toFixed(1)} ms`);
  return out;
}

test('a busybox pod through CRI on a supervised containerd', async (t) => {
  const reason = await skipReason();
  if (reason) {
    t.skip(reason);
    return;
  }
  const signal = AbortSignal.timeout(180_000);
  const o = { signal };
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-cri-e2e-'));
  const env = { ...process.env, K8TS_REGISTRY_DIR: join(dir, 'registry') };
  // Undone last-in first-out: the registry and containerd stop before their files go.
  const cleanups: (() => unknown)[] = [() => rm(dir, { recursive: true, force: true })];
  t.after(async () => {
    for (const fn of cleanups.reverse()) await fn();
  });

  await run(join(REPO, 'scripts/images/registry.sh'), ['start'], { env, signal });
  cleanups.push(() => run(join(REPO, 'scripts/images/registry.sh'), ['stop'], { env }));
  await run(join(REPO, 'scripts/images/build.sh'), [REGISTRY], { env, signal, cwd: REPO });

  const nodeDir = join(dir, 'node');
  const sup = new ContainerdSupervisor({ dir: nodeDir, sandboxImage: `${REGISTRY}/k8ts/pause:3.10` });
  cleanups.push(() => sup.close());
  await sup.start(signal);
  const containerdPid = sup.pid;
  const cri = new CriClient({ address: sup.layout.address });
  cleanups.push(() => cri.close());

  const version = await cri.version(o);
  assert.equal(version.runtime_api_version, 'v1');

  const figures: string[] = [];
  const imageRef = await timed('PullImage', figures, () =>
    cri.pullImage({ image: `${REGISTRY}/library/busybox:1.36` }, o),
  );
  assert.ok(imageRef.length > 0);
  assert.ok(await cri.imageStatus({ image: `${REGISTRY}/library/busybox:1.36` }, o));

  const ns: NamespaceOption = { network: 'NODE', pid: 'CONTAINER', ipc: 'POD' };
  const logDir = join(dir, 'logs', 'default_hello_uid-1');
  const sandbox: PodSandboxConfig = {
    metadata: { name: 'hello', namespace: 'default', uid: 'uid-1', attempt: 0 },
    log_directory: logDir,
    labels: { 'k8ts.io/test': 'cri-e2e' },
    linux: { security_context: { namespace_options: ns } },
  };
  const podId = await timed('RunPodSandbox', figures, () => cri.runPodSandbox(sandbox, o));
  cleanups.push(async () => {
    const c = { signal: AbortSignal.timeout(30_000) };
    await cri.stopPodSandbox(podId, c).catch(() => undefined);
    await cri.removePodSandbox(podId, c).catch(() => undefined);
  });
  const status = await cri.podSandboxStatus(podId, o);
  assert.equal(status.status?.state, 'SANDBOX_READY');
  assert.ok((await cri.listPodSandbox({ id: podId }, o)).some((s) => s.id === podId));

  const config: ContainerConfig = {
    metadata: { name: 'busybox', attempt: 0 },
    image: { image: imageRef },
    command: ['sh', '-c', 'echo hello-from-cri; sleep 30'],
    log_path: 'busybox/0.log',
    linux: { security_context: { namespace_options: ns } },
  };
  const ctrId = await timed('CreateContainer', figures, () => cri.createContainer(podId, config, sandbox, o));
  await timed('StartContainer', figures, () => cri.startContainer(ctrId, o));
  const cs = await cri.containerStatus(ctrId, o);
  assert.equal(cs.status?.state, 'CONTAINER_RUNNING');

  const logFile = join(logDir, 'busybox/0.log');
  let lines: ReturnType<typeof parseCriLog> = [];
  for (let i = 0; i < 200 && !lines.some((l) => l.text === 'hello-from-cri'); i++) {
    await sleep(50);
    lines = parseCriLog(await readFile(logFile, 'utf8').catch(() => ''));
  }
  const raw = await readFile(logFile, 'utf8');
  assert.match(raw, /^\S+ stdout F hello-from-cri$/m);
  assert.ok(!Number.isNaN(Date.parse(lines[0]!.time)));

  const ok = await timed('ExecSync echo ok', figures, () => cri.execSync(ctrId, ['echo', 'ok'], 10, o));
  assert.equal(ok.exit_code, 0);
  assert.equal(ok.stdout.toString(), 'ok\n');
  const three = await cri.execSync(ctrId, ['sh', '-c', 'exit 3'], 10, o);
  assert.equal(three.exit_code, 3);

  const stats = await cri.containerStats(ctrId, o);
  assert.equal(stats?.attributes?.id, ctrId);

  await timed('StopContainer', figures, () => cri.stopContainer(ctrId, 2, o));
  assert.equal((await cri.containerStatus(ctrId, o)).status?.state, 'CONTAINER_EXITED');
  await cri.removeContainer(ctrId, o);
  await timed('StopPodSandbox', figures, () => cri.stopPodSandbox(podId, o));
  await timed('RemovePodSandbox', figures, () => cri.removePodSandbox(podId, o));
  assert.deepEqual(await cri.listContainers({ pod_sandbox_id: podId }, o), []);
  assert.equal((await cri.listPodSandbox({ id: podId }, o)).length, 0);

  cri.close();
  await sup.close();
  t.diagnostic(`figures: ${figures.join(', ')}`);

  assert.ok(containerdPid !== undefined);
  let containerdGone = false;
  try {
    process.kill(containerdPid, 0);
  } catch {
    containerdGone = true;
  }
  assert.ok(containerdGone, `containerd pid ${containerdPid} still running`);
  assert.deepEqual(await processesMentioning(nodeDir), [], 'containerd/shim/runc processes left behind');
});
