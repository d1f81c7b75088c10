/**
 * The exec prober through a small fake of the runtime's ExecSync (containerd's own
 * behaviour is proven in ../cri): exit codes, output, timeouts, runtime errors, the
 * command's `$(VAR)` expansion, and the prober's retries of probes that could not run.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import type { CallOptions } from '../cri/call.js';
import { CriError } from '../cri/call.js';
import type { Int64In } from '../cri/types.js';
import { type ExecRuntime, execProbe } from './exec.js';
import { runProbe } from './prober.js';
import { readProbe } from './spec.js';

interface Call {
  containerId: string;
  cmd: string[];
  timeout: Int64In;
  timeoutMs: number | undefined;
}

/** Answers each call with the next scripted answer (the last one repeats). */
function fakeRuntime(answers: (() => { exit: number; out?: string; err?: string } | Error)[]) {
  const calls: Call[] = [];
  const cri: ExecRuntime = {
    async execSync(containerId: string, cmd: string[], timeout: Int64In, o: CallOptions) {
      calls.push({ containerId, cmd, timeout, timeoutMs: o.timeoutMs });
      const next = answers[Math.min(calls.length - 1, answers.length - 1)];
      const a = next ? next() : new Error('no answer');
      if (a instanceof Error) throw a;
      return { stdout: Buffer.from(a.out ?? ''), stderr: Buffer.from(a.err ?? ''), exit_code: a.exit };
    },
  };
  return { cri, calls };
}

const signal = () => AbortSignal.timeout(5000);

test('exit 0 succeeds; another exit code fails with stdout then stderr', async () => {
  const { cri, calls } = fakeRuntime([
    () => ({ exit: 0, out: 'ok\n' }),
    () => ({ exit: 3, out: 'a', err: 'b' }),
  ]);
  assert.deepEqual(await execProbe(cri, 'c1', ['true'], 2, signal()), { result: 'success', output: 'ok\n' });
  assert.deepEqual(await execProbe(cri, 'c1', ['false'], 2, signal()), { result: 'failure', output: 'ab' });
  assert.deepEqual(calls[1], { containerId: 'c1', cmd: ['false'], timeout: 2, timeoutMs: 122_000 });
});

test('output is kept up to 10 KiB', async () => {
  const { cri } = fakeRuntime([() => ({ exit: 1, out: 'z'.repeat(30_000) })]);
  const out = await execProbe(cri, 'c1', ['x'], 1, signal());
  assert.ok(out.result === 'failure' && out.output.length === 10 * 1024);
});

test('a timeout is a failure, other runtime errors mean the probe could not run', async () => {
  const { cri } = fakeRuntime([
    () =>
      new CriError(
        'ExecSync',
        grpc.status.DEADLINE_EXCEEDED,
        'timeout 1s exceeded: context deadline exceeded',
      ),
    () => new CriError('ExecSync', grpc.status.NOT_FOUND, 'container "c1" not found'),
  ]);
  assert.deepEqual(await execProbe(cri, 'c1', ['sleep', '5'], 1, signal()), {
    result: 'failure',
    output: 'command "sleep 5" timed out',
  });
  assert.deepEqual(await execProbe(cri, 'c1', ['sleep', '5'], 1, signal()), {
    result: 'error',
    error: 'rpc error: code = NotFound desc = container "c1" not found',
    state: 'unknown',
  });
});

test('the prober expands the command and retries a probe that could not run, at most 3 times', async () => {
  const container = {
    name: 'app',
    env: [{ name: 'FILE', value: '/tmp/healthy' }],
    livenessProbe: { exec: { command: ['cat', '$(FILE)'] }, timeoutSeconds: 3 },
  };
  const spec = readProbe(container, 'liveness');
  assert.ok(spec);
  const ctx = { container, containerId: 'c9', podIP: '', podRef: 'p_ns(u)', signal: signal() };

  const flaky = fakeRuntime([
    () => new CriError('ExecSync', grpc.status.UNKNOWN, 'busy'),
    () => ({ exit: 0, out: 'yes' }),
  ]);
  assert.deepEqual(await runProbe(spec, { ...ctx, cri: flaky.cri }), { result: 'success', output: 'yes' });
  assert.equal(flaky.calls.length, 2);
  assert.deepEqual(flaky.calls[0]?.cmd, ['cat', '/tmp/healthy']);
  assert.equal(flaky.calls[0]?.timeout, 3);

  const broken = fakeRuntime([() => new CriError('ExecSync', grpc.status.UNKNOWN, 'busy')]);
  assert.deepEqual(await runProbe(spec, { ...ctx, cri: broken.cri }), {
    result: 'error',
    error: 'rpc error: code = Unknown desc = busy',
    state: 'unknown',
  });
  assert.equal(broken.calls.length, 3);

  const failing = fakeRuntime([() => ({ exit: 1, out: 'no' })]);
  assert.equal((await runProbe(spec, { ...ctx, cri: failing.cri })).result, 'failure');
  assert.equal(failing.calls.length, 1);
});

test('an abort rejects the probe', async () => {
  const ac = new AbortController();
  const cri: ExecRuntime = {
    execSync: (_id, _cmd, _t, o) =>
      new Promise((_resolve, reject) => o.signal.addEventListener('abort', () => reject(o.signal.reason))),
  };
  const p = execProbe(cri, 'c1', ['x'], 1, ac.signal);
  ac.abort(new Error('stopped'));
  await assert.rejects(p, { message: 'stopped' });
});
