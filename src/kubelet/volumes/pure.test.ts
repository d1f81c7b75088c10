/** Tests of the downward API fields, resource values and service link variables (pure code). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KObject } from '../../registry/types.js';
import { extractFieldPathAsString, goQuote, podFieldValue } from './fieldpath.js';
import { resourceFieldValue } from './resources.js';
import { fromServices, serviceEnvMap } from './service-env.js';

const pod: KObject = {
  metadata: {
    name: 'web',
    namespace: 'shop',
    uid: 'u-1',
    labels: { tier: 'front', app: 'web' },
    annotations: { note: 'say "hi"\nbye' },
  },
  spec: {
    nodeName: 'node-a',
    serviceAccountName: 'robot',
    containers: [
      { name: 'main', resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '1500m' } } },
      { name: 'side' },
    ],
  },
  status: {
    podIP: '10.42.0.7',
    podIPs: [{ ip: '10.42.0.7' }, { ip: 'fd00::7' }],
    hostIP: '192.0.2.1',
    hostIPs: [{ ip: '192.0.2.1' }],
  },
};
const alloc = { cpu: '4', memory: '8Gi', 'ephemeral-storage': '100Gi' };
const main = (pod['spec'] as { containers: Record<string, unknown>[] }).containers[0]!;

test('metadata fields, whole maps as sorted quoted lines, single keys', () => {
  assert.equal(extractFieldPathAsString(pod, 'metadata.name'), 'web');
  assert.equal(extractFieldPathAsString(pod, 'metadata.namespace'), 'shop');
  assert.equal(extractFieldPathAsString(pod, 'metadata.uid'), 'u-1');
  assert.equal(extractFieldPathAsString(pod, 'metadata.labels'), 'app="web"\ntier="front"');
  assert.equal(extractFieldPathAsString(pod, 'metadata.annotations'), 'note="say \\"hi\\"\\nbye"');
  assert.equal(extractFieldPathAsString(pod, "metadata.labels['tier']"), 'front');
  assert.equal(extractFieldPathAsString(pod, "metadata.annotations['missing']"), '');
  assert.throws(() => extractFieldPathAsString(pod, 'spec.nodeName'), /unsupported fieldPath: spec.nodeName/);
});

test('Go quoting keeps printable text and escapes the rest', () => {
  assert.equal(goQuote('héllo wörld'), '"héllo wörld"');
  assert.equal(goQuote('a\tb\\c\x01'), '"a\\tb\\\\c\\x01"');
});

test('environment-only fields: node, service account, addresses', () => {
  assert.equal(podFieldValue(pod, 'spec.nodeName'), 'node-a');
  assert.equal(podFieldValue(pod, 'spec.serviceAccountName'), 'robot');
  assert.equal(podFieldValue(pod, 'status.podIP'), '10.42.0.7');
  assert.equal(podFieldValue(pod, 'status.podIPs'), '10.42.0.7,fd00::7');
  assert.equal(podFieldValue(pod, 'status.hostIP'), '192.0.2.1');
  assert.equal(podFieldValue(pod, 'status.hostIPs'), '192.0.2.1');
  assert.equal(podFieldValue(pod, 'metadata.name'), 'web');
});

test('resource values: divisor, rounding up, limits defaulting to allocatable', () => {
  const v = (resource: string, divisor?: string, c = main) =>
    resourceFieldValue(pod, c, { resource, divisor }, alloc);
  assert.equal(v('requests.cpu'), '1'); // 250m rounds up to 1 core
  assert.equal(v('requests.cpu', '1m'), '250');
  assert.equal(v('limits.cpu', '1m'), '1500');
  assert.equal(v('limits.cpu'), '2');
  assert.equal(v('requests.memory'), String(64 * 1024 * 1024));
  assert.equal(v('requests.memory', '1Mi'), '64');
  assert.equal(v('requests.memory', '1M'), '68'); // 67.1 MB rounds up
  assert.equal(v('limits.memory', '1Gi'), '8'); // unset: node allocatable
  assert.equal(v('limits.ephemeral-storage', '1Gi'), '100');
  assert.equal(v('requests.ephemeral-storage'), '0');
  assert.throws(() => v('limits.gpu'), /unsupported container resource : limits.gpu/);
});

test('resource values by container name, and a missing container', () => {
  assert.equal(
    resourceFieldValue(pod, undefined, { resource: 'limits.cpu', containerName: 'side' }, alloc),
    '4',
  );
  assert.equal(
    resourceFieldValue(
      pod,
      undefined,
      { resource: 'requests.cpu', containerName: 'main', divisor: '1m' },
      alloc,
    ),
    '250',
  );
  assert.throws(
    () => resourceFieldValue(pod, undefined, { resource: 'limits.cpu', containerName: 'nope' }, alloc),
    /container nope not found/,
  );
});

const svc = (ns: string, name: string, clusterIP: string, ports: Record<string, unknown>[]): KObject => ({
  metadata: { name, namespace: ns },
  spec: { clusterIP, ports },
});

test('service variables: host, ports, named ports and docker link style', () => {
  const env = new Map(
    fromServices([
      svc('shop', 'my-db', '10.43.0.9', [
        { name: 'sql', port: 5432 },
        { name: 'metrics', port: 9187, protocol: 'UDP' },
      ]),
    ]),
  );
  assert.equal(env.get('MY_DB_SERVICE_HOST'), '10.43.0.9');
  assert.equal(env.get('MY_DB_SERVICE_PORT'), '5432');
  assert.equal(env.get('MY_DB_SERVICE_PORT_SQL'), '5432');
  assert.equal(env.get('MY_DB_SERVICE_PORT_METRICS'), '9187');
  assert.equal(env.get('MY_DB_PORT'), 'tcp://10.43.0.9:5432');
  assert.equal(env.get('MY_DB_PORT_5432_TCP'), 'tcp://10.43.0.9:5432');
  assert.equal(env.get('MY_DB_PORT_5432_TCP_PROTO'), 'tcp');
  assert.equal(env.get('MY_DB_PORT_5432_TCP_PORT'), '5432');
  assert.equal(env.get('MY_DB_PORT_5432_TCP_ADDR'), '10.43.0.9');
  assert.equal(env.get('MY_DB_PORT_9187_UDP'), 'udp://10.43.0.9:9187');
  assert.equal(env.size, 13);
  const v6 = new Map(fromServices([svc('a', 'v6', 'fd00::1', [{ port: 80 }])]));
  assert.equal(v6.get('V6_PORT'), 'tcp://[fd00::1]:80');
});

test('which services: kubernetes always, the namespace only with links, headless never', () => {
  const defaults = [
    svc('default', 'kubernetes', '10.43.0.1', [{ name: 'https', port: 443 }]),
    svc('default', 'other', '10.43.0.2', [{ port: 80 }]),
  ];
  const own = [
    svc('shop', 'cart', '10.43.0.3', [{ port: 80 }]),
    svc('shop', 'headless', 'None', [{ port: 80 }]),
  ];
  const on = serviceEnvMap('shop', true, defaults, own);
  assert.equal(on.get('KUBERNETES_SERVICE_HOST'), '10.43.0.1');
  assert.equal(on.get('KUBERNETES_SERVICE_PORT_HTTPS'), '443');
  assert.equal(on.get('CART_SERVICE_HOST'), '10.43.0.3');
  assert.equal(on.has('OTHER_SERVICE_HOST'), false);
  assert.equal(on.has('HEADLESS_SERVICE_HOST'), false);
  const off = serviceEnvMap('shop', false, defaults, own);
  assert.equal(off.get('KUBERNETES_SERVICE_HOST'), '10.43.0.1');
  assert.equal(off.has('CART_SERVICE_HOST'), false);
  const inDefault = serviceEnvMap('default', true, defaults, []);
  assert.equal(inDefault.get('OTHER_SERVICE_HOST'), '10.43.0.2');
  const shadow = serviceEnvMap('shop', true, defaults, [
    svc('shop', 'kubernetes', '10.43.0.99', [{ port: 1 }]),
  ]);
  assert.equal(shadow.get('KUBERNETES_SERVICE_HOST'), '10.43.0.99');
});
