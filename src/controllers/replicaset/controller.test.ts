/**
 * The replica controller against a real API server (SQLite) through the in-process
 * client: creation with owner references and events, readiness in status, scale down of
 * the least valuable pods, replacement, adoption and release, ReplicaFailure, and
 * minReadySeconds.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from '../../client/client.js';
import type { Transport } from '../../client/transport.js';
import type { KObject } from '../../registry/types.js';
import {
  eventsFor,
  listPods,
  patchRetrying,
  type RunningControllers,
  runControllers,
  setPodReady,
  startTestCluster,
  type TestCluster,
  until,
} from '../framework/testing.js';
import { ReplicaSetController } from './controller.js';

const NS = 'default';

function replicaSet(name: string, replicas: number, app = name): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app } },
      template: { metadata: { labels: { app } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
    },
  };
}

/** Fails pod creations whose body names `marker`, as an admission plugin would. */
function failingCreates(inner: Transport, marker: string): Transport {
  return {
    request: async (method, path, opts) => {
      if (method === 'POST' && path.includes('/pods') && String(opts?.body ?? '').includes(marker)) {
        const body = JSON.stringify({
          kind: 'Status',
          status: 'Failure',
          code: 403,
          reason: 'Forbidden',
          message: `pods "${marker}-" is forbidden: exceeded quota`,
        });
        return { status: 403, headers: {}, body: Buffer.from(body) };
      }
      return inner.request(method, path, opts);
    },
    stream: (path, signal) => inner.stream(path, signal),
    close: () => inner.close(),
  };
}

