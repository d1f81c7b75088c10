/**
 * DefaultStorageClass against a real API server: the bootstrap `local-path` class is the
 * default; claims without a class get the newest default, an explicit "" stays "", and no
 * default means no class. Bootstrapping again leaves a user's edits of the class alone.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bootstrap } from '../../apiserver/bootstrap.js';
import { startTestApiServer, type TestApiServer } from '../../apiserver/testing.js';
import type { ResourceClient } from '../../client/client.js';
import type { KObject } from '../types.js';

type Obj = Record<string, unknown>;

const claim = (name: string, spec: Obj = {}): KObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec },
});

const classOf = (o: KObject) => ((o['spec'] ?? {}) as Obj)['storageClassName'];

describe('DefaultStorageClass admission', () => {
  let api: TestApiServer;
  let classes: ResourceClient;
  let pvcs: ResourceClient;
  before(async () => {
    api = await startTestApiServer();
    classes = api.client().resource('storage.k8s.io', 'v1', 'storageclasses');
    pvcs = api.client().resource('', 'v1', 'persistentvolumeclaims');
  });
  after(() => api.close());

  /**
   * The class a new claim gets, creating claims until it is `want` (admission reads the
   * watch cache, which may lag a write just made; bounded).
   */
  async function classOfNew(prefix: string, want: unknown): Promise<unknown> {
    let got: unknown;
    for (let i = 0; i < 50; i++) {
      got = classOf(await pvcs.create('default', claim(`${prefix}-${i}`)));
      if (got === want) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    return got;
  }

  it('starts with local-path as the default class', async () => {
    const sc = await classes.get(undefined, 'local-path');
    assert.equal(sc['provisioner'], 'k8ts.io/local-path');
    assert.equal(sc['volumeBindingMode'], 'WaitForFirstConsumer');
    assert.equal(sc['reclaimPolicy'], 'Delete');
    assert.equal(sc.metadata?.annotations?.['storageclass.kubernetes.io/is-default-class'], 'true');
  });

  it('gives class-less claims the newest default class and leaves "" alone', async () => {
    assert.equal(classOf(await pvcs.create('default', claim('plain'))), 'local-path');
    assert.equal(classOf(await pvcs.create('default', claim('none', { storageClassName: '' }))), '');
    assert.equal(classOf(await pvcs.create('default', claim('chosen', { storageClassName: 'x' }))), 'x');
    // Created after local-path (or in the same second, and first by name): the newest default.
    await classes.create(undefined, {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'a-fast', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'example.com/fast',
    });
    assert.equal(await classOfNew('newest', 'a-fast'), 'a-fast');
  });

  it('sets no class when there is no default, and bootstrap keeps the user’s edits', async () => {
    for (const name of ['a-fast', 'local-path']) {
      await classes.patch(undefined, name, {
        metadata: { annotations: { 'storageclass.kubernetes.io/is-default-class': 'false' } },
      });
    }
    assert.equal(await classOfNew('nodefault', undefined), undefined);
    await bootstrap(api.server.registry, {
      serviceIP: '10.43.0.1',
      securePort: 6443,
      advertiseAddress: '127.0.0.1',
    });
    const sc = await classes.get(undefined, 'local-path');
    assert.equal(sc.metadata?.annotations?.['storageclass.kubernetes.io/is-default-class'], 'false');
  });
});
