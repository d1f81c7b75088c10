/**
 * The Deployment controller with the ReplicaSet controller against a real API server
 * (SQLite) through the in-process client. No kubelet runs: the tests mark pods ready
 * themselves while they wait. Covers creation, scaling, rolling update, rollback to an
 * old template, pause and resume, Recreate, history cleanup and the progress deadline.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '../../client/client.js';
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
import { ReplicaSetController } from '../replicaset/controller.js';
import { REVISION, REVISION_HISTORY } from './annotations.js';
import { DeploymentController } from './controller.js';

const NS = 'default';
type Obj = Record<string, unknown>;

function deployment(name: string, replicas: number, image: string, spec: Obj = {}): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image }] } },
      ...spec,
    },
  };
}

describe('deployment controller', () => {
  let cluster: TestCluster;
  let running: RunningControllers;
  let client: Client;
  const deployments = () => client.resource('apps', 'v1', 'deployments');
  const replicaSets = () => client.resource('apps', 'v1', 'replicasets');
  const get = (name: string) => deployments().get(NS, name);
  const statusOf = (o: KObject) => (o['status'] ?? {}) as Obj;
  const conditions = (o: KObject) => (statusOf(o)['conditions'] ?? []) as Obj[];
  const condition = (o: KObject, type: string) => conditions(o).find((c) => c['type'] === type);

  /** Marks every pod of `app` ready, as kubelets would. */
  async function readyAll(app: string): Promise<void> {
    for (const p of await listPods(client, NS, `app=${app}`)) {
      const conds = ((p['status'] as Obj | undefined)?.['conditions'] ?? []) as Obj[];
      if (!conds.some((c) => c['type'] === 'Ready' && c['status'] === 'True'))
        await setPodReady(client, p).catch(() => {});
    }
  }

  /** The ReplicaSets of `app`, oldest revision first. */
  async function setsOf(app: string): Promise<KObject[]> {
    const list = await replicaSets().list(NS, { labelSelector: `app=${app}` });
    const rev = (rs: KObject) => Number(rs.metadata?.annotations?.[REVISION] ?? 0);
    return list.items.sort((a, b) => rev(a) - rev(b));
  }

  /** Waits (readying pods) until the rollout is complete, as `kubectl rollout status` decides. */
  async function rolledOut(name: string): Promise<KObject> {
    return until(`${name} rolled out`, async () => {
      await readyAll(name);
      const d = await get(name);
      const s = statusOf(d);
      const want = (d['spec'] as Obj)['replicas'];
      const done =
        (d.metadata?.generation ?? 0) <= Number(s['observedGeneration'] ?? 0) &&
        s['updatedReplicas'] === want &&
        s['replicas'] === want &&
        s['availableReplicas'] === want;
      return done || want === 0 ? d : undefined;
    });
  }

  before(async () => {
    cluster = await startTestCluster();
    client = cluster.client;
    running = runControllers(client, (ctx) => [new DeploymentController(ctx), new ReplicaSetController(ctx)]);
  });
  after(async () => {
    if (process.env['DEBUG_CONTROLLERS']) console.log(running.logs.join('\n'));
    await running.stop();
    await cluster.close();
  });

  it('creates a ReplicaSet with the template hash and revision 1, and reports availability', async () => {
    await deployments().create(NS, deployment('web', 3, 'nginx:1'));
    const d = await rolledOut('web');
    const [rs] = await setsOf('web');
    const hash = rs!.metadata!.labels!['pod-template-hash']!;
    assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.equal(rs!.metadata!.name, `web-${hash}`);
    assert.equal(rs!.metadata!.annotations![REVISION], '1');
    assert.equal(rs!.metadata!.annotations!['deployment.kubernetes.io/desired-replicas'], '3');
    assert.equal(rs!.metadata!.annotations!['deployment.kubernetes.io/max-replicas'], '4');
    assert.equal(rs!.metadata!.ownerReferences![0]!.uid, d.metadata!.uid);
    assert.deepEqual((rs!['spec'] as Obj)['selector'], {
      matchLabels: { app: 'web', 'pod-template-hash': hash },
    });
    const pods = await listPods(client, NS, 'app=web');
    assert.ok(pods.every((p) => p.metadata!.labels!['pod-template-hash'] === hash));
    assert.equal(d.metadata!.annotations![REVISION], '1');
    const s = statusOf(d);
    assert.equal(s['readyReplicas'], 3);
    assert.equal(s['unavailableReplicas'], undefined);
    assert.equal(condition(d, 'Available')?.['reason'], 'MinimumReplicasAvailable');
    await until('NewReplicaSetAvailable', async () => {
      const c = condition(await get('web'), 'Progressing');
      return (
        c?.['reason'] === 'NewReplicaSetAvailable' &&
        c['message'] === `ReplicaSet "web-${hash}" has successfully progressed.`
      );
    });
    const events = await eventsFor(client, NS, 'web');
    assert.ok(
      events.includes(`ScalingReplicaSet: Scaled up replica set web-${hash} from 0 to 3`),
      events.join('\n'),
    );
  });

  it('scales the ReplicaSet with the Deployment', async () => {
    await patchRetrying(deployments(), NS, 'web', { spec: { replicas: 5 } });
    await rolledOut('web');
    const [rs] = await setsOf('web');
    assert.equal((rs!['spec'] as Obj)['replicas'], 5);
    assert.equal(rs!.metadata!.annotations!['deployment.kubernetes.io/desired-replicas'], '5');
    const events = await eventsFor(client, NS, 'web');
    assert.ok(events.includes(`ScalingReplicaSet: Scaled up replica set ${rs!.metadata!.name} from 3 to 5`));
  });

  it('rolls a new template out to a new ReplicaSet with revision 2 and scales the old one to 0', async () => {
    await patchRetrying(deployments(), NS, 'web', {
      metadata: { annotations: { 'kubernetes.io/change-cause': 'image 2' } },
      spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:2' }] } } },
    });
    const d = await rolledOut('web');
    const [old, fresh] = await setsOf('web');
    assert.equal(fresh!.metadata!.annotations![REVISION], '2');
    assert.equal(fresh!.metadata!.annotations!['kubernetes.io/change-cause'], 'image 2');
    assert.equal((old!['spec'] as Obj)['replicas'], 0);
    assert.equal(d.metadata!.annotations![REVISION], '2');
    const pods = await listPods(client, NS, 'app=web');
    assert.equal(pods.length, 5);
    assert.ok(pods.every((p) => ((p['spec'] as Obj)['containers'] as Obj[])[0]!['image'] === 'nginx:2'));
    const events = await eventsFor(client, NS, 'web');
    assert.ok(
      events.some((e) =>
        e.startsWith(`ScalingReplicaSet: Scaled down replica set ${old!.metadata!.name} from 5 to`),
      ),
    );
  });

  it('rolls back to an old template by reusing its ReplicaSet with a new revision', async () => {
    const [first] = await setsOf('web');
    const template = structuredClone((first!['spec'] as Obj)['template']) as { metadata: { labels: Obj } };
    delete template.metadata.labels['pod-template-hash'];
    // What `kubectl rollout undo` sends.
    await patchRetrying(
      deployments(),
      NS,
      'web',
      [{ op: 'replace', path: '/spec/template', value: template }],
      'json',
    );
    await rolledOut('web');
    const sets = await setsOf('web');
    assert.equal(sets.length, 2, 'no third ReplicaSet');
    const back = sets.find((rs) => rs.metadata!.name === first!.metadata!.name)!;
    assert.equal(back.metadata!.annotations![REVISION], '3');
    assert.equal(back.metadata!.annotations![REVISION_HISTORY], '1');
    assert.equal((back['spec'] as Obj)['replicas'], 5);
    await until(
      'revision 3 on the Deployment',
      async () => (await get('web')).metadata!.annotations![REVISION] === '3',
    );
  });

  it('does not roll while paused, and rolls after resume', async () => {
    await patchRetrying(deployments(), NS, 'web', { spec: { paused: true } });
    await until(
      'DeploymentPaused',
      async () => condition(await get('web'), 'Progressing')?.['reason'] === 'DeploymentPaused',
    );
    await patchRetrying(deployments(), NS, 'web', {
      spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:3' }] } } },
    });
    await until('observed', async () => {
      const d = await get('web');
      return Number(statusOf(d)['observedGeneration']) === d.metadata!.generation;
    });
    assert.equal((await setsOf('web')).length, 2, 'no new ReplicaSet while paused');
    await patchRetrying(deployments(), NS, 'web', { spec: { paused: false } });
    await rolledOut('web');
    const sets = await setsOf('web');
    assert.equal(sets.length, 3);
    assert.equal(sets[2]!.metadata!.annotations![REVISION], '4');
  });

  it('keeps at most revisionHistoryLimit old ReplicaSets', async () => {
    await patchRetrying(deployments(), NS, 'web', {
      spec: {
        revisionHistoryLimit: 1,
        template: { spec: { containers: [{ name: 'c', image: 'nginx:4' }] } },
      },
    });
    await rolledOut('web');
    await until('old ReplicaSets cleaned up', async () => (await setsOf('web')).length === 2);
    const sets = await setsOf('web');
    assert.deepEqual(
      sets.map((rs) => rs.metadata!.annotations![REVISION]),
      ['4', '5'],
    );
  });

  it('scales proportionally in the middle of a rollout', async () => {
    await deployments().create(NS, deployment('prop', 10, 'app:1'));
    await rolledOut('prop');
    await patchRetrying(deployments(), NS, 'prop', {
      spec: { template: { spec: { containers: [{ name: 'c', image: 'app:2' }] } } },
    });
    const sizes = async () => (await setsOf('prop')).map((rs) => (rs['spec'] as Obj)['replicas']);
    // New pods never become ready: maxSurge 3 and maxUnavailable 2 stop the rollout at 8 + 5.
    await until('a stalled rollout', async () => JSON.stringify(await sizes()) === '[8,5]');
    await patchRetrying(deployments(), NS, 'prop', { spec: { replicas: 20 } });
    // 25 allowed (20 + surge 5) split as 8:5 of the 13 each was sized for.
    await until('proportional sizes', async () => JSON.stringify(await sizes()) === '[15,10]');
    const [old] = await setsOf('prop');
    assert.equal(old!.metadata!.annotations!['deployment.kubernetes.io/desired-replicas'], '20');
    assert.equal(old!.metadata!.annotations!['deployment.kubernetes.io/max-replicas'], '25');
  });

  it('Recreate scales the old ReplicaSet to zero before creating the new one', async () => {
    await deployments().create(NS, deployment('batch', 2, 'busybox:1', { strategy: { type: 'Recreate' } }));
    await rolledOut('batch');
    await patchRetrying(deployments(), NS, 'batch', {
      spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox:2' }] } } },
    });
    await rolledOut('batch');
    const [old, fresh] = await setsOf('batch');
    assert.equal((old!['spec'] as Obj)['replicas'], 0);
    assert.equal((fresh!['spec'] as Obj)['replicas'], 2);
    const events = await eventsFor(client, NS, 'batch');
    const down = events.indexOf(
      `ScalingReplicaSet: Scaled down replica set ${old!.metadata!.name} from 2 to 0`,
    );
    const up = events.indexOf(
      `ScalingReplicaSet: Scaled up replica set ${fresh!.metadata!.name} from 0 to 2`,
    );
    assert.ok(down >= 0 && up >= 0, events.join('\n'));
  });

  it('reports ProgressDeadlineExceeded when pods never become ready', async () => {
    await deployments().create(NS, deployment('stuck', 1, 'never:1', { progressDeadlineSeconds: 1 }));
    const c = await until('ProgressDeadlineExceeded', async () => {
      const cond = condition(await get('stuck'), 'Progressing');
      return cond?.['reason'] === 'ProgressDeadlineExceeded' ? cond : undefined;
    });
    assert.equal(c['status'], 'False');
    assert.match(String(c['message']), /^ReplicaSet "stuck-[a-z0-9]+" has timed out progressing\.$/);
    assert.equal(condition(await get('stuck'), 'Available')?.['reason'], 'MinimumReplicasUnavailable');
  });
});
