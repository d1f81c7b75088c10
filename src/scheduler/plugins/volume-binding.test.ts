/**
 * VolumeBinding: the filter cases on fixed claims, volumes and classes (missing, deleting,
 * unbound immediate, bound volume node affinity, WaitForFirstConsumer with and without a
 * provisioner), and with a real API server, the scheduler and the binder: pods go where
 * their volumes are, wait for missing claims, and their WaitForFirstConsumer claims get
 * the selected-node annotation of the node they are bound to.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ResourceClient } from '../../client/client.js';
import type { Controller } from '../../controllers/framework/controller.js';
import { ApiEventRecorder } from '../../controllers/framework/recorder.js';
import {
  eventsFor,
  type RunningControllers,
  runControllers,
  startTestCluster,
  type TestCluster,
  until,
} from '../../controllers/framework/testing.js';
import { LocalPathProvisioner } from '../../controllers/localpath/controller.js';
import { PersistentVolumeBinder } from '../../controllers/pvbinder/controller.js';
import type { KObject } from '../../registry/types.js';
import { newPodInfo } from '../pod-info.js';
import { Scheduler } from '../scheduler.js';
import { makeCache, makeNode, makePod, runFilter } from '../testing.js';
import {
  claimsToSelect,
  NO_VOLUME,
  NODE_CONFLICT,
  UNBOUND_IMMEDIATE,
  type VolumeLister,
  volumeBinding,
} from './volume-binding.js';

type Obj = Record<string, unknown>;

const sc = (name: string, mode: string, provisioner = 'k8ts.io/local-path'): KObject => ({
  metadata: { name },
  provisioner,
  volumeBindingMode: mode,
});
const claim = (
  name: string,
  spec: Obj,
  annotations: Record<string, string> = {},
  meta: Obj = {},
): KObject => ({
  metadata: { name, namespace: 'default', uid: `uid-${name}`, annotations, ...meta },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec },
});
const onNode = (node: string) => ({
  required: {
    nodeSelectorTerms: [
      { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] },
    ],
  },
});
const volume = (name: string, extra: Obj, ph = 'Available'): KObject => ({
  metadata: { name },
  spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], ...extra },
  status: { phase: ph },
});

function lister(claims: KObject[], volumes: KObject[], classes: KObject[]): VolumeLister {
  return {
    claim: (_ns, n) => claims.find((c) => c.metadata?.name === n),
    volume: (n) => volumes.find((v) => v.metadata?.name === n),
    storageClass: (n) => classes.find((c) => c.metadata?.name === n),
    volumes: () => volumes,
  };
}

const withClaims = (name: string, ...claims: string[]): KObject => {
  const p = makePod(name);
  (p['spec'] as Obj)['volumes'] = claims.map((c, i) => ({
    name: `v${i}`,
    persistentVolumeClaim: { claimName: c },
  }));
  return p;
};

const BOUND = { 'pv.kubernetes.io/bind-completed': 'yes' };

describe('VolumeBinding filter', () => {
  const cache = makeCache([makeNode('n1'), makeNode('n2')]);
  const classes = [
    sc('wffc', 'WaitForFirstConsumer'),
    sc('now', 'Immediate'),
    sc('local', 'WaitForFirstConsumer', 'kubernetes.io/no-provisioner'),
  ];
  const claims = [
    claim('bound-n2', { storageClassName: '', volumeName: 'pv-n2' }, BOUND),
    claim('bound-anywhere', { storageClassName: '', volumeName: 'pv-any' }, BOUND),
    claim('bound-gone', { storageClassName: '', volumeName: 'pv-gone' }, BOUND),
    claim('waits', { storageClassName: 'wffc' }),
    claim('immediate', { storageClassName: 'now' }),
    claim('no-class', { storageClassName: '' }),
    claim('half-bound', { storageClassName: 'wffc', volumeName: 'pv-any' }),
    claim('deleting', { storageClassName: 'wffc' }, {}, { deletionTimestamp: '2024-01-01T00:00:00Z' }),
    claim('static', { storageClassName: 'local' }),
  ];
  const volumes = [
    volume('pv-n2', { nodeAffinity: onNode('n2') }, 'Bound'),
    volume('pv-any', {}, 'Bound'),
    volume('pv-local-n1', { storageClassName: 'local', nodeAffinity: onNode('n1') }),
  ];
  const plugin = volumeBinding(lister(claims, volumes, classes));
  const verdicts = (...names: string[]) => {
    const out: Record<string, string> = {};
    for (const [node, s] of runFilter(plugin, cache, newPodInfo(withClaims('p', ...names))))
      out[node] = s === null ? 'fit' : s === 'skip' ? 'skip' : `${s.code}: ${s.reasons.join(', ')}`;
    return out;
  };
  const everywhere = (v: string) => ({ n1: v, n2: v });

  it('skips pods without claims', () => {
    assert.deepEqual(verdicts(), everywhere('skip'));
    assert.deepEqual(
      verdicts('bound-anywhere'),
      everywhere('skip'),
      'a volume without node affinity restricts nothing',
    );
  });

  it('rejects the whole pod for missing, deleting and unbound immediate claims', () => {
    assert.deepEqual(
      verdicts('nope'),
      everywhere('UnschedulableAndUnresolvable: persistentvolumeclaim "nope" not found'),
    );
    assert.deepEqual(
      verdicts('deleting'),
      everywhere('UnschedulableAndUnresolvable: persistentvolumeclaim "deleting" is being deleted'),
    );
    for (const c of ['immediate', 'no-class', 'half-bound'])
      assert.deepEqual(
        verdicts('waits', c),
        everywhere(`UnschedulableAndUnresolvable: ${UNBOUND_IMMEDIATE}`),
        c,
      );
  });

  it('keeps the nodes where bound volumes may be used', () => {
    assert.deepEqual(verdicts('bound-n2', 'waits'), {
      n1: `UnschedulableAndUnresolvable: ${NODE_CONFLICT}`,
      n2: 'fit',
    });
    assert.match(verdicts('bound-gone').n1 ?? '', /bound to non-existent pv/);
  });

  it('lets WaitForFirstConsumer claims go anywhere a volume can be had', () => {
    assert.deepEqual(verdicts('waits'), everywhere('skip'));
    assert.deepEqual(verdicts('static'), { n1: 'fit', n2: `UnschedulableAndUnresolvable: ${NO_VOLUME}` });
  });

  it('names the unbound WaitForFirstConsumer claims to select a node for', () => {
    const l = lister(
      [
        ...claims,
        claim('selected', { storageClassName: 'wffc' }, { 'volume.kubernetes.io/selected-node': 'n1' }),
      ],
      volumes,
      classes,
    );
    const pod = withClaims('p', 'waits', 'bound-n2', 'selected', 'immediate');
    assert.deepEqual(
      claimsToSelect(pod, l, 'n1').map((c) => c.metadata?.name),
      ['waits'],
    );
    assert.deepEqual(
      claimsToSelect(pod, l, 'n2').map((c) => c.metadata?.name),
      ['waits', 'selected'],
    );
  });
});

describe('VolumeBinding in the scheduler', () => {
  let c: TestCluster;
  let run: RunningControllers;
  let pods: ResourceClient;
  let pvcs: ResourceClient;
  const ac = new AbortController();
  let scheduling: Promise<void>;

  before(async () => {
    c = await startTestCluster();
    const nodes = c.client.resource('', 'v1', 'nodes');
    for (const n of ['n1', 'n2', 'n3']) await nodes.create(undefined, makeNode(n));
    run = runControllers(c.client, (ctx): Controller[] => [
      new PersistentVolumeBinder(ctx),
      new LocalPathProvisioner(ctx, { storageRoot: '/nonexistent/k8ts-test' }),
    ]);
    const scheduler = new Scheduler({
      client: c.client,
      recorder: new ApiEventRecorder(c.client, 'default-scheduler'),
    });
    scheduling = scheduler.run(ac.signal);
    pods = c.client.resource('', 'v1', 'pods');
    pvcs = c.client.resource('', 'v1', 'persistentvolumeclaims');
  });
  after(async () => {
    ac.abort();
    await scheduling;
    await run.stop();
    await c.close();
  });

  const nodeOf = (name: string) =>
    until(
      `${name} scheduled`,
      async () => ((await pods.get('default', name))['spec'] as Obj)['nodeName'] as string,
    );
  const createPod = (name: string, ...claims: string[]) => {
    const p = withClaims(name, ...claims);
    delete p.metadata?.uid;
    delete p.metadata?.creationTimestamp;
    return pods.create('default', p);
  };
  const newClaim = (name: string, spec: Obj) => {
    const o = claim(name, spec);
    delete o.metadata?.uid;
    return pvcs.create('default', o);
  };

  it('places a pod on the node of its bound volume', async () => {
    await c.client.resource('', 'v1', 'persistentvolumes').create(undefined, {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      ...volume('on-n2', {
        storageClassName: '',
        hostPath: { path: '/tmp/on-n2' },
        nodeAffinity: onNode('n2'),
      }),
    });
    await newClaim('pinned', { storageClassName: '' });
    await until(
      'claim bound',
      async () => ((await pvcs.get('default', 'pinned'))['status'] as Obj)['phase'] === 'Bound',
    );
    await createPod('uses-pinned', 'pinned');
    assert.equal(await nodeOf('uses-pinned'), 'n2');
  });

  it('selects the node for a WaitForFirstConsumer claim, which then gets provisioned', async () => {
    await newClaim('later', {});
    await createPod('uses-later', 'later');
    const node = await nodeOf('uses-later');
    const bound = await until('claim bound', async () => {
      const o = await pvcs.get('default', 'later');
      return (o['status'] as Obj)['phase'] === 'Bound' ? o : undefined;
    });
    assert.equal(bound.metadata?.annotations?.['volume.kubernetes.io/selected-node'], node);
  });

  it('holds pods back for missing and unbound immediate claims', async () => {
    await createPod('waits-for-claim', 'not-yet');
    await until('FailedScheduling', async () =>
      (await eventsFor(c.client, 'default', 'waits-for-claim')).some((e) =>
        e.includes('persistentvolumeclaim "not-yet" not found'),
      ),
    );
    await newClaim('no-volume', { storageClassName: '' });
    await createPod('waits-for-volume', 'no-volume');
    await until('FailedScheduling', async () =>
      (await eventsFor(c.client, 'default', 'waits-for-volume')).some((e) => e.includes(UNBOUND_IMMEDIATE)),
    );
    assert.equal(((await pods.get('default', 'waits-for-volume'))['spec'] as Obj)['nodeName'], undefined);
    // The claim appears (of the default WaitForFirstConsumer class): the pod is retried and placed.
    await newClaim('not-yet', {});
    await nodeOf('waits-for-claim');
  });
});
