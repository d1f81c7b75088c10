/**
 * Building the routing table from cluster objects: class selection, backend resolution
 * through Services and EndpointSlices, precedence between Ingresses, the default backend,
 * TLS host mapping, and the problems reported for what is skipped.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KObject } from '../registry/types.js';
import { resolveBackend } from './backends.js';
import { isServed, selectClasses } from './class.js';
import { lookup } from './match.js';
import { buildTable, type TableSources } from './table.js';
import { CONTROLLER_NAME, DEFAULT_CLASS_ANNOTATION, LEGACY_CLASS_ANNOTATION } from './types.js';

const ingressClass = (
  name: string,
  controller: string,
  isDefault = false,
  created = '2024-01-01T00:00:00Z',
) => ({
  metadata: {
    name,
    creationTimestamp: created,
    ...(isDefault ? { annotations: { [DEFAULT_CLASS_ANNOTATION]: 'true' } } : {}),
  },
  spec: { controller },
});

const K8TS = ingressClass('k8ts', CONTROLLER_NAME, true);

function ingress(
  name: string,
  spec: Record<string, unknown>,
  opts: { ns?: string; created?: string; annotations?: Record<string, string> } = {},
): KObject {
  return {
    metadata: {
      name,
      namespace: opts.ns ?? 'default',
      creationTimestamp: opts.created ?? '2024-01-01T00:00:00Z',
      resourceVersion: '1',
      ...(opts.annotations ? { annotations: opts.annotations } : {}),
    },
    spec,
  };
}

const path = (p: string, service: string, port: number | string = 80, pathType = 'Prefix') => ({
  path: p,
  pathType,
  backend: { service: { name: service, port: typeof port === 'number' ? { number: port } : { name: port } } },
});

function service(name: string, ports: { name?: string; port: number }[], ns = 'default'): KObject {
  return { metadata: { name, namespace: ns }, spec: { ports } };
}

function slice(
  svc: string,
  ports: { name?: string; port: number }[],
  endpoints: { ip: string; ready?: boolean }[],
  ns = 'default',
): KObject {
  return {
    metadata: { name: `${svc}-x`, namespace: ns, labels: { 'kubernetes.io/service-name': svc } },
    addressType: 'IPv4',
    ports,
    endpoints: endpoints.map((e) => ({
      addresses: [e.ip],
      conditions: e.ready === undefined ? {} : { ready: e.ready },
    })),
  };
}

function sources(objs: {
  ingresses: KObject[];
  classes?: KObject[];
  services?: KObject[];
  slices?: KObject[];
  secrets?: KObject[];
}): TableSources {
  const byName = (list: KObject[] | undefined) => (ns: string, name: string) =>
    list?.find((o) => o.metadata?.namespace === ns && o.metadata?.name === name);
  return {
    ingresses: objs.ingresses,
    classes: objs.classes ?? [K8TS],
    service: byName(objs.services),
    slices: (ns, svc) =>
      (objs.slices ?? []).filter(
        (s) => s.metadata?.namespace === ns && s.metadata?.labels?.['kubernetes.io/service-name'] === svc,
      ),
    secret: byName(objs.secrets),
  };
}

const WEB = service('web', [{ name: 'http', port: 80 }]);
const WEB_SLICE = slice('web', [{ name: 'http', port: 8080 }], [{ ip: '10.42.0.5' }, { ip: '10.42.0.6' }]);

describe('class selection', () => {
  it('serves Ingresses of classes whose controller is ours, by field or legacy annotation', () => {
    const sel = selectClasses([
      K8TS,
      ingressClass('nginx', 'k8s.io/ingress-nginx'),
      ingressClass('mine', CONTROLLER_NAME),
    ]);
    assert.deepEqual([...sel.ours].sort(), ['k8ts', 'mine']);
    assert.ok(isServed(ingress('a', { ingressClassName: 'k8ts' }), sel));
    assert.ok(isServed(ingress('a', { ingressClassName: 'mine' }), sel));
    assert.ok(!isServed(ingress('a', { ingressClassName: 'nginx' }), sel));
    assert.ok(!isServed(ingress('a', { ingressClassName: 'missing' }), sel));
    assert.ok(isServed(ingress('a', {}, { annotations: { [LEGACY_CLASS_ANNOTATION]: 'k8ts' } }), sel));
    assert.ok(!isServed(ingress('a', {}, { annotations: { [LEGACY_CLASS_ANNOTATION]: 'nginx' } }), sel));
  });

  it('serves class-less Ingresses only while our class is the default', () => {
    const bare = ingress('a', {});
    assert.ok(isServed(bare, selectClasses([K8TS])));
    assert.ok(!isServed(bare, selectClasses([ingressClass('k8ts', CONTROLLER_NAME, false)])));
    assert.ok(!isServed(bare, selectClasses([])));
    // With two defaults the most recently created one is the default.
    const newer = ingressClass('nginx', 'k8s.io/ingress-nginx', true, '2025-01-01T00:00:00Z');
    assert.ok(!isServed(bare, selectClasses([K8TS, newer])));
    const older = ingressClass('nginx', 'k8s.io/ingress-nginx', true, '2023-01-01T00:00:00Z');
    assert.ok(isServed(bare, selectClasses([K8TS, older])));
  });

  it('leaves Ingresses of other classes out of the table', () => {
    const built = buildTable(
      sources({
        ingresses: [
          ingress('ours', { ingressClassName: 'k8ts', rules: [{ http: { paths: [path('/a', 'web')] } }] }),
          ingress('theirs', { ingressClassName: 'nginx', rules: [{ http: { paths: [path('/b', 'web')] } }] }),
        ],
        services: [WEB],
        slices: [WEB_SLICE],
      }),
    );
    assert.deepEqual(
      built.served.map((i) => i.metadata?.name),
      ['ours'],
    );
    assert.ok(lookup(built.table, 'h', '/a'));
    assert.equal(lookup(built.table, 'h', '/b'), undefined);
  });
});

describe('backends', () => {
  const src = sources({ ingresses: [], services: [WEB], slices: [WEB_SLICE] });

  it('resolves a Service port by number or name to the slice port of the same name', () => {
    const want = [
      { host: '10.42.0.5', port: 8080 },
      { host: '10.42.0.6', port: 8080 },
    ];
    assert.deepEqual(resolveBackend('default', { name: 'web', port: { number: 80 } }, src).endpoints, want);
    assert.deepEqual(resolveBackend('default', { name: 'web', port: { name: 'http' } }, src).endpoints, want);
    assert.equal(resolveBackend('default', { name: 'web', port: { number: 80 } }, src).key, 'default/web:80');
  });

  it('has no endpoints for a missing Service, port, slice or another namespace', () => {
    for (const [ns, spec] of [
      ['default', { name: 'nope', port: { number: 80 } }],
      ['default', { name: 'web', port: { number: 81 } }],
      ['default', { name: 'web', port: { name: 'https' } }],
      ['other', { name: 'web', port: { number: 80 } }],
    ] as const) {
      assert.deepEqual(resolveBackend(ns, spec, src).endpoints, [], JSON.stringify(spec));
    }
    const noSlices = sources({ ingresses: [], services: [WEB] });
    assert.deepEqual(
      resolveBackend('default', { name: 'web', port: { number: 80 } }, noSlices).endpoints,
      [],
    );
  });

  it('keeps ready endpoints (missing condition = ready), unnamed ports, and de-duplicates', () => {
    const svc = service('multi', [
      { name: 'a', port: 80 },
      { name: 'b', port: 81 },
    ]);
    const s1 = slice(
      'multi',
      [
        { name: 'a', port: 9000 },
        { name: 'b', port: 9001 },
      ],
      [{ ip: '10.0.0.1', ready: true }, { ip: '10.0.0.2', ready: false }, { ip: '10.0.0.3' }],
    );
    const s2 = slice('multi', [{ name: 'b', port: 9001 }], [{ ip: '10.0.0.1' }, { ip: '10.0.0.4' }]);
    const got = resolveBackend(
      'default',
      { name: 'multi', port: { number: 81 } },
      sources({
        ingresses: [],
        services: [svc],
        slices: [s1, s2],
      }),
    );
    assert.deepEqual(
      got.endpoints.map((e) => `${e.host}:${e.port}`),
      ['10.0.0.1:9001', '10.0.0.3:9001', '10.0.0.4:9001'],
    );
    const single = service('single', [{ port: 80 }]);
    const ss = slice('single', [{ port: 7000 }], [{ ip: '10.0.0.9' }]);
    const one = resolveBackend(
      'default',
      { name: 'single', port: { number: 80 } },
      sources({
        ingresses: [],
        services: [single],
        slices: [ss],
      }),
    );
    assert.deepEqual(one.endpoints, [{ host: '10.0.0.9', port: 7000 }]);
  });
});

describe('routing table', () => {
  const api = service('api', [{ name: 'http', port: 80 }]);
  const apiSlice = slice('api', [{ name: 'http', port: 9090 }], [{ ip: '10.42.0.9' }]);

  it('routes hosts and paths of several Ingresses; the oldest wins a shared host and path', () => {
    const older = ingress(
      'older',
      { rules: [{ host: 'a.example.com', http: { paths: [path('/', 'web')] } }] },
      { created: '2024-01-01T00:00:00Z' },
    );
    const newer = ingress(
      'newer',
      {
        rules: [
          { host: 'A.example.com', http: { paths: [path('/', 'api'), path('/api', 'api')] } },
          { host: '*.example.com', http: { paths: [path('/', 'api')] } },
        ],
      },
      { created: '2024-06-01T00:00:00Z' },
    );
    const built = buildTable(
      sources({ ingresses: [newer, older], services: [WEB, api], slices: [WEB_SLICE, apiSlice] }),
    );
    assert.deepEqual(
      built.served.map((i) => i.metadata?.name),
      ['older', 'newer'],
    );
    assert.equal(lookup(built.table, 'a.example.com', '/')?.backend.key, 'default/web:80');
    assert.equal(lookup(built.table, 'a.example.com', '/api/x')?.backend.key, 'default/api:80');
    assert.equal(lookup(built.table, 'b.example.com', '/')?.backend.key, 'default/api:80');
    assert.equal(lookup(built.table, 'c.other.com', '/'), undefined);
    assert.deepEqual([...built.services].sort(), ['default/api', 'default/web']);
  });

  it('treats ImplementationSpecific as Prefix and keeps Exact apart', () => {
    const ing = ingress('i', {
      rules: [
        {
          http: {
            paths: [path('/impl', 'web', 80, 'ImplementationSpecific'), path('/exact', 'api', 80, 'Exact')],
          },
        },
      ],
    });
    const { table } = buildTable(
      sources({ ingresses: [ing], services: [WEB, api], slices: [WEB_SLICE, apiSlice] }),
    );
    assert.equal(lookup(table, 'h', '/impl/x')?.backend.key, 'default/web:80');
    assert.equal(lookup(table, 'h', '/implx'), undefined);
    assert.equal(lookup(table, 'h', '/exact')?.backend.key, 'default/api:80');
    assert.equal(lookup(table, 'h', '/exact/x'), undefined);
  });

  it('takes the default backend from the oldest Ingress that sets one', () => {
    const a = ingress(
      'a',
      { defaultBackend: { service: { name: 'api', port: { number: 80 } } } },
      { created: '2024-02-01T00:00:00Z' },
    );
    const b = ingress(
      'b',
      { defaultBackend: { service: { name: 'web', port: { number: 80 } } } },
      { created: '2024-01-01T00:00:00Z' },
    );
    const { table } = buildTable(
      sources({ ingresses: [a, b], services: [WEB, api], slices: [WEB_SLICE, apiSlice] }),
    );
    assert.equal(lookup(table, 'any', '/whatever')?.backend.key, 'default/web:80');
    assert.deepEqual(table.defaultBackend?.endpoints.length, 2);
  });

  it('reports and skips resource backends and relative paths; keeps a missing Service as a 503 route', () => {
    const ing = ingress('bad', {
      rules: [
        {
          http: {
            paths: [
              { path: '/r', pathType: 'Prefix', backend: { resource: { kind: 'Bucket', name: 'b' } } },
              path('relative', 'web'),
              path('/missing', 'ghost'),
            ],
          },
        },
      ],
    });
    const built = buildTable(sources({ ingresses: [ing], services: [WEB], slices: [WEB_SLICE] }));
    assert.equal(lookup(built.table, 'h', '/r'), undefined);
    assert.deepEqual(lookup(built.table, 'h', '/missing')?.backend.endpoints, []);
    assert.equal(built.problems.length, 2, built.problems.join('\n'));
    assert.match(built.problems[0] ?? '', /default\/bad: path \/r: resource backends are not supported/);
    assert.match(built.problems[1] ?? '', /does not start with/);
  });

  it('ignores Ingresses being deleted', () => {
    const ing = ingress('gone', { rules: [{ http: { paths: [path('/', 'web')] } }] });
    ing.metadata!.deletionTimestamp = '2024-01-02T00:00:00Z';
    assert.equal(buildTable(sources({ ingresses: [ing], services: [WEB] })).served.length, 0);
  });
});

describe('TLS host mapping', () => {
  const tlsSecret = (name: string, cert = 'CERT', key = 'KEY', type = 'kubernetes.io/tls'): KObject => ({
    metadata: { name, namespace: 'default', resourceVersion: '7' },
    type,
    data: { 'tls.crt': btoa(cert), 'tls.key': btoa(key) },
  });

  it('maps TLS hosts to their Secret; an entry without hosts covers the rule hosts', () => {
    const ing = ingress('t', {
      tls: [{ hosts: ['A.example.com', '*.wild.com'], secretName: 's1' }, { secretName: 's2' }],
      rules: [
        { host: 'a.example.com', http: { paths: [path('/', 'web')] } },
        { host: 'b.example.com', http: { paths: [path('/', 'web')] } },
      ],
    });
    const built = buildTable(
      sources({
        ingresses: [ing],
        services: [WEB],
        secrets: [tlsSecret('s1', 'C1', 'K1'), tlsSecret('s2', 'C2', 'K2')],
      }),
    );
    const tls = built.table.tls;
    assert.deepEqual([...tls.keys()].sort(), ['*.wild.com', 'a.example.com', 'b.example.com']);
    assert.deepEqual(tls.get('a.example.com'), { id: 'default/s1@7', certPem: 'C1', keyPem: 'K1' });
    assert.equal(tls.get('b.example.com')?.certPem, 'C2');
    assert.deepEqual([...built.secrets].sort(), ['default/s1', 'default/s2']);
    assert.deepEqual(built.problems, []);
  });

  it('reports missing, mistyped and incomplete Secrets and maps nothing for them', () => {
    const ing = ingress('t', {
      tls: [
        { hosts: ['a.com'], secretName: 'missing' },
        { hosts: ['b.com'], secretName: 'opaque' },
        { hosts: ['c.com'], secretName: 'empty' },
      ],
    });
    const empty = tlsSecret('empty');
    empty['data'] = { 'tls.crt': btoa('C') };
    const built = buildTable(
      sources({ ingresses: [ing], secrets: [tlsSecret('opaque', 'C', 'K', 'Opaque'), empty] }),
    );
    assert.equal(built.table.tls.size, 0);
    assert.equal(built.problems.length, 3, built.problems.join('\n'));
    assert.match(
      built.problems.join('\n'),
      /missing not found[\s\S]*not of type kubernetes.io\/tls[\s\S]*lacks tls.crt/,
    );
  });

  it('lets the oldest Ingress keep a host certificate', () => {
    const a = ingress(
      'a',
      { tls: [{ hosts: ['x.com'], secretName: 's1' }] },
      { created: '2024-01-01T00:00:00Z' },
    );
    const b = ingress(
      'b',
      { tls: [{ hosts: ['x.com'], secretName: 's2' }] },
      { created: '2023-01-01T00:00:00Z' },
    );
    const { table } = buildTable(sources({ ingresses: [a, b], secrets: [tlsSecret('s1'), tlsSecret('s2')] }));
    assert.equal(table.tls.get('x.com')?.id, 'default/s2@7');
  });
});
