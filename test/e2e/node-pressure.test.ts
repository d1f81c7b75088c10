/**
 * Kubelet admission under node pressure and image garbage collection with real containers.
 * Admission: a hard memory.available threshold at the machine's total memory keeps the node
 * under MemoryPressure; a new BestEffort pod that does not tolerate it is rejected: Failed,
 * reason Evicted, "Pod was rejected: The node had condition: [MemoryPressure]. ", no
 * container status (kubectl's STATUS column says Evicted). A pod asking for more cpu than
 * the node has is rejected with OutOfcpu, one whose nodeSelector misses with NodeAffinity. Image GC: with --image-gc-high-threshold 0 / low 0 collection must
 * run every period; an image whose pod is gone is removed through CRI while the image of a
 * running pod stays, and FreeDiskSpaceFailed is recorded (not everything could go).
 * Skipped without root, containerd or kubectl.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { hasKubectl, kubectlFor } from '../support/kubectl.js';
import {
  BUSYBOX_IMAGE,
  ensureTestImages,
  realContainersUnavailable,
  TEST_REGISTRY,
} from '../support/registry.js';
import { killNode, startServer } from '../support/server.js';
import { until as poll } from '../support/until.js';

type Obj = Record<string, unknown>;

const REDIS_IMAGE = `${TEST_REGISTRY}/k8ts/redis:7`;
const skip = !hasKubectl() ? 'kubectl 1.32 is not installed' : await realContainersUnavailable();

async function cluster(node: string, args: string[]) {
  const server = await startServer({
    agent: true,
    keepDataDir: true,
    args: ['--kubelet-port', '0', '--node-name', node, ...args],
  });
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-node-pressure-e2e-'));
  const kubectl = kubectlFor(server.kubeconfig, dir);
  for (let i = 0; i < 120 && (await kubectl(['get', 'node', node])).code !== 0; i++) await sleep(500);
  const getJson = async (a: string[]): Promise<Obj> => {
    const r = await kubectl([...a, '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as Obj;
  };
  const until = <T>(what: string, f: () => Promise<T | undefined>, ms = 120_000): Promise<T> =>
    poll(what, f, ms, { everyMs: 500, detail: () => server.output().slice(-3000) });
  const close = async () => {
    await server.stop();
    await killNode(server.dataDir);
    await rm(server.dataDir, { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
  };
  return { server, kubectl, getJson, until, close };
}

/** The STATUS column of `kubectl get pod NAME`. */
async function statusColumn(
  kubectl: ReturnType<typeof kubectlFor>,
  name: string,
): Promise<string | undefined> {
  const r = await kubectl(['get', 'pod', name, '--no-headers']);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim().split(/\s+/)[2];
}

