/** The simulated pod state machine and the status it reports, driven by an explicit clock. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KObject } from '../../registry/types.js';
import { adoptRuntime } from './pod-adopt.js';
import { machineConfig, newRuntime, type PodRuntime, step } from './pod-runtime.js';
import { imageID, normalizeImage, podStatus } from './pod-status.js';

type Obj = Record<string, unknown>;
const T0 = Date.parse('2025-01-01T00:00:00Z');
const cfg = machineConfig(1, 1000);

function pod(opts: {
  policy?: string;
  exit?: string;
  ready?: string;
  init?: string[];
  gates?: string[];
  conditions?: Obj[];
  deletion?: number;
  deadline?: number;
}): KObject {
  const annotations: Record<string, string> = {};
  if (opts.exit) annotations['sim.k8ts.io/exit'] = opts.exit;
  if (opts.ready) annotations['sim.k8ts.io/ready'] = opts.ready;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'p',
      namespace: 'default',
      uid: 'uid-1',
      annotations,
      ...(opts.deletion !== undefined
        ? { deletionTimestamp: '2025-01-01T00:10:00Z', deletionGracePeriodSeconds: opts.deletion }
        : {}),
    },
    spec: {
      nodeName: 'sim-0',
      restartPolicy: opts.policy ?? 'Always',
      containers: [{ name: 'app', image: 'nginx' }],
      ...(opts.init ? { initContainers: opts.init.map((name) => ({ name, image: 'busybox:1.36' })) } : {}),
      ...(opts.gates ? { readinessGates: opts.gates.map((conditionType) => ({ conditionType })) } : {}),
      ...(opts.deadline ? { activeDeadlineSeconds: opts.deadline } : {}),
    },
    status: {
      phase: 'Pending',
      qosClass: 'BestEffort',
      ...(opts.conditions ? { conditions: opts.conditions } : {}),
    },
  };
}

function run(p: KObject, at: number, rt?: PodRuntime) {
  const r = rt ?? newRuntime(p, '10.244.0.1', '10.64.0.2', T0);
  const res = step(r, p, at, cfg);
  return { rt: r, res, status: podStatus(r, p, at) };
}

const cond = (s: Obj, type: string) => (s['conditions'] as Obj[]).find((c) => c['type'] === type)!;
const container = (s: Obj, i = 0) => (s['containerStatuses'] as Obj[])[i]!;

describe('simulated pod runtime', () => {
  it('runs a pod at once, with the status kubectl shows for a running pod', () => {
    const { status, res } = run(pod({}), T0);
    assert.equal(res.wakeAt, undefined);
    assert.equal(res.remove, false);
    assert.equal(status['phase'], 'Running');
    assert.equal(status['podIP'], '10.64.0.2');
    assert.deepEqual(status['podIPs'], [{ ip: '10.64.0.2' }]);
    assert.equal(status['hostIP'], '10.244.0.1');
    assert.equal(status['startTime'], '2025-01-01T00:00:00Z');
    assert.equal(status['qosClass'], 'BestEffort');
    for (const t of ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'])
      assert.equal(cond(status, t)['status'], 'True', t);
    const c = container(status);
    assert.equal(c['ready'], true);
    assert.equal(c['started'], true);
    assert.equal(c['restartCount'], 0);
    assert.deepEqual(c['state'], { running: { startedAt: '2025-01-01T00:00:00Z' } });
    assert.deepEqual(c['lastState'], {});
    assert.equal(c['image'], 'docker.io/library/nginx:latest');
    assert.match(String(c['imageID']), /^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
    assert.match(String(c['containerID']), /^sim:\/\/[0-9a-f]{64}$/);
  });

  it('keeps the transition times of unchanged conditions', () => {
    const p = pod({});
    const first = run(p, T0);
    p['status'] = first.status;
    const again = run(p, T0 + 60_000, first.rt);
    assert.deepEqual(again.status, first.status);
  });

  it('completes or fails per restartPolicy Never when the exit annotation says so', () => {
    const ok = pod({ policy: 'Never', exit: 'code=0,after=2s' });
    const a = run(ok, T0);
    assert.equal(a.res.wakeAt, T0 + 2000);
    const done = run(ok, T0 + 2000, a.rt);
    assert.equal(done.status['phase'], 'Succeeded');
    const term = (container(done.status)['state'] as Obj)['terminated'] as Obj;
    assert.equal(term['exitCode'], 0);
    assert.equal(term['reason'], 'Completed');
    assert.equal(cond(done.status, 'Ready')['reason'], 'PodCompleted');
    assert.equal(cond(done.status, 'PodReadyToStartContainers')['status'], 'False');
    assert.equal(done.res.wakeAt, undefined);

    const bad = pod({ policy: 'Never', exit: 'code=3,after=1s' });
    const b = run(bad, T0);
    const failed = run(bad, T0 + 5000, b.rt);
    assert.equal(failed.status['phase'], 'Failed');
    const t2 = (container(failed.status)['state'] as Obj)['terminated'] as Obj;
    assert.equal(t2['exitCode'], 3);
    assert.equal(t2['reason'], 'Error');
    assert.equal(t2['finishedAt'], '2025-01-01T00:00:01Z');
    assert.equal(cond(failed.status, 'Ready')['reason'], 'PodFailed');
  });

  it('restarts under OnFailure only after a failure', () => {
    const p = pod({ policy: 'OnFailure', exit: 'code=0,after=1s' });
    const r = run(p, T0);
    assert.equal(run(p, T0 + 1000, r.rt).status['phase'], 'Succeeded');
    const f = pod({ policy: 'OnFailure', exit: 'code=1,after=1s' });
    const x = run(f, T0);
    const s = run(f, T0 + 1000, x.rt).status;
    assert.equal(s['phase'], 'Running');
    assert.equal(container(s)['restartCount'], 1);
  });

  it('crash-loops with the kubelet backoff: first restart at once, then 10 s doubling, capped at 5 min', () => {
    const p = pod({ policy: 'Always', exit: 'code=1,after=0s' });
    const r = run(p, T0);
    // Run 1 exits at T0 and restarts at once; run 2 exits at T0 and waits 10 s.
    let s = r.status;
    assert.equal(container(s)['restartCount'], 1);
    let waiting = (container(s)['state'] as Obj)['waiting'] as Obj;
    assert.equal(waiting['reason'], 'CrashLoopBackOff');
    assert.equal(waiting['message'], 'back-off 10s restarting failed container=app pod=p_default(uid-1)');
    assert.equal(((container(s)['lastState'] as Obj)['terminated'] as Obj)['exitCode'], 1);
    assert.equal(container(s)['ready'], false);
    assert.equal(cond(s, 'Ready')['reason'], 'ContainersNotReady');
    assert.equal(cond(s, 'Ready')['message'], 'containers with unready status: [app]');
    assert.equal(s['phase'], 'Running');
    assert.equal(r.res.wakeAt, T0 + 10_000);
    const delays: number[] = [];
    let at = T0;
    let wake = r.res.wakeAt!;
    for (let i = 0; i < 8; i++) {
      delays.push(wake - at);
      at = wake;
      const next = run(p, at, r.rt);
      s = next.status;
      wake = next.res.wakeAt!;
    }
    assert.deepEqual(delays, [10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
    assert.equal(container(s)['restartCount'], 9);
    waiting = (container(s)['state'] as Obj)['waiting'] as Obj;
    assert.match(String(waiting['message']), /^back-off 5m0s /);
  });

  it('scales the backoff', () => {
    const fast = machineConfig(0.01);
    assert.equal(fast.backoffInitialMs, 100);
    assert.equal(fast.backoffMaxMs, 3000);
  });

  it('forgets the backoff after a long healthy run', () => {
    const p = pod({ policy: 'Always', exit: 'code=1,after=20m' });
    const r = run(p, T0);
    const first = run(p, T0 + 20 * 60_000, r.rt);
    assert.equal(container(first.status)['restartCount'], 1);
    assert.deepEqual(Object.keys(container(first.status)['state'] as Obj), ['running']);
    const second = run(p, T0 + 40 * 60_000, r.rt);
    // 20 min after the last restart: more than twice the cap, so it restarts at once again.
    assert.equal(container(second.status)['restartCount'], 2);
    assert.deepEqual(Object.keys(container(second.status)['state'] as Obj), ['running']);
  });

  it('counts the exit delay from when the annotation was first seen', () => {
    const p = pod({});
    const r = run(p, T0);
    const later = pod({ policy: 'Never', exit: 'code=0,after=2s' });
    const seen = run(later, T0 + 60_000, r.rt);
    assert.equal(seen.res.wakeAt, T0 + 62_000);
  });

  it('applies a container-specific exit plan over a general one', () => {
    const p = pod({ policy: 'Never', exit: 'code=0,after=5s;code=7,after=1s,container=app' });
    const r = run(p, T0);
    const s = run(p, T0 + 1000, r.rt).status;
    assert.equal(((container(s)['state'] as Obj)['terminated'] as Obj)['exitCode'] as number, 7);
  });

  it('ignores a malformed exit annotation and says why', () => {
    const p = pod({ exit: 'code=banana' });
    const r = run(p, T0);
    assert.match(r.rt.plans.error ?? '', /bad "code=banana"/);
    assert.equal(r.status['phase'], 'Running');
  });

  it('honours the ready annotation and readiness gates', () => {
    const s = run(pod({ ready: 'false' }), T0).status;
    assert.equal(container(s)['ready'], false);
    assert.equal(container(s)['started'], true);
    assert.equal(cond(s, 'Ready')['status'], 'False');
    const gated = run(pod({ gates: ['example.com/lb'] }), T0).status;
    assert.equal(cond(gated, 'ContainersReady')['status'], 'True');
    assert.equal(cond(gated, 'Ready')['reason'], 'ReadinessGatesNotReady');
    assert.equal(
      cond(gated, 'Ready')['message'],
      'corresponding condition of pod readiness gate "example.com/lb" does not exist.',
    );
    const gate = { type: 'example.com/lb', status: 'True', lastTransitionTime: '2025-01-01T00:00:00Z' };
    const open = run(pod({ gates: ['example.com/lb'], conditions: [gate] }), T0).status;
    assert.equal(cond(open, 'Ready')['status'], 'True');
    assert.deepEqual((open['conditions'] as Obj[])[0], gate, "others' conditions are kept");
  });

  it('runs init containers first, one after another', () => {
    const p = pod({ init: ['setup', 'migrate'], exit: 'code=0,after=3s,container=migrate' });
    const r = run(p, T0);
    assert.equal(r.status['phase'], 'Pending');
    assert.equal(cond(r.status, 'Initialized')['message'], 'containers with incomplete status: [migrate]');
    const inits = r.status['initContainerStatuses'] as Obj[];
    assert.equal(((inits[0]!['state'] as Obj)['terminated'] as Obj)['reason'], 'Completed');
    assert.ok((inits[1]!['state'] as Obj)['running']);
    assert.deepEqual(container(r.status)['state'], { waiting: { reason: 'PodInitializing' } });
    assert.equal(r.res.wakeAt, T0 + 3000);
    const s = run(p, T0 + 3000, r.rt).status;
    assert.equal(s['phase'], 'Running');
    assert.deepEqual(container(s)['state'], { running: { startedAt: '2025-01-01T00:00:03Z' } });
  });

  it('fails the pod when an init container fails under restartPolicy Never', () => {
    const p = pod({ policy: 'Never', init: ['setup'], exit: 'code=2,after=0s,container=setup' });
    const s = run(p, T0).status;
    assert.equal(s['phase'], 'Failed');
  });

  it('stops a pod marked for deletion after min(grace, stop time), then removes it', () => {
    const p = pod({});
    const r = run(p, T0);
    const del = pod({ deletion: 30 });
    const marked = run(del, T0 + 5000, r.rt);
    assert.equal(marked.res.remove, false);
    assert.equal(marked.res.wakeAt, T0 + 6000);
    const stopped = run(del, T0 + 6000, r.rt);
    assert.equal(stopped.res.remove, true);
    assert.equal(stopped.status['phase'], 'Succeeded');
    const term = (container(stopped.status)['state'] as Obj)['terminated'] as Obj;
    assert.equal(term['exitCode'], 0);

    const r2 = run(pod({}), T0);
    const killed = run(pod({ deletion: 0 }), T0 + 1000, r2.rt);
    assert.equal(killed.res.remove, true);
    assert.equal(
      ((container(killed.status)['state'] as Obj)['terminated'] as Obj)['exitCode'] as number,
      137,
    );
    assert.equal(killed.status['phase'], 'Failed');
  });

  it('fails a pod past its activeDeadlineSeconds', () => {
    const p = pod({ deadline: 30 });
    const r = run(p, T0);
    assert.equal(r.res.wakeAt, T0 + 30_000);
    const s = run(p, T0 + 30_000, r.rt).status;
    assert.equal(s['phase'], 'Failed');
    assert.equal(s['reason'], 'DeadlineExceeded');
  });

  it('carries on from the status in the API after a restart', () => {
    const p = pod({ policy: 'Always', exit: 'code=1,after=0s' });
    const r = run(p, T0);
    p['status'] = r.status;
    const adopted = adoptRuntime(p, '10.244.0.1', T0 + 1000, cfg)!;
    assert.equal(adopted.podIP, '10.64.0.2');
    const s = run(p, T0 + 10_000, adopted);
    assert.equal(container(s.status)['restartCount'], 2);
    assert.equal(adoptRuntime(pod({}), '10.244.0.1', T0, cfg), undefined);
  });

  it('normalises image names as a container runtime reports them', () => {
    assert.equal(normalizeImage('nginx'), 'docker.io/library/nginx:latest');
    assert.equal(normalizeImage('busybox:1.36'), 'docker.io/library/busybox:1.36');
    assert.equal(normalizeImage('bitnami/redis:7'), 'docker.io/bitnami/redis:7');
    assert.equal(normalizeImage('registry.k8s.io/pause:3.10'), 'registry.k8s.io/pause:3.10');
    assert.equal(normalizeImage('localhost:5000/app'), 'localhost:5000/app:latest');
    assert.equal(imageID('nginx@sha256:abc'), 'docker.io/library/nginx@sha256:abc');
    assert.equal(imageID('nginx'), imageID('docker.io/library/nginx:latest'));
  });
});
