/**
 * LIST as a stream: a list larger than one stream chunk arrives whole and in key order
 * over HTTP/2 and HTTP/1.1 (chunked), with the list envelope of a JSON list, and the same
 * items as paging through it with limit/continue.
 */
import assert from 'node:assert/strict';
import { request as httpsRequest } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { Client } from '../../client/client.js';
import { HttpsTransport } from '../../client/https.js';
import { startTestApiServer, type TestApiServer } from '../testing.js';

interface CmList {
  kind: string;
  apiVersion: string;
  metadata: { resourceVersion: string; continue?: string };
  items: { metadata: { name: string }; data: { blob: string } }[];
}

describe('streamed LIST', () => {
  let t: TestApiServer;
  let http: HttpsTransport;
  const NS = 'stream';
  const COUNT = 400;
  const BLOB = 'x'.repeat(8 * 1024); // 400 x 8 KiB: about three stream chunks

  before(async () => {
    t = await startTestApiServer();
    http = new HttpsTransport({
      server: t.server.url,
      caPem: t.server.pki.caCertPem,
      certPem: t.server.pki.adminCertPem,
      keyPem: t.server.pki.adminKeyPem,
    });
    const client = new Client(http);
    await client
      .resource('', 'v1', 'namespaces')
      .create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    const cms = client.resource('', 'v1', 'configmaps');
    for (let i = 0; i < COUNT; i++) {
      await cms.create(NS, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `cm-${String(i).padStart(4, '0')}` },
        data: { blob: BLOB },
      });
    }
  });
  after(async () => {
    http.close();
    await t.close();
  });

  const path = `/api/v1/namespaces/${NS}/configmaps`;
  const expected = Array.from({ length: COUNT }, (_, i) => `cm-${String(i).padStart(4, '0')}`);
  const ours = (l: CmList) => l.items.map((i) => i.metadata.name).filter((n) => n.startsWith('cm-'));

  it('sends every item in order over HTTP/2', async () => {
    const res = await http.request('GET', path);
    assert.equal(res.status, 200);
    assert.ok(res.body.length > 3 * 1024 * 1024);
    const list = JSON.parse(res.body.toString('utf8')) as CmList;
    assert.equal(list.kind, 'ConfigMapList');
    assert.equal(list.apiVersion, 'v1');
    assert.match(list.metadata.resourceVersion, /^[0-9]+$/);
    assert.deepEqual(ours(list), expected);
    assert.ok(list.items.every((i) => i.data.blob === BLOB || !i.metadata.name.startsWith('cm-')));
  });

  it('sends every item in order over HTTP/1.1 with chunked encoding', async () => {
    const url = new URL(t.server.url);
    const { status, encoding, body } = await new Promise<{ status: number; encoding: string; body: string }>(
      (resolve, reject) => {
        const req = httpsRequest(
          {
            host: url.hostname,
            port: url.port,
            path,
            ca: t.server.pki.caCertPem,
            cert: t.server.pki.adminCertPem,
            key: t.server.pki.adminKeyPem,
            headers: { accept: 'application/json' },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                encoding: String(res.headers['transfer-encoding']),
                body: Buffer.concat(chunks).toString('utf8'),
              }),
            );
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end();
      },
    );
    assert.equal(status, 200);
    assert.equal(encoding, 'chunked');
    assert.deepEqual(ours(JSON.parse(body) as CmList), expected);
  });

  it('gives the same items as paging through the list', async () => {
    const names: string[] = [];
    let cont = '';
    let rv = '';
    for (let page = 0; page < 100; page++) {
      const res = await http.request(
        'GET',
        `${path}?limit=150${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`,
      );
      assert.equal(res.status, 200);
      const list = JSON.parse(res.body.toString('utf8')) as CmList;
      if (rv) assert.equal(list.metadata.resourceVersion, rv);
      rv = list.metadata.resourceVersion;
      names.push(...ours(list));
      cont = list.metadata.continue ?? '';
      if (!cont) break;
    }
    assert.equal(cont, '');
    assert.deepEqual(names, expected);
  });
});
