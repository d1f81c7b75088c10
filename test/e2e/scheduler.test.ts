/**
 * The scheduler end to end: a real `k8ts server` with a few Node objects (no kubelet; the
 * node monitor's grace period is long so they stay schedulable) and the real kubectl.
 * Pods are placed (NODE in `get -o wide`), a pod too big stays Pending with the
 * FailedScheduling message in `describe`, node affinity, taints, pod anti-affinity and
 * topology spread put pods where they must go, and a higher-priority pod preempts a
 * lower one. Every wait is bounded; nothing asserts on time.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hasKubectl, kubectlFor } from '../support/kubectl.js';
import { type RunningServer, startServer } from '../support/server.js';

function node(
  name: string,
  zone: string,
  extra: { labels?: string; taints?: string; cpu?: string } = {},
): string {
  const cpu = extra.cpu ?? '2';
  return `apiVersion: v1
kind: Node
metadata:
  name: ${name}
  labels: {kubernetes.io/hostname: ${name}, topology.kubernetes.io/zone: ${zone}${extra.labels ? `, ${extra.labels}` : ''}}
${extra.taints ? `spec:\n  taints: ${extra.taints}\n` : ''}status:
  capacity: {cpu: "${cpu}", memory: 4Gi, pods: "110"}
  allocatable: {cpu: "${cpu}", memory: 4Gi, pods: "110"}
  conditions: [{type: Ready, status: "True", reason: KubeletReady, message: kubelet is ready}]
`;
}

interface PodOpts {
  cpu?: string;
  labels?: string;
  spec?: string;
}

function pod(name: string, o: PodOpts = {}): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: {${o.labels ?? `app: ${name}`}}
spec:
  terminationGracePeriodSeconds: 0
  containers:
  - name: c
    image: busybox:1.36
    resources: {requests: {cpu: ${o.cpu ?? '100m'}}}
${o.spec ?? ''}`;
}

const TOLERATE_GPU = `  tolerations: [{key: dedicated, operator: Equal, value: gpu, effect: NoSchedule}]\n`;

async function until<T>(what: string, f: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('scheduler end to end', { skip: hasKubectl() ? false : 'kubectl 1.32 not installed' }, () => {
  let server: RunningServer;
  let dir: string;
  let k: ReturnType<typeof kubectlFor>;
  const ok = async (args: string[], input?: string) => {
    const r = await k(args, input === undefined ? {} : { input });
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  /** The NODE column of `kubectl get pods -o wide` for each pod. */
  const nodesOfPods = async (): Promise<Map<string, string>> => {
    const out = await ok(['get', 'pods', '-o', 'wide', '--no-headers']);
    const m = new Map<string, string>();
    for (const line of out.trim().split('\n')) {
      const cols = line.trim().split(/\s+/);
      if (cols.length >= 7) m.set(cols[0]!, cols[6]!);
    }
    return m;
  };
  const placed = (name: string) =>
    until(`${name} to be scheduled`, async () => {
      const n = (await nodesOfPods()).get(name);
      return n && n !== '<none>' ? n : undefined;
    });

  before(async () => {
    server = await startServer({ args: ['--node-monitor-grace-period', '1h'] });
    dir = mkdtempSync(join(tmpdir(), 'k8ts-scheduler-e2e-'));
    k = kubectlFor(server.kubeconfig, dir);
    await ok(
      ['create', '-f', '-'],
      [
        node('node-a', 'a', { labels: 'disk: ssd' }),
        node('node-b', 'b'),
        node('node-c', 'c', { taints: '[{key: dedicated, value: gpu, effect: NoSchedule}]' }),
      ].join('---\n'),
    );
  });

  after(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('schedules pods: kubectl get pods -o wide shows their node', async () => {
    await ok(['create', '-f', '-'], [pod('hello'), pod('world')].join('---\n'));
    assert.match(await placed('hello'), /^node-[ab]$/, 'not on the tainted node');
    assert.match(await placed('world'), /^node-[ab]$/);
    const events = await ok(['get', 'events', '--field-selector', 'involvedObject.name=hello']);
    assert.match(events, /Scheduled\s+pod\/hello\s+Successfully assigned default\/hello to node-[ab]/);
  });

  it('leaves a pod too big Pending, with the FailedScheduling event in describe', async () => {
    await ok(
      ['create', '-f', '-'],
      pod('too-big', { cpu: '16', spec: `  nodeSelector: {disk: ssd}\n${TOLERATE_GPU}` }),
    );
    const expected =
      "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match Pod's node affinity/selector. " +
      'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.';
    const described = await until('the FailedScheduling event', async () => {
      const out = await ok(['describe', 'pod', 'too-big']);
      return out.includes('FailedScheduling') ? out : undefined;
    });
    assert.match(described, /^Status:\s+Pending$/m);
    assert.match(described, /PodScheduled\s+False/);
    assert.ok(
      described.includes(`Warning  FailedScheduling`) && described.includes(`default-scheduler  ${expected}`),
      described,
    );
    const cond = await ok([
      'get',
      'pod',
      'too-big',
      '-o',
      'jsonpath={.status.conditions[?(@.type=="PodScheduled")].reason}|{.status.conditions[?(@.type=="PodScheduled")].message}',
    ]);
    assert.equal(cond, `Unschedulable|${expected}`);
    assert.equal((await nodesOfPods()).get('too-big'), '<none>');
  });

  it('places pods by node affinity and by taints and tolerations', async () => {
    const affinity = `  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms:
        - matchExpressions: [{key: topology.kubernetes.io/zone, operator: In, values: [b, c]}]
`;
    await ok(
      ['create', '-f', '-'],
      [
        pod('zone-b-or-c', { spec: affinity }),
        pod('gpu-job', { spec: `  nodeSelector: {topology.kubernetes.io/zone: c}\n${TOLERATE_GPU}` }),
        pod('no-toleration', { spec: '  nodeSelector: {topology.kubernetes.io/zone: c}\n' }),
      ].join('---\n'),
    );
    assert.equal(await placed('zone-b-or-c'), 'node-b', 'zone c is tainted');
    assert.equal(await placed('gpu-job'), 'node-c');
    const msg = await until('no-toleration to be refused', async () => {
      const out = await ok([
        'get',
        'events',
        '--field-selector',
        'involvedObject.name=no-toleration,reason=FailedScheduling',
        '-o',
        'jsonpath={.items[0].message}',
      ]);
      return out || undefined;
    });
    assert.equal(
      msg,
      "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 2 node(s) didn't match Pod's node affinity/selector. " +
        'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    );
  });

  it('keeps pods apart with pod anti-affinity', async () => {
    const anti = `  affinity:
    podAntiAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
      - labelSelector: {matchLabels: {app: lonely}}
        topologyKey: kubernetes.io/hostname
${TOLERATE_GPU}`;
    await ok(
      ['create', '-f', '-'],
      ['lonely-1', 'lonely-2', 'lonely-3', 'lonely-4']
        .map((n) => pod(n, { labels: 'app: lonely', spec: anti }))
        .join('---\n'),
    );
    const nodes = await Promise.all(['lonely-1', 'lonely-2', 'lonely-3'].map(placed));
    assert.deepEqual([...nodes].sort(), ['node-a', 'node-b', 'node-c']);
    const msg = await until('lonely-4 to be refused', async () => {
      const out = await ok([
        'get',
        'events',
        '--field-selector',
        'involvedObject.name=lonely-4,reason=FailedScheduling',
        '-o',
        'jsonpath={.items[0].message}',
      ]);
      return out || undefined;
    });
    assert.equal(
      msg,
      "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. " +
        'preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
    );
  });

  it('spreads pods over zones with a topology spread constraint', async () => {
    const spread = `  topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: topology.kubernetes.io/zone
    whenUnsatisfiable: DoNotSchedule
    labelSelector: {matchLabels: {app: spread}}
${TOLERATE_GPU}`;
    const names = ['spread-1', 'spread-2', 'spread-3', 'spread-4', 'spread-5', 'spread-6'];
    await ok(
      ['create', '-f', '-'],
      names.map((n) => pod(n, { labels: 'app: spread', spec: spread })).join('---\n'),
    );
    const nodes = await Promise.all(names.map(placed));
    const perNode = new Map<string, number>();
    for (const n of nodes) perNode.set(n, (perNode.get(n) ?? 0) + 1);
    assert.deepEqual([...perNode.entries()].sort(), [
      ['node-a', 2],
      ['node-b', 2],
      ['node-c', 2],
    ]);
  });

  it('lets a higher-priority pod preempt a lower one', async () => {
    await ok(
      ['create', '-f', '-'],
      [
        node('node-p', 'p', { labels: 'pool: p', cpu: '1' }),
        'apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: low}\nvalue: 10\n',
        'apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: high}\nvalue: 1000\n',
      ].join('---\n'),
    );
    const onPool = (cls: string) => `  priorityClassName: ${cls}\n  nodeSelector: {pool: p}\n`;
    await ok(['create', '-f', '-'], pod('victim', { cpu: '800m', spec: onPool('low') }));
    assert.equal(await placed('victim'), 'node-p');
    await ok(['create', '-f', '-'], pod('preemptor', { cpu: '800m', spec: onPool('high') }));
    assert.equal(await placed('preemptor'), 'node-p');
    await until('the victim to be gone', async () =>
      (await nodesOfPods()).has('victim') ? undefined : true,
    );
    const preempted = await ok([
      'get',
      'events',
      '--field-selector',
      'involvedObject.name=victim,reason=Preempted',
      '-o',
      'jsonpath={.items[0].message}',
    ]);
    assert.match(preempted, /^Preempted by pod \S+ on node node-p$/);
  });
});
