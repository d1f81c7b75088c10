/**
 * The probe service with real timers (periods shortened through `secondMs`) and exec
 * probes answered by a fake ExecSync whose answers the test switches: readiness flips both
 * ways at its thresholds, startup gates the others, liveness asks for one restart per
 * container id, a new container id starts over, errors do not count, initial delays count
 * from the container's start, and removePod stops everything. Ordering is checked through
 * sequences of calls, never through durations.
 */
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import type { KObject } from '../../registry/types.js';
import type { CallOptions } from '../cri/call.js';
import { CriError } from '../cri/call.js';
import type { ProbeTarget } from '../pods/deps.js';
import { createProbeService } from './service.js';

type Answer = 'ok' | 'fail' | 'error' | 'hang';
type Obj = Record<string, unknown>;

/** ExecSync stand-in: the command's first word names the probe; answers are set per container. */
function fakeRuntime() {
  const answers = new Map<string, Answer>();
  const calls: string[] = [];
  let aborted = 0;
  const cri = {
    execSync(containerId: string, cmd: string[], _t: unknown, o: CallOptions) {
      const k = `${containerId}:${cmd[0]}`;
      calls.push(k);
      const a = answers.get(k) ?? 'fail';
      if (a === 'hang') {
        return new Promise<never>((_resolve, reject) =>
          o.signal.addEventListener('abort', () => {
            aborted++;
            reject(o.signal.reason);
          }),
        );
      }
      if (a === 'error')
        return Promise.reject(new CriError('ExecSync', grpc.status.UNKNOWN, 'runtime hiccup'));
      return Promise.resolve({
        stdout: Buffer.from(a),
        stderr: Buffer.alloc(0),
        exit_code: a === 'ok' ? 0 : 1,
      });
    },
  };
  return {
    cri,
    set: (containerId: string, probe: string, a: Answer) => answers.set(`${containerId}:${probe}`, a),
    count: (containerId: string, probe: string) =>
      calls.filter((c) => c === `${containerId}:${probe}`).length,
    get aborted() {
      return aborted;
    },
  };
}

/** A service with 10 ms seconds, closed when the test ends (passed or not). */
function setup(t: TestContext) {
  const rt = fakeRuntime();
  const changes: string[] = [];
  const failures: string[] = [];
  const events: string[] = [];
  const svc = createProbeService({
    cri: rt.cri,
    onChange: (uid) => changes.push(uid),
    onFailure: (uid, name, cid, probe, message) => failures.push(`${uid}/${name}/${cid}/${probe}/${message}`),
    events: (_obj, type, reason, message) => events.push(`${type} ${reason} ${message}`),
    log: () => undefined,
    secondMs: 10,
  });
  t.after(() => svc.close());
  return { rt, svc, changes, failures, events };
}

const probe = (cmd: string, extra: Obj = {}): Obj => ({
  exec: { command: [cmd] },
  periodSeconds: 1,
  ...extra,
});

function podOf(uid: string, containers: Obj[], meta: Obj = {}): KObject {
  return { metadata: { uid, name: uid, namespace: 'default', ...meta }, spec: { containers } };
}

const target = (uid: string, name: string, id: string, startedAt = Date.now()): ProbeTarget => ({
  podUid: uid,
  containerName: name,
  containerId: id,
  startedAt,
});

