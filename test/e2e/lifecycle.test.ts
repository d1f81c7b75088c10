/**
 * Object lifecycles with the real kubectl 1.32 against a real k8ts server: cascading
 * deletes in each propagation mode, namespace deletion, endpoints following pod readiness,
 * and `kubectl drain` held back by a PodDisruptionBudget until the budget allows it.
 * Pods are created directly (owner references, node names and status set by the test) so
 * nothing here needs a kubelet or scheduler.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hasKubectl, KUBECTL, kubectlFor } from '../support/kubectl.js';
import { type RunningServer, startServer } from '../support/server.js';
import { until } from '../support/until.js';

/** An owner no controller acts on (replicas 0, selecting no pod of this test). */
const replicaSet = (name: string) => `apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: ${name}}
spec:
  replicas: 0
  selector: {matchLabels: {owner: ${name}-none}}
  template:
    metadata: {labels: {owner: ${name}-none}}
    spec: {containers: [{name: c, image: busybox}]}
`;

const ownedPod = (name: string, owner: string, uid: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: {cascade: ${owner}}
  ownerReferences:
  - {apiVersion: apps/v1, kind: ReplicaSet, name: ${owner}, uid: ${uid}, blockOwnerDeletion: true}
spec:
  terminationGracePeriodSeconds: 0
  containers: [{name: c, image: busybox}]
`;

describe('object lifecycles with kubectl', { skip: !hasKubectl() && 'kubectl 1.32 is not installed' }, () => {
  let server: RunningServer;
  let dir: string;
  let k: ReturnType<typeof kubectlFor>;
  const ok = async (args: string[], input?: string) => {
    const r = await k(args, input === undefined ? {} : { input });
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  const absent = async (args: string[]) => {
    const r = await k(['get', ...args]);
    return r.code !== 0 && /NotFound|not found/.test(r.stderr) ? true : undefined;
  };
  const running = (ip: string) =>
    JSON.stringify({
      status: {
        phase: 'Running',
        podIP: ip,
        podIPs: [{ ip }],
        conditions: [{ type: 'Ready', status: 'True' }],
      },
    });

  before(async () => {
    server = await startServer();
    dir = mkdtempSync(join(tmpdir(), 'k8ts-lifecycle-'));
    k = kubectlFor(server.kubeconfig, dir);
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const ownerWithPods = async (owner: string, pods: string[]) => {
    await ok(['apply', '-f', '-'], replicaSet(owner));
    const uid = await ok(['get', 'rs', owner, '-o', 'jsonpath={.metadata.uid}']);
    for (const p of pods) await ok(['apply', '-f', '-'], ownedPod(p, owner, uid));
  };

  it('cascades a background delete to the dependents', async () => {
    await ownerWithPods('bg', ['bg-1', 'bg-2']);
    await ok(['delete', 'rs', 'bg']);
    await until('the dependents to go', async () =>
      (await ok(['get', 'pods', '-l', 'cascade=bg', '-o', 'name'])) === '' ? true : undefined,
    );
  });

  it('deletes dependents before their owner with --cascade=foreground', async () => {
    await ownerWithPods('fg', ['fg-1', 'fg-2']);
    // kubectl waits until the owner is gone, which it is only after its dependents.
    assert.match(await ok(['delete', 'rs', 'fg', '--cascade=foreground']), /replicaset.apps "fg" deleted/);
    assert.equal(await ok(['get', 'pods', '-l', 'cascade=fg', '-o', 'name']), '');
  });

  it('keeps dependents without the reference with --cascade=orphan', async () => {
    await ownerWithPods('or', ['or-1']);
    await ok(['delete', 'rs', 'or', '--cascade=orphan']);
    assert.ok(await absent(['rs', 'or']));
    assert.equal(await ok(['get', 'pod', 'or-1', '-o', 'jsonpath={.metadata.ownerReferences}']), '');
    await ok(['delete', 'pod', 'or-1']);
  });

  it('deletes a namespace with everything in it', async () => {
    await ok(['create', 'ns', 'doomed']);
    await ok(['create', 'configmap', 'c', '-n', 'doomed', '--from-literal=a=b']);
    await ok(['create', 'secret', 'generic', 's', '-n', 'doomed', '--from-literal=a=b']);
    await ok(
      ['apply', '-n', 'doomed', '-f', '-'],
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  selector: {matchLabels: {app: d}}
  template:
    metadata: {labels: {app: d}}
    spec: {terminationGracePeriodSeconds: 0, containers: [{name: c, image: busybox}]}
`,
    );
    await ok([
      'run',
      'p',
      '-n',
      'doomed',
      '--image=busybox',
      '--overrides={"spec":{"terminationGracePeriodSeconds":0}}',
    ]);
    assert.match(await ok(['delete', 'ns', 'doomed', '--timeout=60s']), /namespace "doomed" deleted/);
    assert.ok(await absent(['ns', 'doomed']));
    const late = await k(['create', 'configmap', 'late', '-n', 'doomed']);
    assert.notEqual(late.code, 0, 'nothing can be created in a namespace that is gone');
  });

  it('lists ready pod IPs as endpoints of a service', async () => {
    await ok(
      ['apply', '-f', '-'],
      `apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
`,
    );
    for (const [name, ip] of [
      ['web-1', '10.42.0.21'],
      ['web-2', '10.42.0.22'],
      ['web-3', '10.42.0.23'],
    ] as const) {
      await ok(
        ['apply', '-f', '-'],
        `apiVersion: v1
kind: Pod
metadata: {name: ${name}, labels: {app: web}}
spec:
  terminationGracePeriodSeconds: 0
  containers: [{name: c, image: busybox, ports: [{name: http, containerPort: 8080}]}]
`,
      );
      if (name !== 'web-3')
        await ok(['patch', 'pod', name, '--subresource=status', '--type=merge', '-p', running(ip)]);
    }
    const ips = await until('two ready addresses', async () => {
      const out = await ok(['get', 'endpoints', 'web', '-o', 'jsonpath={.subsets[*].addresses[*].ip}']);
      return out.split(' ').length === 2 ? out : undefined;
    });
    assert.deepEqual(ips.split(' ').sort(), ['10.42.0.21', '10.42.0.22']);
    assert.equal(await ok(['get', 'endpoints', 'web', '-o', 'jsonpath={.subsets[0].ports[0].port}']), '8080');
    assert.match(await ok(['get', 'endpoints', 'web']), /^web\s+10\.42\.0\.21:8080,10\.42\.0\.22:8080\s/m);
    const slices = await until('a slice with both endpoints', async () => {
      const out = await ok([
        'get',
        'endpointslices',
        '-l',
        'kubernetes.io/service-name=web',
        '-o',
        'jsonpath={.items[*].endpoints[*].addresses[0]}',
      ]);
      return out.split(' ').length === 2 ? out : undefined;
    });
    assert.deepEqual(slices.split(' ').sort(), ['10.42.0.21', '10.42.0.22']);
    await ok(['delete', 'pod', 'web-1']);
    await until('one address', async () =>
      (await ok(['get', 'endpoints', 'web', '-o', 'jsonpath={.subsets[*].addresses[*].ip}'])) === '10.42.0.22'
        ? true
        : undefined,
    );
  });

  it('drains a node once its pod disruption budget allows it', async () => {
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    await ok(
      ['apply', '-f', '-'],
      `apiVersion: v1
kind: Node
metadata: {name: drain-node}
status:
  conditions: [{type: Ready, status: "True", reason: KubeletReady, lastHeartbeatTime: "${now}", lastTransitionTime: "${now}"}]
`,
    );
    // Drain leaves pods without a controller alone unless forced: these are controlled.
    await ok(['create', 'configmap', 'drain-owner']);
    const uid = await ok(['get', 'configmap', 'drain-owner', '-o', 'jsonpath={.metadata.uid}']);
    for (const [name, ip] of [
      ['drain-1', '10.42.1.1'],
      ['drain-2', '10.42.1.2'],
    ] as const) {
      await ok(
        ['apply', '-f', '-'],
        `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: {app: drained}
  ownerReferences: [{apiVersion: v1, kind: ConfigMap, name: drain-owner, uid: ${uid}, controller: true}]
spec:
  nodeName: drain-node
  terminationGracePeriodSeconds: 0
  containers: [{name: c, image: busybox}]
  volumes: [{name: scratch, emptyDir: {}}]
`,
      );
      await ok(['patch', 'pod', name, '--subresource=status', '--type=merge', '-p', running(ip)]);
    }
    await ok(['create', 'pdb', 'drained', '--selector=app=drained', '--min-available=2']);
    await until('the budget to count both pods', async () =>
      (await ok([
        'get',
        'pdb',
        'drained',
        '-o',
        'jsonpath={.status.currentHealthy}/{.status.disruptionsAllowed}',
      ])) === '2/0'
        ? true
        : undefined,
    );
    const drain = runKubectl(server.kubeconfig, dir, [
      'drain',
      'drain-node',
      '--ignore-daemonsets',
      '--delete-emptydir-data',
      '--timeout=120s',
    ]);
    try {
      await until(
        'the budget to hold the eviction back',
        async () => (/disruption budget/.test(drain.output()) ? true : undefined),
        60_000,
      );
      assert.match(drain.output(), /Cannot evict pod as it would violate the pod's disruption budget\./);
      assert.equal(await ok(['get', 'node', 'drain-node', '-o', 'jsonpath={.spec.unschedulable}']), 'true');
      assert.equal(
        await ok(['get', 'pods', '-l', 'app=drained', '-o', 'name']),
        'pod/drain-1\npod/drain-2\n',
      );
      await ok(['patch', 'pdb', 'drained', '--type=merge', '-p', '{"spec":{"minAvailable":0}}']);
      const code = await drain.exited;
      assert.equal(code, 0, drain.output());
      assert.match(drain.output(), /node\/drain-node drained/);
      assert.equal(await ok(['get', 'pods', '-l', 'app=drained', '-o', 'name']), '');
    } finally {
      drain.stop();
    }
  });
});

/** A kubectl left running (for `drain`, which retries until it is done), with its output so far. */
function runKubectl(kubeconfig: string, cacheDir: string, args: string[]) {
  const child = spawn(
    KUBECTL,
    ['--kubeconfig', kubeconfig, '--cache-dir', join(cacheDir, 'kube-cache'), ...args],
    {
      env: { ...process.env, HOME: cacheDir },
    },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    exited,
    output: () => out,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
  };
}
