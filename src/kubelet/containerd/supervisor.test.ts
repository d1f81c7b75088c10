import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { findContainerdBinaries } from './binaries.js';
import { alive } from './processes.js';
import { ContainerdSupervisor, type SupervisorEvent } from './supervisor.js';

// Stands in for containerd: reads the socket from --config and listens on it.
const FAKE = `#!${process.execPath}
import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
const cfg = readFileSync(process.argv[process.argv.indexOf('--config') + 1], 'utf8');
const sock = /^\\s*address = "(.*)"$/m.exec(cfg)[1];
rmSync(sock, { force: true });
const server = createServer((c) => c.destroy()).listen(sock);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

test('starts, restarts a dead daemon and stops it', async (t) => {
  try {
    await findContainerdBinaries();
  } catch (e) {
    t.skip(`needs the runc shim and runc installed: ${(e as Error).message}`);
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-supervisor-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const fake = join(dir, 'fake-containerd.mjs');
  await writeFile(fake, FAKE);
  await chmod(fake, 0o755);

  const events: SupervisorEvent[] = [];
  let onStart: ((pid: number) => void) | undefined;
  const sup = new ContainerdSupervisor({
    dir: join(dir, 'node'),
    sandboxImage: 'pause',
    containerdBinary: fake,
    backoff: { initialMs: 10, maxMs: 100, resetAfterMs: 60_000 },
    onEvent: (e) => {
      events.push(e);
      if (e.type === 'started') onStart?.(e.pid);
    },
  });
  t.after(() => sup.close());
  await sup.start(AbortSignal.timeout(20_000));
  const first = sup.pid;
  assert.ok(first !== undefined && alive(first));

  const restarted = new Promise<number>((resolve) => {
    onStart = resolve;
  });
  process.kill(first, 'SIGKILL');
  const second = await Promise.race([
    restarted,
    new Promise<never>((_, reject) =>
      AbortSignal.timeout(20_000).addEventListener('abort', () => reject(new Error('no restart'))),
    ),
  ]);
  assert.notEqual(second, first);
  assert.ok(events.some((e) => e.type === 'restarting'));

  await sup.close();
  assert.equal(sup.pid, undefined);
  assert.equal(alive(second), false);
});

test('a daemon that dies during start fails start() and is not restarted', async (t) => {
  try {
    await findContainerdBinaries();
  } catch (e) {
    t.skip(`needs the runc shim and runc installed: ${(e as Error).message}`);
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-supervisor-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const fake = join(dir, 'failing-containerd');
  await writeFile(fake, '#!/bin/sh\necho "bad config" >&2\nexit 1\n');
  await chmod(fake, 0o755);
  const events: SupervisorEvent[] = [];
  const sup = new ContainerdSupervisor({
    dir: join(dir, 'node'),
    sandboxImage: 'pause',
    containerdBinary: fake,
    backoff: { initialMs: 10, maxMs: 100, resetAfterMs: 60_000 },
    onEvent: (e) => events.push(e),
  });
  await assert.rejects(sup.start(AbortSignal.timeout(20_000)), /exited during start/);
  const started = events.filter((e) => e.type === 'started').length;
  await sup.close();
  assert.equal(events.filter((e) => e.type === 'started').length, started);
  assert.equal(sup.pid, undefined);
});

test('a daemon left running on the same config by a killed owner is stopped first', async (t) => {
  try {
    await findContainerdBinaries();
  } catch (e) {
    t.skip(`needs the runc shim and runc installed: ${(e as Error).message}`);
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-supervisor-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const fake = join(dir, 'fake-containerd.mjs');
  await writeFile(fake, FAKE);
  await chmod(fake, 0o755);
  const opts = { dir: join(dir, 'node'), sandboxImage: 'pause', containerdBinary: fake };
  // The first owner never restarts its daemon within the test: it stands for a dead process.
  const old = new ContainerdSupervisor({
    ...opts,
    backoff: { initialMs: 600_000, maxMs: 600_000, resetAfterMs: 1 },
  });
  t.after(() => old.close());
  await old.start(AbortSignal.timeout(20_000));
  const stale = old.pid;
  assert.ok(stale !== undefined && alive(stale));
  const events: SupervisorEvent[] = [];
  const sup = new ContainerdSupervisor({ ...opts, onEvent: (e) => events.push(e) });
  t.after(() => sup.close());
  await sup.start(AbortSignal.timeout(20_000));
  assert.deepEqual(
    events.filter((e) => e.type === 'stale-stopped'),
    [{ type: 'stale-stopped', pids: [stale] }],
  );
  assert.equal(alive(stale), false);
  const current = sup.pid;
  assert.ok(current !== undefined && current !== stale && alive(current));
  await sup.close();
  assert.equal(alive(current), false);
});