async function until(what: string, cond: () => boolean, limitMs = 10_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('readiness turns true after a success and false after failureThreshold failures', async (t) => {
  const { rt, svc, changes, events } = setup(t);
  const pod = podOf('p1', [
    { name: 'web', readinessProbe: probe('ready', { failureThreshold: 2 }) },
    { name: 'plain' },
  ]);
  // Before the first sync nothing is known: not ready; the sync reports the change.
  assert.equal(svc.isReady('p1', 'plain', 'c2'), false);
  svc.sync(pod, '10.0.0.1', [target('p1', 'web', 'c1'), target('p1', 'plain', 'c2')]);
  assert.equal(svc.isReady('p1', 'plain', 'c2'), true);
  assert.equal(svc.isStarted('p1', 'web', 'c1'), true);
  assert.equal(svc.isReady('p1', 'web', 'c1'), false);
  await until('onChange after the first sync', () => changes.length === 1);

  await until('failed readiness probes', () => rt.count('c1', 'ready') >= 2);
  assert.equal(svc.isReady('p1', 'web', 'c1'), false);
  assert.ok(events.includes('Warning Unhealthy Readiness probe failed: fail'), events.join('\n'));

  rt.set('c1', 'ready', 'ok');
  await until('ready', () => svc.isReady('p1', 'web', 'c1'));
  assert.equal(changes.length, 2);

  rt.set('c1', 'ready', 'fail');
  const before = rt.count('c1', 'ready');
  await until('not ready', () => !svc.isReady('p1', 'web', 'c1'));
  assert.ok(rt.count('c1', 'ready') - before >= 2, 'two failures in a row before turning unready');
  assert.equal(changes.length, 3);
  svc.removePod('p1');
});

test('a startup probe gates liveness and readiness until it succeeds, then stops', async (t) => {
  const { rt, svc } = setup(t);
  const pod = podOf('p2', [
    {
      name: 'app',
      startupProbe: probe('start', { failureThreshold: 1000 }),
      livenessProbe: probe('live'),
      readinessProbe: probe('ready'),
    },
  ]);
  rt.set('c1', 'live', 'ok');
  rt.set('c1', 'ready', 'ok');
  svc.sync(pod, '10.0.0.2', [target('p2', 'app', 'c1')]);
  await until('startup probes', () => rt.count('c1', 'start') >= 5);
  assert.equal(rt.count('c1', 'live'), 0);
  assert.equal(rt.count('c1', 'ready'), 0);
  assert.equal(svc.isStarted('p2', 'app', 'c1'), false);
  assert.equal(svc.isReady('p2', 'app', 'c1'), false);

  rt.set('c1', 'start', 'ok');
  await until('started', () => svc.isStarted('p2', 'app', 'c1'));
  await until('ready', () => svc.isReady('p2', 'app', 'c1'));
  const startCalls = rt.count('c1', 'start');
  await until('liveness probes', () => rt.count('c1', 'live') >= 5);
  assert.equal(rt.count('c1', 'start'), startCalls, 'no startup probe once started');
  svc.removePod('p2');
});

test('liveness failing calls onFailure once per container id; a new id starts over', async (t) => {
  const { rt, svc, failures, events } = setup(t);
  const pod = podOf('p3', [
    { name: 'app', livenessProbe: probe('live', { failureThreshold: 3 }), readinessProbe: probe('ready') },
  ]);
  rt.set('c1', 'ready', 'ok');
  svc.sync(pod, '10.0.0.3', [target('p3', 'app', 'c1')]);
  await until('onFailure', () => failures.length === 1);
  assert.deepEqual(failures, ['p3/app/c1/liveness/fail']);
  assert.equal(rt.count('c1', 'live'), 3);
  assert.ok(events.includes('Warning Unhealthy Liveness probe failed: fail'));
  // On hold: readiness goes on, liveness does not, until the container changes.
  const readyCalls = rt.count('c1', 'ready');
  await until('readiness probes', () => rt.count('c1', 'ready') >= readyCalls + 5);
  assert.equal(rt.count('c1', 'live'), 3);
  assert.equal(failures.length, 1);
  svc.sync(pod, '10.0.0.3', [target('p3', 'app', 'c1')]);
  await until('readiness probes', () => rt.count('c1', 'ready') >= readyCalls + 10);
  assert.equal(failures.length, 1, 'the same container id does not resume liveness');

  rt.set('c2', 'live', 'ok');
  rt.set('c2', 'ready', 'ok');
  svc.sync(pod, '10.0.0.3', [target('p3', 'app', 'c2')]);
  assert.equal(svc.isReady('p3', 'app', 'c2'), false, 'a new container is not ready before its probe');
  assert.equal(svc.isReady('p3', 'app', 'c1'), false);
  await until('ready again', () => svc.isReady('p3', 'app', 'c2'));
  assert.equal(svc.isReady('p3', 'app', 'c1'), false, 'the old container id stays unready');
  await until('liveness on the new container', () => rt.count('c2', 'live') >= 3);
  assert.equal(failures.length, 1);
  rt.set('c2', 'live', 'fail');
  await until('second onFailure', () => failures.length === 2);
  assert.equal(failures[1], 'p3/app/c2/liveness/fail');
  svc.removePod('p3');
});

test('a startup probe failing failureThreshold times asks for a restart', async (t) => {
  const { rt, svc, failures } = setup(t);
  const pod = podOf('p4', [{ name: 'slow', startupProbe: probe('start', { failureThreshold: 2 }) }]);
  svc.sync(pod, '10.0.0.4', [target('p4', 'slow', 'c1')]);
  await until('onFailure', () => failures.length === 1);
  assert.deepEqual(failures, ['p4/slow/c1/startup/fail']);
  assert.equal(rt.count('c1', 'start'), 2);
  assert.equal(svc.isStarted('p4', 'slow', 'c1'), false);
  svc.removePod('p4');
});

test('probes that cannot run are reported but do not count', async (t) => {
  const { rt, svc, events } = setup(t);
  const pod = podOf('p5', [{ name: 'app', readinessProbe: probe('ready', { failureThreshold: 1 }) }]);
  rt.set('c1', 'ready', 'ok');
  svc.sync(pod, '10.0.0.5', [target('p5', 'app', 'c1')]);
  await until('ready', () => svc.isReady('p5', 'app', 'c1'));
  rt.set('c1', 'ready', 'error');
  const before = rt.count('c1', 'ready');
  await until('erroring probes', () => rt.count('c1', 'ready') >= before + 9);
  assert.equal(svc.isReady('p5', 'app', 'c1'), true);
  assert.ok(
    events.includes(
      'Warning Unhealthy Readiness probe errored and resulted in unknown state: rpc error: code = Unknown desc = runtime hiccup',
    ),
  );
  svc.removePod('p5');
});

test('the initial delay counts from the container start', async (t) => {
  const { rt, svc } = setup(t);
  const delayed = probe('ready', { initialDelaySeconds: 3600 });
  const pod = podOf('p6', [
    { name: 'fresh', readinessProbe: delayed },
    { name: 'old', readinessProbe: delayed },
  ]);
  const now = Date.now();
  svc.sync(pod, '10.0.0.6', [target('p6', 'fresh', 'c1', now), target('p6', 'old', 'c2', now - 3600 * 10)]);
  await until('probes of the container started long ago', () => rt.count('c2', 'ready') >= 5);
  assert.equal(rt.count('c1', 'ready'), 0);
  svc.removePod('p6');
});

test('a pod being deleted ends liveness and startup quietly', async (t) => {
  const { rt, svc, failures } = setup(t);
  const pod = podOf(
    'p7',
    [
      {
        name: 'app',
        startupProbe: probe('start'),
        livenessProbe: probe('live'),
        readinessProbe: probe('ready'),
      },
    ],
    { deletionTimestamp: new Date().toISOString() },
  );
  svc.sync(pod, '10.0.0.7', [target('p7', 'app', 'c1')]);
  await until('started', () => svc.isStarted('p7', 'app', 'c1'));
  await until('readiness probes', () => rt.count('c1', 'ready') >= 5);
  assert.equal(rt.count('c1', 'start') + rt.count('c1', 'live'), 0);
  assert.equal(failures.length, 0);
  svc.removePod('p7');
});

test('removePod and stopped containers stop their workers and abort probes in flight', async (t) => {
  const { rt, svc } = setup(t);
  const a = podOf('pa', [{ name: 'app', readinessProbe: probe('ready'), livenessProbe: probe('live') }]);
  const b = podOf('pb', [{ name: 'app', readinessProbe: probe('ready') }]);
  rt.set('a1', 'live', 'hang');
  svc.sync(a, '10.0.0.8', [target('pa', 'app', 'a1')]);
  svc.sync(b, '10.0.0.9', [target('pb', 'app', 'b1')]);
  await until('probes of both pods', () => rt.count('a1', 'ready') >= 3 && rt.count('a1', 'live') === 1);

  svc.removePod('pa');
  assert.equal(rt.aborted, 1, 'the probe in flight is aborted');
  const countA = rt.count('a1', 'ready');
  const countB = rt.count('b1', 'ready');
  await until('more probes of the other pod', () => rt.count('b1', 'ready') >= countB + 5);
  assert.equal(rt.count('a1', 'ready'), countA);
  assert.equal(svc.isReady('pa', 'app', 'a1'), false, 'a removed pod is unknown again');

  // The container stopped: the pod worker no longer lists it.
  svc.sync(b, '10.0.0.9', []);
  const stoppedAt = rt.count('b1', 'ready');
  const c = podOf('pc', [{ name: 'app', readinessProbe: probe('ready') }]);
  svc.sync(c, '10.0.0.10', [target('pc', 'app', 'c1')]);
  await until('probes of a third pod', () => rt.count('c1', 'ready') >= 5);
  assert.equal(rt.count('b1', 'ready'), stoppedAt);
  assert.equal(svc.isReady('pb', 'app', 'b1'), false);
  svc.close();
  // Nothing is left running: the test process exits on its own.
});
