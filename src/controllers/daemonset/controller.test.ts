/**
 * The DaemonSet controller against a real API server (SQLite) through the in-process
 * client. There is no scheduler or kubelet: pods stay unbound (their node is the one
 * their affinity names) and the test makes them Running and Ready itself.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Toleration } from 'kubernetes-types/core/v1.js';
import type { Client } from '../../client/client.js';
import { asPod } from '../framework/pods.js';
import {
  patchRetrying,
  type RunningControllers,
  runControllers,
  setPodReady,
  startTestCluster,
  type TestCluster,
  until,
} from '../framework/testing.js';
import { DaemonSetController } from './controller.js';
import { targetNodeName } from './node-affinity.js';

const NS = 'ds-test';

describe('DaemonSet controller', () => {
  let cluster: TestCluster;
  let client: Client;
  let controllers: RunningControllers;

  before(async () => {
    cluster = await startTestCluster();
    client = cluster.client;
    await client
      .resource('', 'v1', 'namespaces')
      .create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    for (const n of ['a', 'b', 'c']) await addNode(n);
    controllers = runControllers(client, (ctx) => [new DaemonSetController(ctx)]);
  });

  after(async () => {
    if (process.env['DS_TEST_LOGS']) console.log(controllers.logs.join('\n'));
    await controllers.stop();
    await cluster.close();
  });

  const nodes = () => client.resource('', 'v1', 'nodes');
  const pods = () => client.resource('', 'v1', 'pods');
  const dss = () => client.resource('apps', 'v1', 'daemonsets');
  const revisions = () => client.resource('apps', 'v1', 'controllerrevisions');

  async function addNode(name: string): Promise<void> {
    await nodes().create(undefined, {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels: { 'kubernetes.io/hostname': name } },
      spec: {},
    });
  }

  /** Live pods (not being deleted) by target node, with their hash label. */
  async function podsByNode(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const p of (await pods().list(NS, { labelSelector: 'app=agent' })).items) {
      if (p.metadata?.deletionTimestamp) continue;
      const node = targetNodeName(asPod(p).spec) ?? '?';
      out[node] = `${out[node] ? `${out[node]},` : ''}${p.metadata?.labels?.['controller-revision-hash']}`;
    }
    return out;
  }

  async function readyAll(): Promise<void> {
    for (const p of (await pods().list(NS, { labelSelector: 'app=agent' })).items) {
      if ((p['status'] as { phase?: string })?.phase !== 'Running') await setPodReady(client, p);
    }
  }

  const status = async () =>
    ((await dss().get(NS, 'agent'))['status'] ?? {}) as Record<string, number | undefined>;

  it('runs one pod on every node, each asking for its node, and reports status', async () => {
    await dss().create(NS, {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent' },
      spec: {
        selector: { matchLabels: { app: 'agent' } },
        template: {
          metadata: { labels: { app: 'agent' } },
          spec: { containers: [{ name: 'c', image: 'agent:1' }] },
        },
      },
    });
    const placed = await until('three pods', async () => {
      const m = await podsByNode();
      return Object.keys(m).length === 3 && m;
    });
    assert.deepEqual(Object.keys(placed).sort(), ['a', 'b', 'c']);
    const revs = (await revisions().list(NS)).items;
    assert.equal(revs.length, 1);
    const hash = revs[0]?.metadata?.labels?.['controller-revision-hash'];
    assert.deepEqual(placed, { a: hash, b: hash, c: hash });
    assert.equal(revs[0]?.metadata?.name, `agent-${hash}`);
    assert.equal(revs[0]?.['revision'], 1);
    assert.equal(revs[0]?.metadata?.ownerReferences?.[0]?.kind, 'DaemonSet');

    const pod = asPod((await pods().list(NS, { labelSelector: 'app=agent' })).items[0]!);
    const keys = (pod.spec?.tolerations ?? []).map((t: Toleration) => `${t.key}:${t.effect}`);
    assert.ok(keys.includes('node.kubernetes.io/unreachable:NoExecute'));
    assert.ok(keys.includes('node.kubernetes.io/unschedulable:NoSchedule'));
    assert.equal(pod.metadata?.generateName, 'agent-');

    await readyAll();
    const s = await until('ready status', async () => {
      const st = await status();
      return st['numberAvailable'] === 3 ? st : undefined;
    });
    assert.deepEqual(
      [
        s['desiredNumberScheduled'],
        s['currentNumberScheduled'],
        s['numberReady'],
        s['updatedNumberScheduled'],
      ],
      [3, 3, 3, 3],
    );
    assert.equal(s['numberMisscheduled'], 0);
    assert.equal(s['numberUnavailable'], 0);
    assert.equal(s['observedGeneration'], 1);
    const events = (await client.resource('', 'v1', 'events').list(NS)).items;
    assert.ok(
      events.some(
        (e) => e['reason'] === 'SuccessfulCreate' && String(e['message']).startsWith('Created pod: agent-'),
      ),
    );
  });

  it('follows nodes coming, going and being tainted', async () => {
    await addNode('d');
    await until('a pod on d', async () => (await podsByNode())['d']);
    await readyAll();
    await until('four desired', async () => (await status())['numberAvailable'] === 4);
    await nodes().delete(undefined, 'd');
    await until('the pod of d gone', async () => !(await podsByNode())['d']);
    await until('three desired', async () => (await status())['desiredNumberScheduled'] === 3);

    await patchRetrying(nodes(), '', 'c', { spec: { taints: [{ key: 'evict', effect: 'NoExecute' }] } });
    await until('the pod of c gone', async () => !(await podsByNode())['c']);
    const s = await until('two desired', async () => {
      const st = await status();
      return st['desiredNumberScheduled'] === 2 ? st : undefined;
    });
    assert.equal(s['currentNumberScheduled'], 2);
    await patchRetrying(nodes(), '', 'c', { spec: { taints: null } });
    await until('a pod on c again', async () => (await podsByNode())['c']);
    await readyAll();
    await until('three available', async () => (await status())['numberAvailable'] === 3);
  });

  it('rolls a new template out one node at a time, and rolls back to an old revision', async () => {
    const first = (await revisions().list(NS)).items[0]!;
    const oldHash = first.metadata?.labels?.['controller-revision-hash'];
    await patchRetrying(
      dss(),
      NS,
      'agent',
      { spec: { template: { spec: { containers: [{ name: 'c', image: 'agent:2' }] } } } },
      'strategic',
    );
    const newHash = await until('a second revision', async () => {
      const items = (await revisions().list(NS)).items;
      const r = items.find((i) => i['revision'] === 2);
      return r?.metadata?.labels?.['controller-revision-hash'];
    });
    // maxUnavailable 1: one node is replaced at a time, each once the last is ready.
    await until('every node updated', async () => {
      const m = await podsByNode();
      const updated = Object.entries(m).filter(([, h]) => h === newHash).length;
      const missing = 3 - Object.keys(m).length;
      assert.ok(missing <= 1, `at most one node without a pod: ${JSON.stringify(m)}`);
      await readyAll();
      return updated === 3;
    });
    const s = await until('updated status', async () => {
      const st = await status();
      return st['updatedNumberScheduled'] === 3 && st['numberAvailable'] === 3 ? st : undefined;
    });
    assert.equal(s['observedGeneration'], 2);

    // What `kubectl rollout undo` does: patch the DaemonSet with the old revision's data.
    await patchRetrying(dss(), NS, 'agent', first['data'], 'strategic');
    await until('rolled back', async () => {
      const m = await podsByNode();
      await readyAll();
      return Object.values(m).filter((h) => h === oldHash).length === 3;
    });
    const after = await until('renumbered', async () => {
      const items = (await revisions().list(NS)).items;
      const old = items.find((i) => i.metadata?.name === first.metadata?.name);
      return old?.['revision'] === 3 ? items : undefined;
    });
    assert.equal(after.length, 2, 'no third revision: the first one is reused');
    const tmpl = (
      (await dss().get(NS, 'agent'))['spec'] as { template: { spec: { containers: { image: string }[] } } }
    ).template;
    assert.equal(tmpl.spec.containers[0]?.image, 'agent:1');
  });

  it('keeps at most revisionHistoryLimit old revisions', async () => {
    await patchRetrying(dss(), NS, 'agent', { spec: { revisionHistoryLimit: 0 } });
    await until('old revisions pruned', async () => {
      await readyAll();
      return (await revisions().list(NS)).items.length === 1;
    });
  });
});
