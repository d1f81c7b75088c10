/**
 * The persistentvolume-binder (with the local-path provisioner where provisioning is
 * tested) against a real API server: static binding (match, smallest fit, mismatches stay
 * Pending), pre-bound volumes and claims, Released and reclaim on claim deletion, and
 * WaitForFirstConsumer claims that wait, then get provisioned and bound once a node is
 * selected.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ResourceClient } from '../../client/client.js';
import { isNotFound } from '../../client/errors.js';
import type { KObject } from '../../registry/types.js';
import {
  eventsFor,
  patchRetrying,
  type RunningControllers,
  runControllers,
  startTestCluster,
  type TestCluster,
  until,
} from '../framework/testing.js';
import { LocalPathProvisioner } from '../localpath/controller.js';
import { PersistentVolumeBinder } from './controller.js';

type Obj = Record<string, unknown>;
const NS = 'default';

function pv(name: string, size: string, extra: Obj = {}): KObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name },
    spec: {
      capacity: { storage: size },
      accessModes: ['ReadWriteOnce'],
      storageClassName: '',
      hostPath: { path: `/tmp/${name}` },
      ...extra,
    },
  };
}

function pvc(name: string, size: string, extra: Obj = {}): KObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } }, ...extra },
  };
}

const spec = (o: KObject) => (o['spec'] ?? {}) as Obj;
const phaseOf = (o: KObject) => String(((o['status'] ?? {}) as Obj)['phase'] ?? '');

describe('persistentvolume-binder', () => {
  let c: TestCluster;
  let run: RunningControllers;
  let pvs: ResourceClient;
  let pvcs: ResourceClient;
  let root: string;

  before(async () => {
    c = await startTestCluster();
    root = mkdtempSync(join(tmpdir(), 'k8ts-localpath-'));
    run = runControllers(c.client, (ctx) => [
      new PersistentVolumeBinder(ctx),
      new LocalPathProvisioner(ctx, { storageRoot: root }),
    ]);
    pvs = c.client.resource('', 'v1', 'persistentvolumes');
    pvcs = c.client.resource('', 'v1', 'persistentvolumeclaims');
  });
  after(async () => {
    await run.stop();
    await c.close();
    rmSync(root, { recursive: true, force: true });
  });

  const claimIn = (name: string, ph: string) =>
    until(`claim ${name} ${ph}`, async () => {
      const o = await pvcs.get(NS, name);
      return phaseOf(o) === ph ? o : undefined;
    });
  const volumeIn = (name: string, ph: string) =>
    until(`volume ${name} ${ph}`, async () => {
      const o = await pvs.get(undefined, name);
      return phaseOf(o) === ph ? o : undefined;
    });
  const eventually = (what: string, name: string, line: string) =>
    until(what, async () => (await eventsFor(c.client, NS, name)).includes(line));

  it('binds a claim to the smallest fitting volume and leaves mismatches Pending', async () => {
    await pvs.create(undefined, pv('static-5g', '5Gi'));
    await pvs.create(undefined, pv('static-2g', '2Gi'));
    await pvs.create(undefined, pv('static-rox', '1Gi', { accessModes: ['ReadOnlyMany'] }));
    await pvs.create(undefined, pv('static-fast', '1Gi', { storageClassName: 'fast' }));
    await volumeIn('static-2g', 'Available');
    await pvcs.create(NS, pvc('want-1g', '1Gi', { storageClassName: '' }));
    const bound = await claimIn('want-1g', 'Bound');
    assert.equal(spec(bound)['volumeName'], 'static-2g', 'the smallest volume that fits');
    assert.equal(bound.metadata?.annotations?.['pv.kubernetes.io/bind-completed'], 'yes');
    assert.equal(bound.metadata?.annotations?.['pv.kubernetes.io/bound-by-controller'], 'yes');
    const st = bound['status'] as Obj;
    assert.deepEqual(st['capacity'], { storage: '2Gi' });
    assert.deepEqual(st['accessModes'], ['ReadWriteOnce']);
    const vol = await volumeIn('static-2g', 'Bound');
    const ref = spec(vol)['claimRef'] as Obj;
    assert.equal(ref['name'], 'want-1g');
    assert.equal(ref['uid'], bound.metadata?.uid);
    assert.equal(vol.metadata?.annotations?.['pv.kubernetes.io/bound-by-controller'], 'yes');

    // Too big for anything left of class "", and a class no volume has.
    await pvcs.create(NS, pvc('want-20g', '20Gi', { storageClassName: '' }));
    await pvcs.create(NS, pvc('want-gold', '1Gi', { storageClassName: 'gold' }));
    await eventually(
      'FailedBinding',
      'want-20g',
      'FailedBinding: no persistent volumes available for this claim and no storage class is set',
    );
    await eventually(
      'ProvisioningFailed',
      'want-gold',
      'ProvisioningFailed: storageclass.storage.k8s.io "gold" not found',
    );
    for (const n of ['want-20g', 'want-gold']) assert.equal(phaseOf(await pvcs.get(NS, n)), 'Pending');
    assert.equal(
      phaseOf(await pvs.get(undefined, 'static-rox')),
      'Available',
      'access modes must contain the claim’s',
    );
    assert.equal(phaseOf(await pvs.get(undefined, 'static-5g')), 'Available');
  });

  it('honours volumes pre-bound to a claim and claims naming a volume', async () => {
    await pvs.create(
      undefined,
      pv('reserved', '3Gi', { claimRef: { namespace: NS, name: 'gets-reserved' } }),
    );
    await pvs.create(undefined, pv('named', '1Gi'));
    await volumeIn('reserved', 'Available');
    await pvcs.create(NS, pvc('gets-reserved', '1Gi', { storageClassName: '' }));
    await pvcs.create(NS, pvc('names-it', '1Gi', { storageClassName: '', volumeName: 'named' }));
    const a = await claimIn('gets-reserved', 'Bound');
    assert.equal(spec(a)['volumeName'], 'reserved');
    assert.equal(a.metadata?.annotations?.['pv.kubernetes.io/bound-by-controller'], 'yes');
    const ra = await volumeIn('reserved', 'Bound');
    assert.equal((spec(ra)['claimRef'] as Obj)['uid'], a.metadata?.uid);
    assert.equal(ra.metadata?.annotations?.['pv.kubernetes.io/bound-by-controller'], undefined);
    const b = await claimIn('names-it', 'Bound');
    assert.equal(b.metadata?.annotations?.['pv.kubernetes.io/bound-by-controller'], undefined);
    const rb = await volumeIn('named', 'Bound');
    assert.equal((spec(rb)['claimRef'] as Obj)['name'], 'names-it');
    assert.equal(rb.metadata?.annotations?.['pv.kubernetes.io/bound-by-controller'], 'yes');

    // A claim naming a volume that cannot serve it stays Pending with a VolumeMismatch event.
    await pvs.create(undefined, pv('tiny', '100Mi'));
    await pvcs.create(NS, pvc('names-tiny', '1Gi', { storageClassName: '', volumeName: 'tiny' }));
    await eventually(
      'VolumeMismatch',
      'names-tiny',
      'VolumeMismatch: Cannot bind to requested volume "tiny": requested PV is too small',
    );
    assert.equal(phaseOf(await pvcs.get(NS, 'names-tiny')), 'Pending');
  });

  it('releases a volume whose claim is deleted and reclaims it by policy', async () => {
    await pvs.create(undefined, pv('kept', '1Gi', { storageClassName: 'keep' }));
    await pvs.create(
      undefined,
      pv('dropped', '1Gi', { storageClassName: 'drop', persistentVolumeReclaimPolicy: 'Delete' }),
    );
    await pvcs.create(NS, pvc('uses-kept', '1Gi', { storageClassName: 'keep' }));
    await pvcs.create(NS, pvc('uses-dropped', '1Gi', { storageClassName: 'drop' }));
    await claimIn('uses-kept', 'Bound');
    await claimIn('uses-dropped', 'Bound');
    await pvcs.delete(NS, 'uses-kept');
    await pvcs.delete(NS, 'uses-dropped');
    const kept = await volumeIn('kept', 'Released');
    assert.equal((spec(kept)['claimRef'] as Obj)['name'], 'uses-kept', 'Released keeps its claimRef');
    const failed = await volumeIn('dropped', 'Failed');
    assert.match(String((failed['status'] as Obj)['message']), /no deletable volume plugin matched/);

    // A user clearing the claimRef makes the volume Available again.
    await patchRetrying(pvs, '', 'kept', { spec: { claimRef: null } });
    await volumeIn('kept', 'Available');
  });

  it('waits for the first consumer, then provisions a local-path volume and binds it', async () => {
    const created = await pvcs.create(NS, pvc('data', '1Gi'));
    assert.equal(spec(created)['storageClassName'], 'local-path', 'the default class is admitted');
    await eventually(
      'WaitForFirstConsumer',
      'data',
      'WaitForFirstConsumer: waiting for first consumer to be created before binding',
    );
    assert.equal(phaseOf(await pvcs.get(NS, 'data')), 'Pending');
    await assert.rejects(pvs.get(undefined, `pvc-${created.metadata?.uid}`), isNotFound);

    await patchRetrying(pvcs, NS, 'data', {
      metadata: { annotations: { 'volume.kubernetes.io/selected-node': 'node-a' } },
    });
    const bound = await claimIn('data', 'Bound');
    const uid = created.metadata?.uid;
    assert.equal(spec(bound)['volumeName'], `pvc-${uid}`);
    assert.equal(
      bound.metadata?.annotations?.['volume.kubernetes.io/storage-provisioner'],
      'k8ts.io/local-path',
    );
    assert.equal(
      bound.metadata?.annotations?.['volume.beta.kubernetes.io/storage-provisioner'],
      'k8ts.io/local-path',
    );
    const vol = await volumeIn(`pvc-${uid}`, 'Bound');
    const s = spec(vol);
    assert.deepEqual(s['capacity'], { storage: '1Gi' });
    assert.deepEqual(s['accessModes'], ['ReadWriteOnce']);
    assert.deepEqual(s['hostPath'], { path: `${root}/pvc-${uid}_${NS}_data`, type: 'DirectoryOrCreate' });
    assert.equal(s['storageClassName'], 'local-path');
    assert.equal(s['persistentVolumeReclaimPolicy'], 'Delete');
    assert.deepEqual(s['nodeAffinity'], {
      required: {
        nodeSelectorTerms: [
          { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-a'] }] },
        ],
      },
    });
    assert.equal((s['claimRef'] as Obj)['uid'], uid);
    assert.equal(vol.metadata?.annotations?.['pv.kubernetes.io/provisioned-by'], 'k8ts.io/local-path');
    assert.equal(vol.metadata?.annotations?.['k8ts.io/local-path'], 'true');
    const events = await eventsFor(c.client, NS, 'data');
    for (const reason of ['ExternalProvisioning', 'Provisioning', 'ProvisioningSucceeded'])
      assert.ok(
        events.some((e) => e.startsWith(`${reason}: `)),
        events.join('\n'),
      );
    assert.ok(
      events.includes(`ProvisioningSucceeded: Successfully provisioned volume pvc-${uid}`),
      events.join('\n'),
    );

    // Delete policy: the provisioner deletes the Released volume.
    await pvcs.delete(NS, 'data');
    await until('provisioned volume deleted', async () => {
      try {
        await pvs.get(undefined, `pvc-${uid}`);
        return false;
      } catch (err) {
        return isNotFound(err);
      }
    });
  });

  it('refuses to provision ReadWriteMany local-path claims', async () => {
    await pvcs.create(
      NS,
      pvc('shared', '1Gi', {
        accessModes: ['ReadWriteMany'],
      }),
    );
    await patchRetrying(pvcs, NS, 'shared', {
      metadata: { annotations: { 'volume.kubernetes.io/selected-node': 'node-a' } },
    });
    await eventually(
      'ProvisioningFailed',
      'shared',
      'ProvisioningFailed: failed to provision volume with StorageClass "local-path": NodePath only supports ReadWriteOnce and ReadWriteOncePod (1.22+) access modes',
    );
    assert.equal(phaseOf(await pvcs.get(NS, 'shared')), 'Pending');
  });
});
