/**
 * Pod garbage collection: the selection rules alone, and the controller against a real
 * API server (terminated pods over a low threshold, orphans of a vanished node after the
 * quarantine, unscheduled pods marked for deletion).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { ResourceClient } from '../../client/client.js';
import { isNotFound } from '../../client/errors.js';
import type { KObject } from '../../registry/types.js';
import {
  type RunningControllers,
  runControllers,
  startTestCluster,
  type TestCluster,
  until,
} from '../framework/testing.js';
import { PodGcController } from './controller.js';
import { missingNodes, terminatedOverThreshold, unscheduledTerminating } from './select.js';

function pod(
  name: string,
  phase: string,
  extra: { created?: string; reason?: string; node?: string } = {},
): Pod {
  return {
    metadata: { name, creationTimestamp: extra.created ?? '2024-05-08T10:00:00Z' },
    spec: { containers: [], ...(extra.node ? { nodeName: extra.node } : {}) },
    status: { phase, ...(extra.reason ? { reason: extra.reason } : {}) },
  };
}

describe('pod gc: selection', () => {
  it('deletes the oldest terminated pods over the threshold, evicted first', () => {
    const pods = [
      pod('new', 'Succeeded', { created: '2024-05-08T10:03:00Z' }),
      pod('old', 'Failed', { created: '2024-05-08T10:01:00Z' }),
      pod('evicted', 'Failed', { created: '2024-05-08T10:05:00Z', reason: 'Evicted' }),
      pod('running', 'Running', { created: '2024-05-08T09:00:00Z' }),
      pod('mid', 'Succeeded', { created: '2024-05-08T10:02:00Z' }),
    ];
    const names = (ps: Pod[]) => ps.map((p) => p.metadata?.name);
    assert.deepEqual(names(terminatedOverThreshold(pods, 2)), ['evicted', 'old']);
    assert.deepEqual(names(terminatedOverThreshold(pods, 4)), []);
    assert.deepEqual(names(terminatedOverThreshold(pods, 0)), [], 'a threshold of 0 turns it off');
  });

  it('finds missing nodes and unscheduled terminating pods', () => {
    const pods = [
      pod('a', 'Running', { node: 'n1' }),
      pod('b', 'Running', { node: 'gone' }),
      pod('c', 'Pending'),
    ];
    assert.deepEqual([...missingNodes(pods, new Set(['n1']))], ['gone']);
    const deleting = {
      ...pod('d', 'Pending'),
      metadata: { name: 'd', deletionTimestamp: '2024-05-08T10:00:00Z' },
    };
    assert.deepEqual(
      unscheduledTerminating([...pods, deleting]).map((p) => p.metadata?.name),
      ['d'],
    );
  });
});

describe('pod gc controller', () => {
  let cluster: TestCluster;
  let running: RunningControllers;
  const clock = { now: Date.now() };
  let pods: ResourceClient;
  let nodes: ResourceClient;
  let controller: PodGcController;
  before(async () => {
    cluster = await startTestCluster();
    pods = cluster.client.resource('', 'v1', 'pods');
    nodes = cluster.client.resource('', 'v1', 'nodes');
    running = runControllers(
      cluster.client,
      (ctx) => {
        controller = new PodGcController(ctx, { terminatedPodThreshold: 2, quarantineMs: 30_000 });
        return [controller];
      },
      () => clock.now,
    );
  });
  after(async () => {
    await running.stop();
    await cluster.close();
    const errors = running.logs;
    assert.deepEqual(errors, []);
  });

  async function create(
    name: string,
    spec: Record<string, unknown> = {},
    meta: Record<string, unknown> = {},
  ) {
    await pods.create('default', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, ...meta },
      spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec },
    });
  }

  async function setPhase(name: string, phase: string): Promise<void> {
    await pods.patch('default', name, { status: { phase } }, 'merge', { subresource: 'status' });
  }

  async function exists(name: string): Promise<KObject | undefined> {
    try {
      return await pods.get('default', name);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  it('keeps at most the threshold of terminated pods, deleting the oldest', async () => {
    for (const n of ['t-a', 't-b', 't-c', 't-d']) await create(n);
    await create('t-running');
    for (const n of ['t-a', 't-b', 't-c']) await setPhase(n, 'Succeeded');
    await setPhase('t-d', 'Failed');
    await until('two deleted', async () => !(await exists('t-a')) && !(await exists('t-b')));
    assert.ok(await exists('t-c'));
    assert.ok(await exists('t-d'));
    assert.ok(await exists('t-running'));
    for (const n of ['t-c', 't-d', 't-running']) await pods.delete('default', n, { gracePeriodSeconds: 0 });
  });

  it('deletes pods of a vanished node after the quarantine, marking them Failed', async () => {
    await nodes.create(undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
    await create('on-n1', { nodeName: 'n1' });
    await create('on-ghost', { nodeName: 'ghost' }, { finalizers: ['test.k8ts.io/hold'] });
    await setPhase('on-n1', 'Running');
    await setPhase('on-ghost', 'Running');
    // The finalizer keeps the pod visible: marked Failed, then deleted. The clock moves
    // past the quarantine on every try, whenever the controller first noticed the node.
    const gone = await until('the orphan marked and deleted', async () => {
      clock.now += 31_000;
      controller.enqueue('gc');
      const p = await exists('on-ghost');
      return p?.metadata?.deletionTimestamp ? p : undefined;
    });
    const st = gone['status'] as {
      phase?: string;
      conditions?: { type: string; reason?: string; message?: string }[];
    };
    assert.equal(st.phase, 'Failed');
    const cond = st.conditions?.find((c) => c.type === 'DisruptionTarget');
    assert.equal(cond?.reason, 'DeletionByPodGC');
    assert.equal(cond?.message, 'PodGC: node no longer exists');
    assert.ok(await exists('on-n1'));
    await pods.patch('default', 'on-ghost', { metadata: { finalizers: null } });
  });

  it('deletes unscheduled pods marked for deletion at once', async () => {
    await create('unsched', {}, { finalizers: ['test.k8ts.io/hold'] });
    await pods.delete('default', 'unsched');
    const p = await until('marked Failed', async () => {
      const cur = await exists('unsched');
      return (cur?.['status'] as { phase?: string } | undefined)?.phase === 'Failed' ? cur : undefined;
    });
    assert.ok(p.metadata?.deletionTimestamp);
    await pods.patch('default', 'unsched', { metadata: { finalizers: null } });
    await until('gone', async () => !(await exists('unsched')));
  });
});
