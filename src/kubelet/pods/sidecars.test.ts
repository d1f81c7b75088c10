import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Instance } from './runtime-view.js';
import { planInit, regularDone, type Seen, terminationWaits } from './sidecars.js';
import { type ContainerView, computePhase, podStatus } from './status.js';

const c = (name: string, sidecar = false) => ({ name, ...(sidecar ? { restartPolicy: 'Always' } : {}) });
const seenOf =
  (m: Record<string, Seen>) =>
  (name: string): Seen | undefined =>
    m[name];
const running = (started = true): Seen => ({ state: 'running', exitCode: 0, started });
const exited = (exitCode = 0): Seen => ({ state: 'exited', exitCode, started: false });

test('init plan: a sidecar only has to start before the next init container runs', () => {
  const inits = [c('side', true), c('setup')];
  const app = [c('app')];
  assert.deepEqual(planInit(inits, app, seenOf({}), 'Always'), {
    start: [0],
    initialized: false,
    failed: false,
  });
  // Running but its startup probe has not succeeded: wait.
  assert.deepEqual(planInit(inits, app, seenOf({ side: running(false) }), 'Always').start, []);
  assert.deepEqual(planInit(inits, app, seenOf({ side: running() }), 'Always').start, [1]);
  const done = planInit(inits, app, seenOf({ side: running(), setup: exited() }), 'Always');
  assert.deepEqual(done, { start: [], initialized: true, failed: false });
  // The sidecar exited after initialization: restarted whatever the pod's restartPolicy.
  const restart = planInit(inits, app, seenOf({ side: exited(1), setup: exited(), app: running() }), 'Never');
  assert.deepEqual(restart, { start: [0], initialized: true, failed: false });
  // A sidecar last in line initializes the pod once started.
  assert.equal(planInit([c('s', true)], app, seenOf({ s: running() }), 'Always').initialized, true);
  // A failed regular init container: retried unless Never.
  const failing = { side: running(), setup: exited(2) };
  assert.deepEqual(planInit(inits, app, seenOf(failing), 'OnFailure').start, [1]);
  assert.equal(planInit(inits, app, seenOf(failing), 'Never').failed, true);
});

test('a non-Always pod is done when no regular container runs or will restart', () => {
  const app = [c('a'), c('b')];
  assert.equal(regularDone(app, seenOf({ a: exited(), b: exited() }), 'Never'), true);
  assert.equal(regularDone(app, seenOf({ a: exited(), b: running() }), 'Never'), false);
  assert.equal(regularDone(app, seenOf({ a: exited(), b: exited(1) }), 'OnFailure'), false);
  assert.equal(regularDone(app, seenOf({ a: exited(), b: exited(1) }), 'Never'), true);
  assert.equal(regularDone(app, seenOf({ a: exited(), b: exited() }), 'Always'), false);
});

test('termination order: regular containers first, then sidecars last to first', () => {
  const spec = { initContainers: [c('s1', true), c('init'), c('s2', true)], containers: [c('app')] };
  const w = terminationWaits(spec, ['app', 's1', 's2']);
  assert.deepEqual(w.get('app'), []);
  assert.deepEqual(w.get('s2'), ['app']);
  assert.deepEqual(w.get('s1'), ['app', 's2']);
  assert.deepEqual(terminationWaits(spec, ['s1']).get('s1'), []);
});

function inst(state: Instance['state'], exitCode = 0, attempt = 0): Instance {
  return {
    id: `id-${state}-${attempt}`,
    attempt,
    state,
    createdAt: 1,
    startedAt: 1,
    finishedAt: 2,
    exitCode,
    reason: '',
    message: '',
    imageRef: '',
    image: '',
    logPath: '',
  };
}

function view(spec: Record<string, unknown>, init: boolean, current?: Instance, flags = {}): ContainerView {
  return {
    spec,
    init,
    ...(current ? { current } : {}),
    ready: false,
    started: false,
    messages: new Map(),
    ...flags,
  };
}

test('phase and conditions with a sidecar', () => {
  const pod = (restartPolicy: string) => ({
    metadata: { name: 'p', namespace: 'ns', uid: 'u' },
    spec: { restartPolicy, initContainers: [c('side', true)], containers: [c('app')] },
  });
  const side = (cur: Instance | undefined, started: boolean, ready = started) =>
    view(c('side', true), true, cur, { started, ready });
  const app = (cur: Instance | undefined, ready = false) =>
    view(c('app'), false, cur, { ready, started: ready });
  // Sidecar running but not started: still initializing.
  assert.equal(
    computePhase(pod('Always'), [side(inst('CONTAINER_RUNNING'), false), app(undefined)]),
    'Pending',
  );
  const both = [side(inst('CONTAINER_RUNNING'), true), app(inst('CONTAINER_RUNNING'), true)];
  assert.equal(computePhase(pod('Always'), both), 'Running');
  const st = podStatus({
    pod: pod('Always'),
    containers: both,
    hostIP: '127.0.0.1',
    startTime: 0,
    sandboxReady: true,
    now: 0,
  });
  const cond = (s: Record<string, unknown>, t: string) =>
    (s['conditions'] as Record<string, unknown>[]).find((x) => x['type'] === t)?.['status'];
  assert.equal(cond(st, 'Initialized'), 'True');
  assert.equal(cond(st, 'Ready'), 'True');
  const sideStatus = (st['initContainerStatuses'] as Record<string, unknown>[])[0];
  assert.equal(sideStatus?.['started'], true);
  assert.equal(sideStatus?.['ready'], true);
  // An unready sidecar makes the pod unready.
  const unready = podStatus({
    pod: pod('Always'),
    containers: [side(inst('CONTAINER_RUNNING'), true, false), app(inst('CONTAINER_RUNNING'), true)],
    hostIP: '127.0.0.1',
    startTime: 0,
    sandboxReady: true,
    now: 0,
  });
  assert.equal(cond(unready, 'ContainersReady'), 'False');
  // Job-like pod: app done while the sidecar runs -> Running; once the sidecar is stopped
  // (killed, exit 137) the pod succeeded.
  const jobRunning = [side(inst('CONTAINER_RUNNING'), true), app(inst('CONTAINER_EXITED', 0))];
  assert.equal(computePhase(pod('Never'), jobRunning), 'Running');
  const jobDone = [side(inst('CONTAINER_EXITED', 137), false), app(inst('CONTAINER_EXITED', 0))];
  assert.equal(computePhase(pod('Never'), jobDone), 'Succeeded');
  assert.equal(
    computePhase(pod('Never'), [jobDone[0] as ContainerView, app(inst('CONTAINER_EXITED', 3))]),
    'Failed',
  );
  // A restarting sidecar after initialization keeps the pod Initialized.
  const restarting = podStatus({
    pod: pod('Always'),
    containers: [
      view(c('side', true), true, inst('CONTAINER_EXITED', 1), { waiting: { reason: 'CrashLoopBackOff' } }),
      app(inst('CONTAINER_RUNNING'), true),
    ],
    hostIP: '127.0.0.1',
    startTime: 0,
    sandboxReady: true,
    now: 0,
  });
  assert.equal(cond(restarting, 'Initialized'), 'True');
  assert.equal(restarting['phase'], 'Running');
  assert.equal(cond(restarting, 'Ready'), 'False');
});
