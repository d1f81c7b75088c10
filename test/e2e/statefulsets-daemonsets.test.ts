/**
 * StatefulSets and DaemonSets driven by the real kubectl against `k8ts server` with three
 * simulated nodes (which bind-and-run scheduled pods, making them Running and Ready): an
 * ordered StatefulSet start with claims from volumeClaimTemplates, scale-down from the
 * highest ordinal, a partitioned rolling update; a DaemonSet with one pod per node, its
 * rollout status, history and undo. Claims stay Pending (no volume provisioner).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hasKubectl, type KubectlResult, kubectlFor, kubectlStream } from '../support/kubectl.js';
import { type RunningServer, startServer } from '../support/server.js';

const NS = 'default';

const STATEFULSET = `
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  clusterIP: None
  selector:
    app: web
  ports:
  - port: 80
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: web
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: c
        image: nginx:1.25
        volumeMounts:
        - name: data
          mountPath: /data
  volumeClaimTemplates:
  - metadata:
      name: data
    spec:
      accessModes: [ReadWriteOnce]
      resources:
        requests:
          storage: 1Gi
`;

const DAEMONSET = `
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels:
      app: agent
  template:
    metadata:
      labels:
        app: agent
    spec:
      containers:
      - name: c
        image: agent:1
`;

async function until<T>(what: string, f: () => Promise<T | undefined | false>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await f();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function ok(r: KubectlResult): string {
  assert.equal(r.code, 0, `kubectl failed (${r.code}): ${r.stderr}${r.stdout}`);
  return r.stdout;
}

describe('StatefulSets and DaemonSets with kubectl', {
  skip: !hasKubectl() && 'kubectl 1.32 not installed',
}, () => {
  let server: RunningServer;
  let cacheDir: string;
  let kubectl: ReturnType<typeof kubectlFor>;

  before(async () => {
    server = await startServer({ args: ['--simulated-nodes', '3'] });
    cacheDir = mkdtempSync(join(tmpdir(), 'k8ts-kubectl-'));
    kubectl = kubectlFor(server.kubeconfig, cacheDir);
    await until('three ready nodes', async () => {
      const out = ok(
        await kubectl([
          'get',
          'nodes',
          '-o',
          'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}',
        ]),
      );
      return out.split('\n').filter((s) => s === 'True').length === 3;
    });
  });

  after(async () => {
    await server?.stop();
    if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
  });

  const jsonpath = async (args: string[], path: string) =>
    ok(await kubectl([...args, '-o', `jsonpath=${path}`])).trim();
  const podNames = async (selector: string) =>
    (await jsonpath(['get', 'pods', '-n', NS, '-l', selector], '{.items[*].metadata.name}'))
      .split(/\s+/)
      .filter(Boolean)
      .sort();

  it('starts a StatefulSet in ordinal order with a claim per pod', async () => {
    const watch = kubectlStream(server.kubeconfig, cacheDir, [
      'get',
      'pods',
      '-n',
      NS,
      '-l',
      'app in (web,marker)',
      '-w',
      '-o',
      'name',
    ]);
    try {
      // A marker pod shows when the watch is live, before the first pod of the set exists.
      ok(await kubectl(['run', 'marker', '-n', NS, '--image=pause', '--labels=app=marker']));
      await until('the watch', async () => watch.output().includes('pod/marker'));
      ok(await kubectl(['apply', '-n', NS, '-f', '-'], { input: STATEFULSET }));
      ok(
        await kubectl(['rollout', 'status', 'statefulset/web', '-n', NS, '--timeout=90s'], {
          timeoutMs: 100_000,
        }),
      );
    } finally {
      await watch.stop();
    }
    const seen = watch
      .output()
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith('pod/web-'));
    const firstSeen = [...new Set(seen)];
    assert.deepEqual(firstSeen, ['pod/web-0', 'pod/web-1', 'pod/web-2'], watch.output());

    assert.deepEqual(await podNames('app=web'), ['web-0', 'web-1', 'web-2']);
    const claims = (await jsonpath(['get', 'pvc', '-n', NS], '{.items[*].metadata.name}'))
      .split(/\s+/)
      .sort();
    assert.deepEqual(claims, ['data-web-0', 'data-web-1', 'data-web-2']);
    assert.equal(
      await jsonpath(['get', 'pod', 'web-1', '-n', NS], '{.spec.hostname}/{.spec.subdomain}'),
      'web-1/web',
    );
    assert.equal(
      await jsonpath(
        ['get', 'pod', 'web-2', '-n', NS],
        '{.spec.volumes[?(@.name=="data")].persistentVolumeClaim.claimName}',
      ),
      'data-web-2',
    );
    const ready = await jsonpath(
      ['get', 'statefulset', 'web', '-n', NS],
      '{.status.readyReplicas}/{.status.replicas}',
    );
    assert.equal(ready, '3/3');
    const get = ok(await kubectl(['get', 'statefulset', 'web', '-n', NS]));
    assert.match(get, /web\s+3\/3/);
  });

  it('scales a StatefulSet down from the highest ordinal', async () => {
    ok(await kubectl(['scale', 'statefulset/web', '-n', NS, '--replicas=1']));
    await until('web-2 gone', async () => !(await podNames('app=web')).includes('web-2'));
    // Ordered: web-1 goes only after web-2 is gone, so web-1 can never be missing while web-2 exists.
    await until('one pod', async () => (await podNames('app=web')).join() === 'web-0');
    const claims = (await jsonpath(['get', 'pvc', '-n', NS], '{.items[*].metadata.name}')).split(/\s+/);
    assert.equal(claims.length, 3, 'claims are retained');
    ok(await kubectl(['scale', 'statefulset/web', '-n', NS, '--replicas=3']));
    ok(
      await kubectl(['rollout', 'status', 'statefulset/web', '-n', NS, '--timeout=90s'], {
        timeoutMs: 100_000,
      }),
    );
    assert.deepEqual(await podNames('app=web'), ['web-0', 'web-1', 'web-2']);
  });

  it('rolls a StatefulSet update out above the partition only', async () => {
    ok(
      await kubectl([
        'patch',
        'statefulset/web',
        '-n',
        NS,
        '-p',
        '{"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":1}}}}',
      ]),
    );
    ok(await kubectl(['set', 'image', 'statefulset/web', '-n', NS, 'c=nginx:1.26']));
    const image = (pod: string) => jsonpath(['get', 'pod', pod, '-n', NS], '{.spec.containers[0].image}');
    await until(
      'web-1 and web-2 updated',
      async () => (await image('web-1')) === 'nginx:1.26' && (await image('web-2')) === 'nginx:1.26',
    );
    const status = ok(
      await kubectl(['rollout', 'status', 'statefulset/web', '-n', NS, '--timeout=90s'], {
        timeoutMs: 100_000,
      }),
    );
    assert.match(status, /partitioned roll out complete: 2 new pods have been updated/);
    assert.equal(await image('web-0'), 'nginx:1.25', 'below the partition');
    const revs = await jsonpath(
      ['get', 'statefulset', 'web', '-n', NS],
      '{.status.currentRevision} {.status.updateRevision}',
    );
    const [current, update] = revs.split(' ');
    assert.notEqual(current, update);
    assert.equal(
      await jsonpath(['get', 'pod', 'web-0', '-n', NS], '{.metadata.labels.controller-revision-hash}'),
      current,
    );
    assert.equal(
      await jsonpath(['get', 'pod', 'web-2', '-n', NS], '{.metadata.labels.controller-revision-hash}'),
      update,
    );
    const history = ok(await kubectl(['rollout', 'history', 'statefulset/web', '-n', NS]));
    assert.match(history, /^1\s/m);
    assert.match(history, /^2\s/m);
  });

  it('runs a DaemonSet pod on every node', async () => {
    ok(await kubectl(['apply', '-n', NS, '-f', '-'], { input: DAEMONSET }));
    ok(
      await kubectl(['rollout', 'status', 'daemonset/agent', '-n', NS, '--timeout=90s'], {
        timeoutMs: 100_000,
      }),
    );
    const nodes = (
      await jsonpath(['get', 'pods', '-n', NS, '-l', 'app=agent'], '{.items[*].spec.nodeName}')
    ).split(/\s+/);
    assert.equal(nodes.length, 3);
    assert.equal(new Set(nodes).size, 3, `one pod per node: ${nodes.join(' ')}`);
    const counts = await jsonpath(
      ['get', 'daemonset', 'agent', '-n', NS],
      '{.status.desiredNumberScheduled} {.status.currentNumberScheduled} {.status.numberReady} {.status.numberAvailable}',
    );
    assert.equal(counts, '3 3 3 3');
    assert.match(ok(await kubectl(['get', 'daemonset', 'agent', '-n', NS])), /agent\s+3\s+3\s+3\s+3\s+3/);
  });

  it('rolls a DaemonSet update out, shows its history and undoes it', async () => {
    ok(await kubectl(['set', 'image', 'daemonset/agent', '-n', NS, 'c=agent:2']));
    const status = ok(
      await kubectl(['rollout', 'status', 'daemonset/agent', '-n', NS, '--timeout=90s'], {
        timeoutMs: 100_000,
      }),
    );
    assert.match(status, /daemon set "agent" successfully rolled out/);
    const images = async () =>
      (
        await jsonpath(['get', 'pods', '-n', NS, '-l', 'app=agent'], '{.items[*].spec.containers[0].image}')
      ).split(/\s+/);
    await until('all pods at agent:2', async () => {
      const all = await images();
      return all.length === 3 && all.every((i) => i === 'agent:2');
    });

    const history = ok(await kubectl(['rollout', 'history', 'daemonset/agent', '-n', NS]));
    assert.match(history, /^1\s/m);
    assert.match(history, /^2\s/m);
    const first = ok(await kubectl(['rollout', 'history', 'daemonset/agent', '-n', NS, '--revision=1']));
    assert.match(first, /agent:1/);

    assert.match(ok(await kubectl(['rollout', 'undo', 'daemonset/agent', '-n', NS])), /rolled back/);
    ok(
      await kubectl(['rollout', 'status', 'daemonset/agent', '-n', NS, '--timeout=90s'], {
        timeoutMs: 100_000,
      }),
    );
    await until('all pods back at agent:1', async () => {
      const all = await images();
      return all.length === 3 && all.every((i) => i === 'agent:1');
    });
    const after = ok(await kubectl(['rollout', 'history', 'daemonset/agent', '-n', NS]));
    assert.match(after, /^2\s/m);
    assert.match(after, /^3\s/m);
    assert.doesNotMatch(after, /^1\s/m, 'revision 1 became revision 3');
  });
});
