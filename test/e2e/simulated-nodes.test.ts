/**
 * Simulated nodes and the node lifecycle controller, end to end: a real `k8ts server
 * --simulated-nodes 3` driven by the real kubectl 1.32, and a `k8ts agent --simulated`
 * joining it over HTTPS with a bearer token. Nodes are Ready; bound pods run, exit as
 * their annotation says, and go after their grace period; a node taken down becomes
 * NotReady and tainted unreachable, its pods are evicted after their tolerationSeconds,
 * and it recovers when brought back. Every wait is bounded; nothing asserts on timing.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hasKubectl, kubectlFor } from '../support/kubectl.js';
import { K8TS, type RunningServer, startServer } from '../support/server.js';
import { until } from '../support/until.js';

const AGENT_TOKEN = 'sim-agent-token-0123456789';

function pod(
  name: string,
  node: string,
  extra: { annotations?: string; policy?: string; tolerations?: string } = {},
) {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
${extra.annotations ? `  annotations: {${extra.annotations}}\n` : ''}spec:
  nodeName: ${node}
  restartPolicy: ${extra.policy ?? 'Always'}
  terminationGracePeriodSeconds: 5
${extra.tolerations ? `  tolerations: ${extra.tolerations}\n` : ''}  containers:
  - name: app
    image: nginx:1.27
`;
}

describe('simulated nodes', { skip: !hasKubectl() && 'kubectl 1.32 not installed' }, () => {
  let server: RunningServer;
  let dir: string;
  let k: ReturnType<typeof kubectlFor>;
  let agent: ChildProcess | undefined;
  const ok = async (args: string[], input?: string) => {
    const r = await k(args, input === undefined ? {} : { input });
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  const get = async (args: string[]) => {
    const r = await k(args);
    return r.code === 0 ? r.stdout : undefined;
  };
  const jsonpath = (kind: string, name: string, path: string) =>
    get(['get', kind, name, '-o', `jsonpath=${path}`]);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'k8ts-sim-e2e-'));
    const tokens = join(dir, 'tokens.csv');
    writeFileSync(tokens, `${AGENT_TOKEN},sim-agent,1001,"system:masters"\n`);
    server = await startServer({
      args: [
        '--simulated-nodes',
        '3',
        '--node-monitor-grace-period',
        '3s',
        '--simulated-backoff-scale',
        '0.01',
        '--token-auth-file',
        tokens,
      ],
    });
    k = kubectlFor(server.kubeconfig, dir);
  });
  after(async () => {
    if (agent && agent.exitCode === null && agent.signalCode === null) {
      const exited = new Promise((r) => agent!.once('exit', r));
      agent.kill('SIGKILL');
      await exited;
    }
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows three Ready nodes with roles, age and version', async () => {
    const out = await until('three Ready nodes', async () => {
      const s = await get(['get', 'nodes']);
      return s && (s.match(/\sReady\s/g) ?? []).length === 3 ? s : undefined;
    });
    const lines = out.trim().split('\n');
    assert.match(lines[0]!, /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/);
    for (let i = 0; i < 3; i++) {
      assert.match(
        lines[i + 1]!,
        new RegExp(`^sim-${i}\\s+Ready\\s+<none>\\s+\\d+s\\s+v1\\.32\\.0-k8ts-sim$`),
      );
    }
    const wide = await ok(['get', 'node', 'sim-0', '-o', 'wide']);
    assert.match(
      wide,
      /sim-0\s+Ready\s+<none>\s+\S+\s+v1\.32\.0-k8ts-sim\s+10\.244\.0\.1\s+<none>\s+k8ts simulated node/,
    );
    const labels = await ok(['get', 'node', 'sim-0', '--show-labels']);
    for (const l of [
      'kubernetes.io/hostname=sim-0',
      'kubernetes.io/os=linux',
      'kubernetes.io/arch=amd64',
      'type=simulated',
    ])
      assert.ok(labels.includes(l), l);
    const lease = await ok([
      'get',
      'lease',
      '-n',
      'kube-node-lease',
      'sim-0',
      '-o',
      'jsonpath={.spec.holderIdentity}',
    ]);
    assert.equal(lease, 'sim-0');
    assert.equal(await jsonpath('node', 'sim-0', '{.status.capacity.pods}'), '110');
  });

  it('runs a pod bound to a simulated node: Running 1/1 with an IP from the node', async () => {
    await ok(['apply', '-f', '-'], pod('web', 'sim-0'));
    await ok(['wait', '--for=condition=Ready', 'pod/web', '--timeout=30s']);
    const wide = await ok(['get', 'pod', 'web', '-o', 'wide']);
    assert.match(wide, /^web\s+1\/1\s+Running\s+0\s+\S+\s+10\.64\.0\.\d+\s+sim-0\s/m);
    assert.match(
      (await jsonpath('pod', 'web', '{.status.containerStatuses[0].containerID}')) ?? '',
      /^sim:\/\//,
    );
    assert.equal(await jsonpath('pod', 'web', '{.status.hostIP}'), '10.244.0.1');
    assert.equal(
      await jsonpath('pod', 'web', '{.status.containerStatuses[0].image}'),
      'docker.io/library/nginx:1.27',
    );
    const tolerations = await jsonpath('pod', 'web', '{.spec.tolerations[*].key}');
    assert.equal(tolerations, 'node.kubernetes.io/not-ready node.kubernetes.io/unreachable');
  });

  it('makes containers exit as the annotation says, then applies the restartPolicy', async () => {
    const exit = (spec: string) => `"sim.k8ts.io/exit": "${spec}"`;
    await ok(
      ['apply', '-f', '-'],
      [
        pod('done', 'sim-1', { policy: 'Never', annotations: exit('code=0,after=1s') }),
        pod('failed', 'sim-1', { policy: 'Never', annotations: exit('code=3,after=1s') }),
        pod('crash', 'sim-2', { policy: 'Always', annotations: exit('code=1,after=0s') }),
        pod('job', 'sim-2', { policy: 'OnFailure' }),
      ].join('---\n'),
    );
    await until('done Completed and failed Error', async () => {
      const s = (await get(['get', 'pods'])) ?? '';
      return /^done\s+0\/1\s+Completed\s/m.test(s) && /^failed\s+0\/1\s+Error\s/m.test(s) ? true : undefined;
    });
    assert.equal(
      await jsonpath('pod', 'failed', '{.status.containerStatuses[0].state.terminated.exitCode}'),
      '3',
    );
    assert.equal(await jsonpath('pod', 'failed', '{.status.phase}'), 'Failed');
    assert.equal(await jsonpath('pod', 'done', '{.status.phase}'), 'Succeeded');
    await until('crash restarted with backoff', async () => {
      const n = Number(await jsonpath('pod', 'crash', '{.status.containerStatuses[0].restartCount}'));
      return n >= 3 ? true : undefined;
    });
    assert.equal(
      await jsonpath('pod', 'crash', '{.status.containerStatuses[0].lastState.terminated.exitCode}'),
      '1',
    );
    assert.equal(await jsonpath('pod', 'crash', '{.status.phase}'), 'Running');
    // Exec-style: a running pod is told to exit now.
    await ok(['wait', '--for=condition=Ready', 'pod/job', '--timeout=30s']);
    await ok(['annotate', 'pod', 'job', 'sim.k8ts.io/exit=code=0,after=0s']);
    await until('job Completed', async () => {
      const s = (await get(['get', 'pod', 'job', '--no-headers'])) ?? '';
      return /^job\s+0\/1\s+Completed\s/.test(s) ? true : undefined;
    });
  });

  it('deletes a pod once its containers have stopped', async () => {
    await ok(['delete', 'pod', 'web', '--timeout=30s']);
    const r = await k(['get', 'pod', 'web']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /NotFound/);
  });

  it('takes a node down: NotReady, unreachable taints, evictions after tolerationSeconds; then back', async () => {
    const twoSeconds =
      '[{key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 2}]';
    await ok(
      ['apply', '-f', '-'],
      [pod('tolerant', 'sim-1', { tolerations: twoSeconds }), pod('patient', 'sim-1')].join('---\n'),
    );
    await ok(['wait', '--for=condition=Ready', 'pod/tolerant', 'pod/patient', '--timeout=30s']);
    await ok(['annotate', 'node', 'sim-1', 'sim.k8ts.io/down=true']);
    await until('sim-1 NotReady', async () => {
      const s = (await get(['get', 'node', 'sim-1', '--no-headers'])) ?? '';
      return /^sim-1\s+NotReady\s/.test(s) ? true : undefined;
    });
    assert.equal(
      await jsonpath('node', 'sim-1', '{.status.conditions[?(@.type=="Ready")].status}'),
      'Unknown',
    );
    assert.equal(
      await jsonpath('node', 'sim-1', '{.status.conditions[?(@.type=="Ready")].reason}'),
      'NodeStatusUnknown',
    );
    const taints = await until('both unreachable taints', async () => {
      const t = (await jsonpath('node', 'sim-1', '{range .spec.taints[*]}{.key}:{.effect} {end}')) ?? '';
      return t.includes(':NoExecute') ? t : undefined;
    });
    assert.deepEqual(taints.trim().split(' ').sort(), [
      'node.kubernetes.io/unreachable:NoExecute',
      'node.kubernetes.io/unreachable:NoSchedule',
    ]);
    await until('tolerant evicted', async () => {
      const ts = await jsonpath('pod', 'tolerant', '{.metadata.deletionTimestamp}');
      return ts ? true : undefined;
    });
    assert.equal(await jsonpath('pod', 'patient', '{.metadata.deletionTimestamp}'), '');
    const events = await ok(['get', 'events', '-o', 'wide']);
    assert.match(
      events,
      /TaintManagerEviction\s+pod\/tolerant\s+.*Marking for deletion Pod default\/tolerant/,
    );
    assert.equal(
      await jsonpath('pod', 'tolerant', '{.status.conditions[?(@.type=="DisruptionTarget")].reason}'),
      'DeletionByTaintManager',
    );

    await ok(['annotate', 'node', 'sim-1', 'sim.k8ts.io/down-']);
    await until('sim-1 Ready and untainted', async () => {
      const s = (await get(['get', 'node', 'sim-1', '--no-headers'])) ?? '';
      const t = await jsonpath('node', 'sim-1', '{.spec.taints}');
      return /^sim-1\s+Ready\s/.test(s) && t === '' ? true : undefined;
    });
    await until('tolerant gone', async () =>
      (await k(['get', 'pod', 'tolerant'])).code !== 0 ? true : undefined,
    );
    await ok(['wait', '--for=condition=Ready', 'pod/patient', '--timeout=30s']);
  });

  it('shows a cordoned node as SchedulingDisabled, tainted unschedulable', async () => {
    await ok(['cordon', 'sim-2']);
    assert.match(await ok(['get', 'node', 'sim-2', '--no-headers']), /^sim-2\s+Ready,SchedulingDisabled\s/);
    await until('the unschedulable taint', async () => {
      const t = await jsonpath('node', 'sim-2', '{.spec.taints[*].key}');
      return t === 'node.kubernetes.io/unschedulable' ? true : undefined;
    });
    await ok(['uncordon', 'sim-2']);
    await until('no taints', async () =>
      (await jsonpath('node', 'sim-2', '{.spec.taints}')) === '' ? true : undefined,
    );
  });

  it('lets an agent join with simulated nodes over HTTPS and a bearer token', async () => {
    const agentDir = join(dir, 'agent');
    agent = spawn(
      process.execPath,
      [
        K8TS,
        'agent',
        '--simulated',
        '--nodes',
        '2',
        '--server',
        server.url,
        '--token',
        AGENT_TOKEN,
        '--ca-file',
        join(server.dataDir, 'tls', 'ca.crt'),
        '--data-dir',
        agentDir,
        '--simulated-node-prefix',
        'agent-',
        '--node-lease-renew-interval',
        '500ms',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    agent.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    agent.stderr!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    await until(
      'two Ready agent nodes',
      async () => {
        const s = (await get(['get', 'nodes', '--no-headers'])) ?? '';
        return (s.match(/^agent-\d\s+Ready\s/gm) ?? []).length === 2 ? true : undefined;
      },
      30_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\nagent output:\n${out}`);
    });
    await ok(['apply', '-f', '-'], pod('on-agent', 'agent-1'));
    await ok(['wait', '--for=condition=Ready', 'pod/on-agent', '--timeout=30s']);
    assert.match(
      await ok(['get', 'pod', 'on-agent', '-o', 'wide']),
      /Running\s+0\s+\S+\s+10\.64\.1\.\d+\s+agent-1\s/,
    );
    const exited = new Promise<number | null>((r) => agent!.once('exit', (code) => r(code)));
    agent.kill('SIGTERM');
    assert.equal(await exited, 0, out);
    await until('agent nodes NotReady once the agent is gone', async () => {
      const s = (await get(['get', 'nodes', '--no-headers'])) ?? '';
      return (s.match(/^agent-\d\s+NotReady\s/gm) ?? []).length === 2 ? true : undefined;
    });
  });
});
