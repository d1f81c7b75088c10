/**
 * Bad input on purpose: every malformed or refused request gets the right Kubernetes
 * Status (code, reason, message, causes), the server keeps serving, and nothing is half
 * written. Also authentication (certificates, static tokens, none) and authorization.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Etcd3 } from 'etcd3';
import { apiClientFor } from '../support/api-client.js';
import { startEtcd } from '../support/etcd.js';
import { type RunningServer, startServer } from '../support/server.js';

const CM = '/api/v1/namespaces/default/configmaps';
const cm = (name: string, extra = '') =>
  `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"${name}"${extra}},"data":{"a":"1"}}`;

function status(
  r: { status: number; json(): Record<string, unknown> },
  code: number,
  reason: string,
): Record<string, unknown> {
  const s = r.json();
  assert.equal(r.status, code, JSON.stringify(s));
  assert.equal(s['kind'], 'Status');
  assert.equal(s['status'], 'Failure');
  assert.equal(s['code'], code);
  assert.equal(s['reason'], reason);
  return s;
}

describe('API errors and authentication', () => {
  let server: RunningServer;
  let api: ReturnType<typeof apiClientFor>;
  before(async () => {
    server = await startServer({ args: ['--token-auth-file', '/dev/null'] });
    api = apiClientFor(server.kubeconfig);
  });
  after(async () => {
    await server?.stop();
  });

  it('serves health and version without credentials and refuses everything else with 401', async () => {
    for (const p of ['/healthz', '/livez', '/readyz', '/version']) {
      assert.equal((await api('GET', p, { anonymous: true })).status, 200, p);
    }
    const verbose = await api('GET', '/readyz?verbose', { anonymous: true });
    assert.match(verbose.body, /\[\+\]ping ok/);
    assert.match(verbose.body, /readyz check passed/);
    status(await api('GET', '/api/v1/namespaces', { anonymous: true }), 401, 'Unauthorized');
    status(
      await api('GET', '/api', { anonymous: true, headers: { authorization: 'Bearer nope' } }),
      401,
      'Unauthorized',
    );
    assert.match((await api('GET', '/metrics')).body, /apiserver_request_total\{/);
  });

  it('answers malformed JSON and YAML with 400 and creates nothing', async () => {
    status(await api('POST', CM, { body: '{"apiVersion":"v1",' }), 400, 'BadRequest');
    status(await api('POST', CM, { body: 'a: [b', contentType: 'application/yaml' }), 400, 'BadRequest');
    status(await api('POST', CM, { body: '[1,2]' }), 400, 'BadRequest');
    status(
      await api('POST', CM, { body: '{"kind":"Pod","apiVersion":"v1","metadata":{"name":"x"}}' }),
      400,
      'BadRequest',
    );
    // Every namespace may hold kube-root-ca.crt (the root CA publisher's); nothing else.
    const list = (await api('GET', CM)).json() as { items: { metadata: { name: string } }[] };
    assert.deepEqual(
      list.items.map((i) => i.metadata.name).filter((n) => n !== 'kube-root-ca.crt'),
      [],
    );
  });

  it('refuses a body over 3 MiB with 413', async () => {
    const big = cm('big').replace('"1"', `"${'x'.repeat(3 * 1024 * 1024)}"`);
    status(await api('POST', CM, { body: big }), 413, 'RequestEntityTooLarge');
    status(await api('GET', `${CM}/big`), 404, 'NotFound');
  });

  it('refuses unknown and duplicate fields under Strict, warns under Warn', async () => {
    const strict = status(
      await api('POST', `${CM}?fieldValidation=Strict`, {
        body: cm('s', ',"bogus":1').replace('"data"', '"dataa"'),
      }),
      400,
      'BadRequest',
    );
    assert.match(
      String(strict['message']),
      /^strict decoding error: unknown field "metadata.bogus", unknown field "dataa"$/,
    );
    const dup = status(
      await api('POST', `${CM}?fieldValidation=Strict`, {
        body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"d","name":"e"}}',
      }),
      400,
      'BadRequest',
    );
    assert.match(String(dup['message']), /duplicate field "metadata.name"/);
    const warned = await api('POST', CM, { body: cm('w').replace('"data"', '"dataa"') });
    assert.equal(warned.status, 201);
    assert.match(String(warned.headers['warning']), /unknown field \\"dataa\\"/);
  });

  it('answers invalid names and labels with 422 Invalid and field causes', async () => {
    const s = status(await api('POST', CM, { body: cm('Bad_Name') }), 422, 'Invalid');
    assert.match(
      String(s['message']),
      /^ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/,
    );
    const causes = (s['details'] as { causes: { type: string; field: string }[] }).causes;
    assert.deepEqual(
      causes.map((c) => [c.type, c.field]),
      [['FieldValueInvalid', 'metadata.name']],
    );
    status(await api('POST', CM, { body: cm('ok', ',"labels":{"-bad":"x"}') }), 422, 'Invalid');
    status(await api('POST', CM, { body: cm('x'.repeat(254)) }), 422, 'Invalid');
    const ns = status(
      await api('POST', '/api/v1/namespaces', {
        body: '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a.b"}}',
      }),
      422,
      'Invalid',
    );
    assert.match(String(ns['message']), /^Namespace "a.b" is invalid: metadata.name: Invalid value: "a.b"/);
    status(
      await api('POST', CM, { body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{}}' }),
      422,
      'Invalid',
    );
  });

  it('answers wrong content types, unknown resources and wrong verbs', async () => {
    status(await api('POST', CM, { body: 'x', contentType: 'text/html' }), 415, 'UnsupportedMediaType');
    status(
      await api('PATCH', `${CM}/w`, { body: '{}', contentType: 'application/json' }),
      415,
      'UnsupportedMediaType',
    );
    status(await api('GET', '/api/v1/namespaces/default/widgets'), 404, 'NotFound');
    status(await api('GET', '/apis/nope.example.com/v1/things'), 404, 'NotFound');
    status(await api('POST', `${CM}/w`, { body: cm('w') }), 405, 'MethodNotAllowed');
    status(await api('DELETE', '/api/v1/namespaces'), 405, 'MethodNotAllowed');
    const nf = status(await api('GET', `${CM}/nope`), 404, 'NotFound');
    assert.equal(nf['message'], 'configmaps "nope" not found');
    const dep = status(
      await api('GET', '/apis/apps/v1/namespaces/default/deployments/nope'),
      404,
      'NotFound',
    );
    assert.equal(dep['message'], 'deployments.apps "nope" not found');
    status(await api('POST', CM, { body: cm('w') }), 409, 'AlreadyExists');
    status(await api('POST', '/api/v1/namespaces/missing/configmaps', { body: cm('m') }), 404, 'NotFound');
    status(await api('GET', `${CM}?labelSelector=a%20in%20(`), 400, 'BadRequest');
    status(await api('GET', `${CM}?fieldSelector=spec.bogus%3Dx`), 400, 'BadRequest');
  });

  it('answers a stale resourceVersion with 409 Conflict', async () => {
    const created = await api('POST', CM, { body: cm('cas') });
    const rv = (created.json() as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    const first = JSON.parse(cm('cas', `,"resourceVersion":"${rv}"`)) as Record<
      string,
      Record<string, unknown>
    >;
    first['data'] = { a: '2' };
    assert.equal((await api('PUT', `${CM}/cas`, { body: JSON.stringify(first) })).status, 200);
    first['data'] = { a: '3' };
    const s = status(await api('PUT', `${CM}/cas`, { body: JSON.stringify(first) }), 409, 'Conflict');
    assert.equal(
      s['message'],
      'Operation cannot be fulfilled on configmaps "cas": the object has been modified; please apply your changes to the latest version and try again',
    );
    const now = (await api('GET', `${CM}/cas`)).json() as { data: Record<string, string> };
    assert.deepEqual(now.data, { a: '2' });
  });

  it('authenticates static tokens and refuses users outside system:masters with 403', async () => {
    // The token file is read at start: restart with one.
    const tokens = join(server.dataDir, 'tokens.csv');
    writeFileSync(tokens, 'admintoken,alice,1,"system:masters"\nusertoken,bob,2,"dev,qa"\n');
    const s2 = await startServer({ args: ['--token-auth-file', tokens] });
    try {
      const api2 = apiClientFor(s2.kubeconfig);
      const asAlice = await api2('GET', '/api/v1/namespaces', {
        anonymous: true,
        headers: { authorization: 'Bearer admintoken' },
      });
      assert.equal(asAlice.status, 200);
      const bob = { anonymous: true, headers: { authorization: 'Bearer usertoken' } };
      const f = status(await api2('GET', '/api/v1/namespaces/default/pods', bob), 403, 'Forbidden');
      assert.equal(
        f['message'],
        'pods is forbidden: User "bob" cannot list resource "pods" in API group "" in the namespace "default"',
      );
      const who = await api2('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
        ...bob,
        body: '{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}',
      });
      // Any authenticated user may ask who it is (system:basic-user), as upstream.
      assert.equal(who.status, 201);
      assert.equal(
        (who.json() as { status: { userInfo: { username: string } } }).status.userInfo.username,
        'bob',
      );
    } finally {
      await s2.stop();
    }
  });

  it('is still healthy after all of it', async () => {
    assert.equal((await api('GET', '/readyz', { anonymous: true })).body, 'ok');
  });
});

describe('expired resource versions and continue tokens (etcd)', () => {
  let etcd: Awaited<ReturnType<typeof startEtcd>>;
  let server: RunningServer;
  let api: ReturnType<typeof apiClientFor>;
  before(async () => {
    etcd = await startEtcd();
    server = await startServer({ datastoreEndpoint: etcd.endpoints.join(',') });
    api = apiClientFor(server.kubeconfig);
    // The namespace's kube-root-ca.crt comes from a controller: let it be there first.
    for (let i = 0; i < 100 && (await api('GET', `${CM}/kube-root-ca.crt`)).status !== 200; i++)
      await new Promise((r) => setTimeout(r, 100));
  });
  after(async () => {
    await server?.stop();
    await etcd?.stop();
  });

  it('answers a continue token older than the compaction point with 410 Expired', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await api('POST', CM, { body: cm(`c${i}`) })).status, 201);
    const page = (await api('GET', `${CM}?limit=2`)).json() as {
      metadata: { continue: string; remainingItemCount: number };
    };
    assert.ok(page.metadata.continue);
    // c2, c3, c4 and the namespace's kube-root-ca.crt.
    assert.equal(page.metadata.remainingItemCount, 4);
    const next = (
      await api('GET', `${CM}?limit=2&continue=${encodeURIComponent(page.metadata.continue)}`)
    ).json() as {
      items: { metadata: { name: string } }[];
    };
    assert.deepEqual(
      next.items.map((i) => i.metadata.name),
      ['c2', 'c3'],
    );
    // Write more, then compact etcd past the token's revision, as the compactor would.
    await api('POST', CM, { body: cm('later') });
    const client = new Etcd3({ hosts: etcd.endpoints });
    try {
      const rev = (await client.get('/anything').exec()).header.revision;
      await client.kv.compact({ revision: rev });
    } finally {
      client.close();
    }
    status(
      await api('GET', `${CM}?limit=2&continue=${encodeURIComponent(page.metadata.continue)}`),
      410,
      'Expired',
    );
    status(await api('GET', `${CM}?limit=2&continue=not-a-token`), 400, 'BadRequest');
  });

  it('ends a watch from a resourceVersion older than the cache with a 410 ERROR event', async () => {
    const r = await api('GET', `${CM}?watch=true&resourceVersion=1&timeoutSeconds=5`);
    assert.equal(r.status, 200);
    const events = r.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; object: Record<string, unknown> });
    const last = events[events.length - 1]!;
    if (last.type === 'ERROR') {
      assert.equal(last.object['code'], 410);
      assert.equal(last.object['reason'], 'Expired');
    } else {
      // The cache still holds every event since revision 1: a full replay is also correct.
      assert.ok(events.every((e) => e.type === 'ADDED' || e.type === 'MODIFIED' || e.type === 'DELETED'));
    }
  });
});

describe('HorizontalPodAutoscalers in autoscaling v1 and v2', () => {
  let server: RunningServer;
  let api: ReturnType<typeof apiClientFor>;
  before(async () => {
    server = await startServer();
    api = apiClientFor(server.kubeconfig);
  });
  after(async () => {
    await server?.stop();
  });

  it('stores one object, converting between the versions', async () => {
    const v1 = {
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        maxReplicas: 5,
        targetCPUUtilizationPercentage: 60,
      },
    };
    const created = await api('POST', '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers', {
      body: JSON.stringify(v1),
    });
    assert.equal(created.status, 201, created.body);
    assert.equal((created.json() as { apiVersion: string }).apiVersion, 'autoscaling/v1');
    const asV2 = (
      await api('GET', '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/web')
    ).json() as {
      apiVersion: string;
      spec: { minReplicas: number; metrics: { resource: { target: { averageUtilization: number } } }[] };
    };
    assert.equal(asV2.apiVersion, 'autoscaling/v2');
    assert.equal(asV2.spec.minReplicas, 1);
    assert.equal(asV2.spec.metrics[0]!.resource.target.averageUtilization, 60);
    const patched = await api(
      'PATCH',
      '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers/web',
      {
        body: '{"spec":{"targetCPUUtilizationPercentage":70}}',
        contentType: 'application/merge-patch+json',
      },
    );
    assert.equal(patched.status, 200, patched.body);
    const list = (
      await api('GET', '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers')
    ).json() as {
      items: { apiVersion: string; spec: Record<string, unknown> }[];
    };
    assert.equal(list.items[0]!.spec['targetCPUUtilizationPercentage'], 70);
    assert.equal(list.items[0]!.spec['metrics'], undefined);
  });
});
