/** RevisionStore against a real API server (SQLite): reuse, renumbering, collisions and pruning. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ApiServer } from '../../apiserver/server.js';
import { Client, type ResourceClient } from '../../client/client.js';
import { InProcessTransport } from '../../client/inprocess.js';
import { SqliteStore } from '../../storage/sqlite/store.js';
import { buildRevision, type Revision, revisionHash, templatePatch } from './revision.js';
import { RevisionStore } from './store.js';

const NS = 'history-test';
const owner = {
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'ds', namespace: NS, uid: 'u1' },
};
const ref = { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'ds', uid: 'u1', controller: true };
const spec = (image: string) => ({
  owner,
  ref,
  templateLabels: { app: 'd' },
  annotations: undefined,
  data: templatePatch({ metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image }] } }),
});

describe('RevisionStore', () => {
  let dir: string;
  let store: SqliteStore;
  let server: ApiServer;
  let client: Client;
  let revisions: ResourceClient;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'k8ts-history-'));
    store = SqliteStore.open(join(dir, 'db', 'state.db'));
    server = await ApiServer.start({
      dataDir: dir,
      store,
      bindAddress: '127.0.0.1',
      port: 0,
      tlsSans: [],
      serviceIP: '10.43.0.1',
      log: () => {},
    });
    client = new Client(new InProcessTransport(server.handler, { name: 'test', groups: ['system:masters'] }));
    await client
      .resource('', 'v1', 'namespaces')
      .create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    revisions = client.resource('apps', 'v1', 'controllerrevisions');
  });

  after(async () => {
    await server.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const list = async () => (await revisions.list(NS)).items as Revision[];

  it('creates, reuses and renumbers revisions', async () => {
    const history = new RevisionStore(revisions);
    const r1 = await history.ensure([], spec('a'), 0);
    assert.equal(r1.revision.revision, 1);
    assert.equal(r1.collisionCount, 0);
    assert.equal(r1.revision.metadata?.name, `ds-${revisionHash(spec('a').data, 0)}`);
    const again = await history.ensure(await list(), spec('a'), 0);
    assert.equal(again.revision.metadata?.name, r1.revision.metadata?.name, 'the same template reuses it');
    const r2 = await history.ensure(await list(), spec('b'), 0);
    assert.equal(r2.revision.revision, 2);
    const back = await history.ensure(await list(), spec('a'), 0);
    assert.equal(back.revision.metadata?.name, r1.revision.metadata?.name);
    assert.equal(back.revision.revision, 3, 'a rollback renumbers the old revision');
    assert.equal((await list()).length, 2);
  });

  it('moves to the next collision count when the name holds other data', async () => {
    const other = { ...owner, metadata: { ...owner.metadata, name: 'other', uid: 'u2' } };
    const s = { ...spec('c'), owner: other, ref: { ...ref, name: 'other', uid: 'u2' } };
    // Another revision squats on the name collision count 0 would give.
    const squatter = buildRevision({ ...s, revision: 9 }, 0);
    squatter.data = { something: 'else' };
    await revisions.create(NS, squatter);
    const got = await new RevisionStore(revisions).ensure([], s, 0);
    assert.equal(got.collisionCount, 1);
    assert.equal(got.revision.metadata?.name, `other-${revisionHash(s.data, 1)}`);
  });

  it('prunes old revisions that are not live', async () => {
    const history = new RevisionStore(revisions);
    const mine = (await list()).filter((r) => r.metadata?.ownerReferences?.[0]?.uid === 'u1');
    const newest = mine.reduce((a, b) => ((a.revision ?? 0) > (b.revision ?? 0) ? a : b));
    const pruned = await history.prune(mine, (r) => r.metadata?.name === newest.metadata?.name, 0);
    assert.equal(pruned, 1);
    const left = (await list()).filter((r) => r.metadata?.ownerReferences?.[0]?.uid === 'u1');
    assert.deepEqual(
      left.map((r) => r.metadata?.name),
      [newest.metadata?.name],
    );
  });
});
