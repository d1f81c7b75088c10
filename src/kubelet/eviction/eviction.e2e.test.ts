/**
 * Node-pressure eviction with real containers: a `k8ts server` whose kubelet has a hard
 * memory.available threshold at the machine's total memory (read from /proc/meminfo), so
 * that available memory is always below it without using any memory. The node reports
 * MemoryPressure and is tainted; a BestEffort pod (tolerating the taint) is evicted:
 * Failed, reason Evicted, upstream's message, a DisruptionTarget condition and an
 * Evicted event; `kubectl get pod` shows it Failed with reason Evicted. Skipped without root, containerd or kubectl.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { hasKubectl, kubectlFor } from '../../../test/support/kubectl.js';
import {
  BUSYBOX_IMAGE,
  ensureTestImages,
  realContainersUnavailable,
} from '../../../test/support/registry.js';
import { killNode, type RunningServer, startServer } from '../../../test/support/server.js';
import { until as poll } from '../../../test/support/until.js';

type Obj = Record<string, unknown>;

const NODE = 'e2e-eviction';
const skip = !hasKubectl() ? 'kubectl 1.32 is not installed' : await realContainersUnavailable();

describe('node-pressure eviction', { skip: skip ?? false, timeout: 300_000 }, () => {
  let server: RunningServer;
  let dir: string;
  let kubectl: ReturnType<typeof kubectlFor>;
  let stopRegistry: () => Promise<void> = async () => undefined;
  let thresholdKi = 0;

  before(async () => {
    const meminfo = await readFile('/proc/meminfo', 'utf8');
    thresholdKi = Number(/^MemTotal:\s+(\d+) kB$/m.exec(meminfo)?.[1] ?? 0);
    assert.ok(thresholdKi > 0, 'MemTotal not found in /proc/meminfo');
    stopRegistry = await ensureTestImages(AbortSignal.timeout(120_000));
    dir = await mkdtemp(join(tmpdir(), 'k8ts-eviction-e2e-'));
    server = await startServer({
      agent: true,
      keepDataDir: true,
      args: [
        '--kubelet-port',
        '0',
        '--node-name',
        NODE,
        '--eviction-hard',
        `memory.available<${thresholdKi}Ki`,
        '--eviction-pressure-transition-period',
        '5s',
      ],
    });
    kubectl = kubectlFor(server.kubeconfig, dir);
    for (let i = 0; i < 120 && (await kubectl(['get', 'node', NODE])).code !== 0; i++) await sleep(500);
  });

  after(async () => {
    await server?.stop();
    if (server) {
      await killNode(server.dataDir);
      await rm(server.dataDir, { recursive: true, force: true });
    }
    await stopRegistry();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function getJson(args: string[]): Promise<Obj> {
    const r = await kubectl([...args, '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as Obj;
  }

  function until<T>(what: string, f: () => Promise<T | undefined>, ms = 90_000): Promise<T> {
    return poll(what, f, ms, { everyMs: 500, detail: () => server.output().slice(-3000) });
  }

  test('the node reports MemoryPressure and is tainted', async () => {
    const cond = await until('MemoryPressure=True', async () => {
      const node = await getJson(['get', 'node', NODE]);
      const conds = ((node['status'] as Obj)['conditions'] as Obj[] | undefined) ?? [];
      return conds.find((c) => c['type'] === 'MemoryPressure' && c['status'] === 'True');
    });
    assert.equal(cond['reason'], 'KubeletHasInsufficientMemory');
    assert.equal(cond['message'], 'kubelet has insufficient memory available');
    // Allocatable memory is capacity less the memory.available threshold: nothing here.
    const node = await getJson(['get', 'node', NODE]);
    assert.equal(((node['status'] as Obj)['allocatable'] as Obj)['memory'], '0');
    const ev = await until('NodeHasInsufficientMemory event', async () => {
      const list = await getJson([
        'get',
        'events',
        '--field-selector',
        `involvedObject.name=${NODE},reason=NodeHasInsufficientMemory`,
      ]);
      return ((list['items'] as Obj[] | undefined) ?? [])[0];
    });
    assert.equal(ev['message'], `Node ${NODE} status is now: NodeHasInsufficientMemory`);
    await until('memory-pressure taint', async () => {
      const node = await getJson(['get', 'node', NODE]);
      const taints = ((node['spec'] as Obj)['taints'] as Obj[] | undefined) ?? [];
      return taints.find(
        (t) => t['key'] === 'node.kubernetes.io/memory-pressure' && t['effect'] === 'NoSchedule',
      );
    });
  });

  test('a BestEffort pod is evicted', async (t) => {
    const yaml = `apiVersion: v1
kind: Pod
metadata: {name: hog}
spec:
  nodeName: ${NODE}
  terminationGracePeriodSeconds: 60
  tolerations: [{key: node.kubernetes.io/memory-pressure, operator: Exists, effect: NoSchedule}]
  containers: [{name: main, image: ${BUSYBOX_IMAGE}, command: [sleep, '3600']}]
`;
    const r = await kubectl(['apply', '-f', '-'], { input: yaml });
    assert.equal(r.code, 0, r.stderr);
    const pod = await until('eviction of pod hog', async () => {
      const p = await getJson(['get', 'pod', 'hog']);
      return (p['status'] as Obj)['phase'] === 'Failed' ? p : undefined;
    });
    const st = pod['status'] as Obj;
    t.diagnostic(`eviction message: ${String(st['message'])}`);
    assert.equal(st['reason'], 'Evicted');
    assert.match(
      String(st['message']),
      new RegExp(
        `^The node was low on resource: memory\\. Threshold quantity: ${thresholdKi}Ki, available: \\d+(Ki|Mi|Gi|k|M)?\\. `,
      ),
    );
    const dt = ((st['conditions'] as Obj[] | undefined) ?? []).find((c) => c['type'] === 'DisruptionTarget');
    assert.equal(dt?.['status'], 'True');
    assert.equal(dt?.['reason'], 'TerminationByKubelet');
    assert.equal(dt?.['message'], st['message']);
    // kubectl's STATUS column shows the container's termination reason over the pod's
    // (upstream prints "Error" for an evicted pod once its containers are reported
    // terminated: kubernetes/kubernetes#105467), so ask for the pod's own reason.
    const cols = await kubectl([
      'get',
      'pod',
      'hog',
      '-o',
      'custom-columns=PHASE:.status.phase,REASON:.status.reason',
    ]);
    assert.match(cols.stdout, /^Failed\s+Evicted$/m);
    const events = await until('Evicted event', async () => {
      const list = await getJson([
        'get',
        'events',
        '--field-selector',
        'involvedObject.name=hog,reason=Evicted',
      ]);
      const items = (list['items'] as Obj[] | undefined) ?? [];
      return items.length > 0 ? items : undefined;
    });
    assert.equal(events[0]?.['type'], 'Warning');
    assert.equal(events[0]?.['message'], st['message']);
    // Killed at once (grace 0), not after the pod's 60 s: the container is no longer running.
    const cs = ((st['containerStatuses'] as Obj[] | undefined) ?? [])[0] ?? {};
    assert.ok((cs['state'] as Obj | undefined)?.['terminated'], JSON.stringify(cs));
  });
});
