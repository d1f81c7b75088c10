/**
 * The ReplicationController controller against a real API server (SQLite) through the
 * in-process client: pods owned through a v1 controller reference, status, scale to zero.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '../../client/client.js';
import {
  listPods,
  patchRetrying,
  type RunningControllers,
  runControllers,
  setPodReady,
  startTestCluster,
  type TestCluster,
  until,
} from '../framework/testing.js';
import { ReplicationControllerController } from './controller.js';

const NS = 'default';

describe('replicationcontroller controller', () => {
  let cluster: TestCluster;
  let running: RunningControllers;
  let client: Client;

  before(async () => {
    cluster = await startTestCluster();
    client = cluster.client;
    running = runControllers(client, (ctx) => [new ReplicationControllerController(ctx)]);
  });
  after(async () => {
    await running.stop();
    await cluster.close();
  });

  it('keeps the replicas of a ReplicationController', async () => {
    const rcs = client.resource('', 'v1', 'replicationcontrollers');
    const rc = await rcs.create(NS, {
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: { name: 'legacy' },
      spec: {
        replicas: 2,
        selector: { app: 'legacy' },
        template: {
          metadata: { labels: { app: 'legacy' } },
          spec: { containers: [{ name: 'c', image: 'x' }] },
        },
      },
    });
    const pods = await until('2 pods', async () => {
      const ps = await listPods(client, NS, 'app=legacy');
      return ps.length === 2 ? ps : undefined;
    });
    assert.equal(pods[0]!.metadata!.ownerReferences?.[0]?.kind, 'ReplicationController');
    assert.equal(pods[0]!.metadata!.ownerReferences?.[0]?.apiVersion, 'v1');
    assert.equal(pods[0]!.metadata!.ownerReferences?.[0]?.uid, rc.metadata!.uid);
    await setPodReady(client, pods[0]!);
    await until('status', async () => {
      const s = ((await rcs.get(NS, 'legacy'))['status'] ?? {}) as Record<string, unknown>;
      return s['replicas'] === 2 && s['readyReplicas'] === 1;
    });
    await patchRetrying(rcs, NS, 'legacy', { spec: { replicas: 0 } });
    await until('no pods', async () => (await listPods(client, NS, 'app=legacy')).length === 0);
  });
});
