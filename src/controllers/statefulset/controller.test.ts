/**
 * The StatefulSet controller against a real API server (SQLite) through the in-process
 * client. There is no kubelet: the test makes pods Running and Ready itself.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '../../client/client.js';
import type { KObject } from '../../registry/types.js';
import {
  patchRetrying,
  type RunningControllers,
  runControllers,
  setPodReady,
  startTestCluster,
  type TestCluster,
  until,
} from '../framework/testing.js';
import { StatefulSetController } from './controller.js';

const NS = 'sts-test';

describe('StatefulSet controller', () => {
  let cluster: TestCluster;
  let client: Client;
  let controllers: RunningControllers;

  before(async () => {
    cluster = await startTestCluster();
    client = cluster.client;
    await client
      .resource('', 'v1', 'namespaces')
      .create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    controllers = runControllers(client, (ctx) => [new StatefulSetController(ctx)]);
  });

  after(async () => {
    if (process.env['STS_TEST_LOGS']) console.log(controllers.logs.join('\n'));
    await controllers.stop();
    await cluster.close();
  });

  const sets = () => client.resource('apps', 'v1', 'statefulsets');
  const pods = () => client.resource('', 'v1', 'pods');
  const podNames = async () =>
    (await pods().list(NS, { labelSelector: 'app=web' })).items.map((p) => p.metadata!.name!).sort();
  const getSet = () => sets().get(NS, 'web');
  const status = async () => ((await getSet())['status'] ?? {}) as Record<string, unknown>;

  const makeReady = (name: string) => setPodReady(client, { metadata: { namespace: NS, name } });

  /** Waits for `name` to exist and makes it ready, returning the pod. */
  async function readyWhenCreated(name: string): Promise<KObject> {
    await until(`pod ${name}`, async () => (await podNames()).includes(name));
    await makeReady(name);
    return pods().get(NS, name);
  }

  it('creates pods in ordinal order, each after the previous is ready, with their claims', async () => {
    await sets().create(NS, {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'web' },
      spec: {
        replicas: 3,
        serviceName: 'web',
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'c', image: 'nginx:1' }] },
        },
        volumeClaimTemplates: [
          {
            metadata: { name: 'data' },
            spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
          },
        ],
      },
    });
    await until('web-0', async () => (await podNames()).includes('web-0'));
    // The controller has written status after creating web-0; it did not go on to web-1.
    await until('status of one pod', async () => (await status())['replicas'] === 1);
    assert.deepEqual(await podNames(), ['web-0']);

    const web0 = await readyWhenCreated('web-0');
    const labels = web0.metadata?.labels ?? {};
    assert.equal(labels['statefulset.kubernetes.io/pod-name'], 'web-0');
    assert.equal(labels['apps.kubernetes.io/pod-index'], '0');
    assert.match(labels['controller-revision-hash'] ?? '', /^web-/);
    const spec = web0['spec'] as { hostname?: string; subdomain?: string; volumes?: unknown[] };
    assert.equal(spec.hostname, 'web-0');
    assert.equal(spec.subdomain, 'web');
    assert.deepEqual(spec.volumes?.[0], { name: 'data', persistentVolumeClaim: { claimName: 'data-web-0' } });
    assert.equal(web0.metadata?.ownerReferences?.[0]?.kind, 'StatefulSet');

    await readyWhenCreated('web-1');
    await readyWhenCreated('web-2');
    const claims = await client.resource('', 'v1', 'persistentvolumeclaims').list(NS);
    assert.deepEqual(claims.items.map((c) => c.metadata?.name).sort(), [
      'data-web-0',
      'data-web-1',
      'data-web-2',
    ]);
    assert.equal(claims.items[0]?.metadata?.ownerReferences, undefined, 'Retain: claims are not owned');

    const s = await until('ready status', async () => {
      const st = await status();
      return st['readyReplicas'] === 3 ? st : undefined;
    });
    assert.equal(s['replicas'], 3);
    assert.equal(s['currentReplicas'], 3);
    assert.equal(s['updatedReplicas'], 3);
    assert.equal(s['currentRevision'], s['updateRevision']);
    assert.equal(s['observedGeneration'], 1);
    const revs = await client.resource('apps', 'v1', 'controllerrevisions').list(NS);
    assert.deepEqual(
      revs.items.map((r) => [r.metadata?.name, r['revision']]),
      [[s['currentRevision'], 1]],
    );

    const events = await client.resource('', 'v1', 'events').list(NS);
    const messages = events.items.map((e) => `${e['reason']}: ${e['message']}`);
    assert.ok(
      messages.includes('SuccessfulCreate: create Pod web-0 in StatefulSet web successful'),
      messages.join('\n'),
    );
    assert.ok(
      messages.includes('SuccessfulCreate: create Claim data-web-0 Pod web-0 in StatefulSet web success'),
    );
  });

  it('recreates a failed pod', async () => {
    const before = await pods().get(NS, 'web-1');
    await pods().patch(NS, 'web-1', { status: { phase: 'Failed' } }, 'merge', { subresource: 'status' });
    const after = await until('a new web-1', async () => {
      const p = await pods()
        .get(NS, 'web-1')
        .catch(() => undefined);
      return p && p.metadata?.uid !== before.metadata?.uid ? p : undefined;
    });
    assert.equal((after['status'] as { phase?: string }).phase, 'Pending');
    await makeReady('web-1');
  });

  it('scales down from the highest ordinal', async () => {
    await patchRetrying(sets(), NS, 'web', { spec: { replicas: 1 } });
    await until('web-2 gone', async () => !(await podNames()).includes('web-2'));
    await until('web-1 gone', async () => !(await podNames()).includes('web-1'));
    assert.deepEqual(await podNames(), ['web-0']);
    const events = await client.resource('', 'v1', 'events').list(NS);
    const deletes = events.items.filter((e) => e['reason'] === 'SuccessfulDelete').map((e) => e['message']);
    assert.ok(deletes.includes('delete Pod web-2 in StatefulSet web successful'));
  });

  it('rolls an update out above the partition, highest ordinal first', async () => {
    await patchRetrying(sets(), NS, 'web', { spec: { replicas: 3 } });
    await readyWhenCreated('web-1');
    await readyWhenCreated('web-2');
    const old = (await status())['currentRevision'];
    await patchRetrying(sets(), NS, 'web', {
      spec: {
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } },
        template: { spec: { containers: [{ name: 'c', image: 'nginx:2' }] } },
      },
    });
    const revisionOf = async (name: string) =>
      (
        await pods()
          .get(NS, name)
          .catch(() => undefined)
      )?.metadata?.labels?.['controller-revision-hash'];
    const updateRevision = await until('a new update revision', async () => {
      const s = await status();
      return s['updateRevision'] !== old && (s['updateRevision'] as string);
    });
    await until('web-2 updated', async () => (await revisionOf('web-2')) === updateRevision);
    assert.equal(await revisionOf('web-1'), old, 'web-1 waits for web-2 to be ready');
    await makeReady('web-2');
    await until('web-1 updated', async () => (await revisionOf('web-1')) === updateRevision);
    await makeReady('web-1');
    const s = await until('partitioned status', async () => {
      const st = await status();
      return st['updatedReplicas'] === 2 && st['readyReplicas'] === 3 ? st : undefined;
    });
    assert.equal(await revisionOf('web-0'), old, 'below the partition');
    assert.equal(s['currentRevision'], old);
    const image = ((await pods().get(NS, 'web-2'))['spec'] as { containers: { image: string }[] })
      .containers[0]?.image;
    assert.equal(image, 'nginx:2');

    await patchRetrying(sets(), NS, 'web', { spec: { updateStrategy: { rollingUpdate: { partition: 0 } } } });
    await until('web-0 updated', async () => (await revisionOf('web-0')) === updateRevision);
    await makeReady('web-0');
    const done = await until('rollout complete', async () => {
      const st = await status();
      return st['currentRevision'] === updateRevision && st['readyReplicas'] === 3 ? st : undefined;
    });
    assert.equal(done['currentReplicas'], 3);
    const revs = await client.resource('apps', 'v1', 'controllerrevisions').list(NS);
    assert.deepEqual(revs.items.map((r) => r['revision']).sort(), [1, 2]);
  });
});