describe('node pressure admission and image gc', { skip: skip ?? false, timeout: 600_000 }, () => {
  let stopRegistry: () => Promise<void> = async () => undefined;
  before(async () => {
    stopRegistry = await ensureTestImages(AbortSignal.timeout(180_000));
  });
  after(async () => {
    await stopRegistry();
  });

  test('a BestEffort pod is rejected under MemoryPressure', async () => {
    const meminfo = await readFile('/proc/meminfo', 'utf8');
    const totalKi = Number(/^MemTotal:\s+(\d+) kB$/m.exec(meminfo)?.[1] ?? 0);
    const node = 'e2e-pressure-admit';
    const c = await cluster(node, ['--eviction-hard', `memory.available<${totalKi}Ki`]);
    try {
      await c.until('MemoryPressure=True', async () => {
        const n = await c.getJson(['get', 'node', node]);
        const conds = ((n['status'] as Obj)['conditions'] as Obj[] | undefined) ?? [];
        return conds.find((x) => x['type'] === 'MemoryPressure' && x['status'] === 'True');
      });
      const yaml = `apiVersion: v1
kind: Pod
metadata: {name: late}
spec:
  nodeName: ${node}
  containers: [{name: main, image: ${BUSYBOX_IMAGE}, command: [sleep, '3600']}]
`;
      const r = await c.kubectl(['apply', '-f', '-'], { input: yaml });
      assert.equal(r.code, 0, r.stderr);
      const pod = await c.until('rejection of pod late', async () => {
        const p = await c.getJson(['get', 'pod', 'late']);
        return (p['status'] as Obj)['phase'] === 'Failed' ? p : undefined;
      });
      const st = pod['status'] as Obj;
      assert.equal(st['reason'], 'Evicted');
      assert.equal(st['message'], 'Pod was rejected: The node had condition: [MemoryPressure]. ');
      // Nothing of it ran: no container statuses, no conditions beyond what it had.
      assert.equal(st['containerStatuses'], undefined);
      const types = ((st['conditions'] as Obj[] | undefined) ?? []).map((x) => x['type']);
      assert.ok(
        types.every((t) => t === 'PodScheduled'),
        JSON.stringify(st['conditions']),
      );
      // kubectl's STATUS column shows the pod's reason.
      assert.deepEqual(await statusColumn(c.kubectl, 'late'), 'Evicted');
      const ev = await c.until('Evicted event', async () => {
        const list = await c.getJson([
          'get',
          'events',
          '--field-selector',
          'involvedObject.name=late,reason=Evicted',
        ]);
        return ((list['items'] as Obj[] | undefined) ?? [])[0];
      });
      assert.equal(ev['message'], 'The node had condition: [MemoryPressure]. ');
      // Not BestEffort, so pressure admits it; then the node's allocatable cpu does not.
      const refused = `apiVersion: v1
kind: Pod
metadata: {name: greedy}
spec:
  nodeName: ${node}
  containers: [{name: main, image: ${BUSYBOX_IMAGE}, resources: {requests: {cpu: '400'}}}]
---
apiVersion: v1
kind: Pod
metadata: {name: elsewhere}
spec:
  nodeName: ${node}
  nodeSelector: {disk: none}
  containers: [{name: main, image: ${BUSYBOX_IMAGE}, resources: {requests: {cpu: 10m}}}]
`;
      const r2 = await c.kubectl(['apply', '-f', '-'], { input: refused });
      assert.equal(r2.code, 0, r2.stderr);
      const greedy = await c.until('rejection of pod greedy', async () => {
        const p = await c.getJson(['get', 'pod', 'greedy']);
        return (p['status'] as Obj)['phase'] === 'Failed' ? (p['status'] as Obj) : undefined;
      });
      assert.equal(greedy['reason'], 'OutOfcpu');
      assert.match(
        String(greedy['message']),
        /^Pod was rejected: Node didn't have enough resource: cpu, requested: 400000, used: \d+, capacity: \d+$/,
      );
      assert.equal(await statusColumn(c.kubectl, 'greedy'), 'OutOfcpu');
      const elsewhere = await c.until('rejection of pod elsewhere', async () => {
        const p = await c.getJson(['get', 'pod', 'elsewhere']);
        return (p['status'] as Obj)['phase'] === 'Failed' ? (p['status'] as Obj) : undefined;
      });
      assert.equal(elsewhere['reason'], 'NodeAffinity');
      assert.equal(
        elsewhere['message'],
        "Pod was rejected: Predicate NodeAffinity failed: node(s) didn't match Pod's node affinity/selector",
      );
      assert.equal(await statusColumn(c.kubectl, 'elsewhere'), 'NodeAffinity');
    } finally {
      await c.close();
    }
  });

  test('unused images are garbage collected, used ones stay', async () => {
    const node = 'e2e-image-gc';
    const c = await cluster(node, [
      '--image-gc-high-threshold',
      '0',
      '--image-gc-low-threshold',
      '0',
      '--minimum-image-ttl-duration',
      '15s',
      '--image-gc-period',
      '2s',
    ]);
    try {
      const pods = `apiVersion: v1
kind: Pod
metadata: {name: keeper}
spec:
  nodeName: ${node}
  containers: [{name: main, image: ${BUSYBOX_IMAGE}, command: [sleep, '3600']}]
---
apiVersion: v1
kind: Pod
metadata: {name: passing}
spec:
  nodeName: ${node}
  containers: [{name: main, image: ${REDIS_IMAGE}}]
`;
      const r = await c.kubectl(['apply', '-f', '-'], { input: pods });
      assert.equal(r.code, 0, r.stderr);
      const running = async (name: string) => {
        const p = await c.getJson(['get', 'pod', name]);
        return (p['status'] as Obj)['phase'] === 'Running' ? p : undefined;
      };
      await c.until('keeper running', () => running('keeper'));
      await c.until('passing running', () => running('passing'));
      const images = async () => {
        const n = await c.getJson(['get', 'node', node]);
        return (((n['status'] as Obj)['images'] as Obj[] | undefined) ?? []).flatMap(
          (i) => i['names'] as string[],
        );
      };
      await c.until('redis image listed on the node', async () =>
        (await images()).includes(REDIS_IMAGE) ? true : undefined,
      );
      const del = await c.kubectl(['delete', 'pod', 'passing', '--grace-period', '0', '--force']);
      assert.equal(del.code, 0, del.stderr);
      await c.until(
        'redis image removed',
        async () => {
          const names = await images();
          return names.includes(REDIS_IMAGE) ? undefined : names;
        },
        180_000,
      );
      assert.ok((await images()).includes(BUSYBOX_IMAGE), 'the image of a running pod stays');
      assert.ok(await running('keeper'));
      const ev = await c.until('FreeDiskSpaceFailed event', async () => {
        const list = await c.getJson([
          'get',
          'events',
          '--field-selector',
          `involvedObject.name=${node},reason=FreeDiskSpaceFailed`,
        ]);
        return ((list['items'] as Obj[] | undefined) ?? [])[0];
      });
      assert.match(
        String(ev['message']),
        /^Failed to garbage collect required amount of images\. Attempted to free \d+ bytes, but only found \d+ bytes eligible to free\.$/,
      );
    } finally {
      await c.close();
    }
  });
});
