/**
 * Ingress validation and columns through a real API server: the Status of a path without
 * pathType, a relative Prefix path and a backend without a port; the Table kubectl gets.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApiServer, type TestApiServer } from '../../../apiserver/testing.js';
import type { ResourceClient } from '../../../client/client.js';
import { ApiStatusError } from '../../../client/errors.js';

describe('Ingress strategy', () => {
  let api: TestApiServer;
  let ingresses: ResourceClient;
  before(async () => {
    api = await startTestApiServer();
    ingresses = api.client().resource('networking.k8s.io', 'v1', 'ingresses');
  });
  after(() => api.close());

  const rule = (path: Record<string, unknown>) => ({
    rules: [{ host: 'a.example.com', http: { paths: [path] } }],
  });

  test('refuses paths and backends a controller could not serve', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [
        rule({ path: '/', backend: { service: { name: 'web', port: { number: 80 } } } }),
        'spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified',
      ],
      [
        rule({
          path: 'api',
          pathType: 'Prefix',
          backend: { service: { name: 'web', port: { number: 80 } } },
        }),
        'spec.rules[0].http.paths[0].path: Invalid value: "api": must be an absolute path',
      ],
      [
        rule({ path: '/', pathType: 'Regex', backend: { service: { name: 'web', port: { number: 80 } } } }),
        'spec.rules[0].http.paths[0].pathType: Unsupported value: "Regex": supported values: "Exact", "ImplementationSpecific", "Prefix"',
      ],
      [
        rule({ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: {} } } }),
        'spec.rules[0].http.paths[0].backend.service.port: Invalid value: "": port name or number is required',
      ],
    ];
    for (const [spec, message] of cases) {
      await assert.rejects(ingresses.create('default', { metadata: { name: 'bad' }, spec }), (err) => {
        assert.ok(err instanceof ApiStatusError);
        assert.equal(err.code, 422);
        assert.equal(err.message, `Ingress.networking.k8s.io "bad" is invalid: ${message}`);
        return true;
      });
    }
  });

  test('kubectl columns: class, hosts, address, ports', async () => {
    await ingresses.create('default', {
      metadata: { name: 'web' },
      spec: {
        ingressClassName: 'k8ts',
        tls: [{ hosts: ['a.example.com'], secretName: 'tls' }],
        ...rule({
          path: '/',
          pathType: 'Prefix',
          backend: { service: { name: 'web', port: { number: 80 } } },
        }),
      },
    });
    await ingresses.patch(
      'default',
      'web',
      { status: { loadBalancer: { ingress: [{ ip: '127.0.0.1' }] } } },
      'merge',
      { subresource: 'status' },
    );
    const res = await api.client().transport.request('GET', `${ingresses.path('default', 'web')}`, {
      accept: 'application/json;as=Table;v=v1;g=meta.k8s.io',
    });
    const table = JSON.parse(res.body.toString()) as {
      columnDefinitions: { name: string }[];
      rows: { cells: unknown[] }[];
    };
    assert.deepEqual(
      table.columnDefinitions.map((c) => c.name),
      ['Name', 'Class', 'Hosts', 'Address', 'Ports', 'Age'],
    );
    assert.deepEqual(table.rows[0]?.cells.slice(0, 5), [
      'web',
      'k8ts',
      'a.example.com',
      '127.0.0.1',
      '80, 443',
    ]);
  });
});
