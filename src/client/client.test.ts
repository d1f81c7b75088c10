/** The client over both transports (in-process and HTTPS) against a real API server on SQLite. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ApiServer } from '../apiserver/server.js';
import { startTestApiServer, type TestApiServer } from '../apiserver/testing.js';
import { Client } from './client.js';
import { ApiStatusError, isNotFound } from './errors.js';
import { HttpsTransport } from './https.js';
import { InProcessTransport } from './inprocess.js';

const MASTER = { name: 'system:kube-controller-manager', groups: ['system:masters'] };

describe('client', () => {
  let t: TestApiServer;
  let server: ApiServer;
  before(async () => {
    t = await startTestApiServer();
    server = t.server;
  });
  after(() => t.close());

  const transports = {
    'in-process': () => new InProcessTransport(server.handler, MASTER),
    https: () =>
      new HttpsTransport({
        server: server.url,
        caPem: server.pki.caCertPem,
        certPem: server.pki.adminCertPem,
        keyPem: server.pki.adminKeyPem,
      }),
  };

  for (const [name, make] of Object.entries(transports)) {
    describe(name, () => {
      let client: Client;
      before(() => {
        client = new Client(make());
      });
      after(() => client.close());

      it('creates, reads, lists, updates, patches and deletes', async () => {
        const cms = client.resource('', 'v1', 'configmaps');
        const ns = `t-${name}`;
        await client
          .resource('', 'v1', 'namespaces')
          .create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
        const created = await cms.create(ns, {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'a', labels: { k: 'v' } },
          data: { x: '1' },
        });
        assert.ok(created.metadata?.uid);
        const got = await cms.get(ns, 'a');
        assert.equal(got.metadata?.resourceVersion, created.metadata?.resourceVersion);
        const list = await cms.list(ns, { labelSelector: 'k=v' });
        assert.deepEqual(
          list.items.map((i) => i.metadata?.name),
          ['a'],
        );
        got['data'] = { x: '2' };
        const updated = await cms.update(got);
        assert.deepEqual(updated['data'], { x: '2' });
        const patched = await cms.patch(ns, 'a', { data: { y: '3' } });
        assert.deepEqual(patched['data'], { x: '2', y: '3' });
        await cms.delete(ns, 'a');
        await assert.rejects(
          cms.get(ns, 'a'),
          (e) => isNotFound(e) && (e as ApiStatusError).reason === 'NotFound',
        );
      });

      it('watches changes as they happen', async () => {
        const cms = client.resource('', 'v1', 'configmaps');
        const ac = new AbortController();
        const start = await cms.list('default');
        const seen: string[] = [];
        const done = (async () => {
          for await (const ev of cms.watch(
            'default',
            { resourceVersion: start.metadata.resourceVersion },
            ac.signal,
          )) {
            seen.push(`${ev.type} ${ev.object.metadata?.name}`);
            if (seen.length === 3) ac.abort();
          }
        })();
        const c = await cms.create('default', {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: `w-${name}` },
        });
        await cms.patch('default', c.metadata!.name!, { data: { a: '1' } });
        await cms.delete('default', c.metadata!.name!);
        const timer = setTimeout(() => ac.abort(), 10_000);
        await done;
        clearTimeout(timer);
        assert.deepEqual(seen, [`ADDED w-${name}`, `MODIFIED w-${name}`, `DELETED w-${name}`]);
      });
    });
  }

  it('in-process calls are authorized as the user they carry', async () => {
    const nobody = new Client(new InProcessTransport(server.handler, { name: 'nobody', groups: [] }));
    await assert.rejects(
      nobody.resource('', 'v1', 'pods').list('default'),
      (e) => e instanceof ApiStatusError && e.code === 403,
    );
  });
});