describe('replicaset controller', () => {
  let cluster: TestCluster;
  let running: RunningControllers;
  let client: Client;
  /** Added to the controllers' clock, to let minReadySeconds pass without waiting. */
  let clockOffset = 0;
  const sets = () => client.resource('apps', 'v1', 'replicasets');
  const status = async (name: string) =>
    ((await sets().get(NS, name))['status'] ?? {}) as Record<string, unknown>;

  before(async () => {
    cluster = await startTestCluster();
    client = new Client(failingCreates(cluster.client.transport, 'broken'));
    running = runControllers(
      client,
      (ctx) => [new ReplicaSetController(ctx)],
      () => Date.now() + clockOffset,
    );
  });
  after(async () => {
    if (process.env['DEBUG_CONTROLLERS']) console.log(running.logs.join('\n'));
    await running.stop();
    await cluster.close();
  });

  it('creates the pods with a controller reference, events and status', async () => {
    const rs = await sets().create(NS, replicaSet('web', 3));
    const pods = await until('3 pods', async () => {
      const ps = await listPods(client, NS, 'app=web');
      return ps.length === 3 ? ps : undefined;
    });
    for (const p of pods) {
      assert.match(p.metadata!.name!, /^web-[a-z0-9]{5}$/);
      assert.equal(p.metadata!.generateName, 'web-');
      assert.deepEqual(p.metadata!.ownerReferences, [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: 'web',
          uid: rs.metadata!.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ]);
    }
    await until('replicas 3 in status', async () => (await status('web'))['replicas'] === 3);
    assert.deepEqual(await status('web'), { replicas: 3, fullyLabeledReplicas: 3, observedGeneration: 1 });
    const events = await until('3 events', async () => {
      const evs = await eventsFor(client, NS, 'web');
      return evs.length === 3 ? evs : undefined;
    });
    assert.deepEqual(
      events.sort(),
      pods.map((p) => `SuccessfulCreate: Created pod: ${p.metadata!.name}`).sort(),
    );

    for (const p of pods) await setPodReady(client, p);
    await until('3 ready', async () => (await status('web'))['availableReplicas'] === 3);
    assert.equal((await status('web'))['readyReplicas'], 3);
  });

  it('scales down deleting the not-ready pods first', async () => {
    const pods = await listPods(client, NS, 'app=web');
    const [keep] = pods;
    const others = pods.slice(1);
    for (const p of others) await setPodReady(client, p, false);
    await patchRetrying(sets(), NS, 'web', { spec: { replicas: 1 } });
    await until('1 pod left', async () => (await listPods(client, NS, 'app=web')).length === 1);
    assert.equal((await listPods(client, NS, 'app=web'))[0]!.metadata!.name, keep!.metadata!.name);
    await until('status of 1', async () => {
      const s = await status('web');
      return s['replicas'] === 1 && s['observedGeneration'] === 2;
    });
    const events = await eventsFor(client, NS, 'web');
    for (const p of others) assert.ok(events.includes(`SuccessfulDelete: Deleted pod: ${p.metadata!.name}`));
  });

  it('replaces a deleted pod', async () => {
    const [p] = await listPods(client, NS, 'app=web');
    await client.resource('', 'v1', 'pods').delete(NS, p!.metadata!.name!);
    const replacement = await until('a replacement', async () => {
      const ps = await listPods(client, NS, 'app=web');
      return ps.length === 1 && ps[0]!.metadata!.name !== p!.metadata!.name ? ps[0] : undefined;
    });
    assert.equal(replacement.metadata!.ownerReferences?.[0]?.name, 'web');
  });

  it('adopts matching orphans and releases pods that stop matching', async () => {
    const podsApi = client.resource('', 'v1', 'pods');
    const orphan = await podsApi.create(NS, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'orphan', labels: { app: 'adopt' } },
      spec: { containers: [{ name: 'c', image: 'nginx' }] },
    });
    const rs = await sets().create(NS, replicaSet('adopt', 2));
    await until('adoption', async () => {
      const p = await podsApi.get(NS, 'orphan');
      return p.metadata?.ownerReferences?.[0]?.uid === rs.metadata!.uid;
    });
    await until('2 pods', async () => (await listPods(client, NS, 'app=adopt')).length === 2);
    assert.equal(orphan.metadata!.ownerReferences, undefined);

    await patchRetrying(podsApi, NS, 'orphan', { metadata: { labels: { app: 'gone' } } });
    await until(
      'release',
      async () => ((await podsApi.get(NS, 'orphan')).metadata?.ownerReferences ?? []).length === 0,
    );
    await until('a replacement', async () => (await listPods(client, NS, 'app=adopt')).length === 2);
    await podsApi.delete(NS, 'orphan');
  });

  it('reports failed creations in a ReplicaFailure condition and a FailedCreate event', async () => {
    const rs = replicaSet('broken', 2);
    await sets().create(NS, rs);
    const cond = await until('ReplicaFailure', async () => {
      const conds = ((await status('broken'))['conditions'] ?? []) as Record<string, unknown>[];
      return conds.find((c) => c['type'] === 'ReplicaFailure');
    });
    assert.equal(cond['reason'], 'FailedCreate');
    assert.equal(cond['message'], 'pods "broken-" is forbidden: exceeded quota');
    const events = await until('FailedCreate', async () => {
      const evs = await eventsFor(client, NS, 'broken');
      return evs.length > 0 ? evs : undefined;
    });
    assert.ok(events.includes('FailedCreate: Error creating: pods "broken-" is forbidden: exceeded quota'));
    assert.deepEqual(await listPods(client, NS, 'app=broken'), []);
    // Slow start: a failing first batch of one stops the sync; no pile of requests.
    await patchRetrying(sets(), NS, 'broken', { spec: { replicas: 0 } });
    await until('ReplicaFailure cleared', async () => (await status('broken'))['conditions'] === undefined);
  });

  it('counts a ready pod as available only after minReadySeconds', async () => {
    const rs = replicaSet('slow', 1);
    (rs['spec'] as Record<string, unknown>)['minReadySeconds'] = 3600;
    await sets().create(NS, rs);
    const [pod] = await until('a pod', async () => {
      const ps = await listPods(client, NS, 'app=slow');
      return ps.length === 1 ? ps : undefined;
    });
    await setPodReady(client, pod!);
    await until('ready', async () => (await status('slow'))['readyReplicas'] === 1);
    assert.equal((await status('slow'))['availableReplicas'], undefined);
    clockOffset += 3601_000;
    await patchRetrying(sets(), NS, 'slow', { metadata: { annotations: { touched: 'yes' } } });
    await until('available', async () => (await status('slow'))['availableReplicas'] === 1);
    clockOffset = 0;
  });
});
