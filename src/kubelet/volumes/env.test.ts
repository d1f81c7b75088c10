/** Tests of EnvService: every variable source, expansion, optional references and errors. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KObject } from '../../registry/types.js';
import { ContainerWaitingError, type Obj } from '../pods/deps.js';
import { createEnvService } from './env.js';
import { configMap, MemoryObjects, secret } from './testing.js';

const signal = AbortSignal.timeout(30_000);

function setup(services: Record<string, KObject[]> = {}) {
  const objects = new MemoryObjects();
  objects.put('configmaps', configMap('shop', 'cfg', { MODE: 'fast', 'log.level': 'debug', '1st': 'one' }));
  objects.put('secrets', secret('shop', 'creds', { USER: 'admin', PASS: 's3cr=t' }));
  const listed: string[] = [];
  const env = createEnvService({
    objects,
    listServices: async (ns) => {
      listed.push(ns);
      return services[ns] ?? [];
    },
    nodeAllocatable: () => ({ cpu: '2', memory: '4Gi' }),
  });
  return { objects, env, listed };
}

function pod(container: Obj, spec: Obj = {}): KObject {
  return {
    metadata: { name: 'web', namespace: 'shop', uid: 'uid-1', labels: { app: 'web' } },
    spec: { nodeName: 'n1', serviceAccountName: 'default', containers: [container], ...spec },
    status: {
      podIP: '10.42.0.5',
      podIPs: [{ ip: '10.42.0.5' }],
      hostIP: '127.0.0.1',
      hostIPs: [{ ip: '127.0.0.1' }],
    },
  };
}

const asMap = (kvs: { key: string; value: string }[]) => new Map(kvs.map((kv) => [kv.key, kv.value]));

test('values expand against earlier variables; later ones and $$ stay literal', async () => {
  const { env } = setup();
  const c = {
    name: 'c',
    env: [
      { name: 'A', value: 'a' },
      { name: 'B', value: '$(A)-$(C)' },
      { name: 'C', value: 'c' },
      { name: 'D', value: '$$(A) $(A)' },
      { name: 'E', value: '' },
    ],
  };
  const out = await env.resolve(pod(c), c, signal);
  assert.deepEqual(out.slice(0, 5), [
    { key: 'A', value: 'a' },
    { key: 'B', value: 'a-$(C)' },
    { key: 'C', value: 'c' },
    { key: 'D', value: '$(A) a' },
    { key: 'E', value: '' },
  ]);
});

test('fieldRef and resourceFieldRef', async () => {
  const { env } = setup();
  const f = (name: string, fieldPath: string) => ({ name, valueFrom: { fieldRef: { fieldPath } } });
  const c = {
    name: 'c',
    resources: { requests: { memory: '32Mi' } },
    env: [
      f('NAME', 'metadata.name'),
      f('NS', 'metadata.namespace'),
      f('UID', 'metadata.uid'),
      f('APP', "metadata.labels['app']"),
      f('NODE', 'spec.nodeName'),
      f('SA', 'spec.serviceAccountName'),
      f('POD_IP', 'status.podIP'),
      f('POD_IPS', 'status.podIPs'),
      f('HOST_IP', 'status.hostIP'),
      f('HOST_IPS', 'status.hostIPs'),
      { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'requests.memory', divisor: '1Mi' } } },
      { name: 'CPU_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
      { name: 'MEM_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Gi' } } },
      { name: 'REF', value: '$(NAME).$(NS)' },
    ],
  };
  const m = asMap(await env.resolve(pod(c), c, signal));
  assert.equal(m.get('NAME'), 'web');
  assert.equal(m.get('NS'), 'shop');
  assert.equal(m.get('UID'), 'uid-1');
  assert.equal(m.get('APP'), 'web');
  assert.equal(m.get('NODE'), 'n1');
  assert.equal(m.get('SA'), 'default');
  assert.equal(m.get('POD_IP'), '10.42.0.5');
  assert.equal(m.get('POD_IPS'), '10.42.0.5');
  assert.equal(m.get('HOST_IP'), '127.0.0.1');
  assert.equal(m.get('HOST_IPS'), '127.0.0.1');
  assert.equal(m.get('MEM'), '32');
  assert.equal(m.get('CPU_LIMIT'), '2');
  assert.equal(m.get('MEM_LIMIT'), '4');
  assert.equal(m.get('REF'), 'web.shop');
});

test('configMapKeyRef and secretKeyRef, with optional references skipped', async () => {
  const { env } = setup();
  const c = {
    name: 'c',
    env: [
      { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'MODE' } } },
      { name: 'PASS', valueFrom: { secretKeyRef: { name: 'creds', key: 'PASS' } } },
      { name: 'OPT_KEY', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'nope', optional: true } } },
      { name: 'OPT_OBJ', valueFrom: { secretKeyRef: { name: 'gone', key: 'x', optional: true } } },
    ],
  };
  const m = asMap(await env.resolve(pod(c), c, signal));
  assert.equal(m.get('MODE'), 'fast');
  assert.equal(m.get('PASS'), 's3cr=t');
  assert.equal(m.has('OPT_KEY'), false);
  assert.equal(m.has('OPT_OBJ'), false);
});

test('missing required references are CreateContainerConfigError with upstream messages', async () => {
  const { env } = setup();
  const cases: [Obj, string][] = [
    [{ configMapKeyRef: { name: 'x', key: 'k' } }, 'configmap "x" not found'],
    [{ secretKeyRef: { name: 'y', key: 'k' } }, 'secret "y" not found'],
    [{ configMapKeyRef: { name: 'cfg', key: 'k' } }, "couldn't find key k in ConfigMap shop/cfg"],
    [{ secretKeyRef: { name: 'creds', key: 'k' } }, "couldn't find key k in Secret shop/creds"],
    [{ fieldRef: { fieldPath: 'spec.bogus' } }, 'unsupported fieldPath: spec.bogus'],
  ];
  for (const [valueFrom, message] of cases) {
    const c = { name: 'c', env: [{ name: 'V', valueFrom }] };
    await assert.rejects(env.resolve(pod(c), c, signal), (err: unknown) => {
      assert.ok(err instanceof ContainerWaitingError);
      assert.equal(err.reason, 'CreateContainerConfigError');
      assert.equal(err.message, message);
      return true;
    });
  }
  const c = { name: 'c', envFrom: [{ configMapRef: { name: 'absent' } }] };
  await assert.rejects(env.resolve(pod(c), c, signal), { message: 'configmap "absent" not found' });
});

test('envFrom with prefix; env overrides it; optional envFrom may be missing', async () => {
  const { env, objects } = setup();
  const c = {
    name: 'c',
    envFrom: [
      { configMapRef: { name: 'cfg' } },
      { prefix: 'DB_', secretRef: { name: 'creds' } },
      { secretRef: { name: 'missing', optional: true } },
    ],
    env: [
      { name: 'MODE', value: 'slow:$(MODE)' },
      { name: 'WHO', value: '$(DB_USER)' },
    ],
  };
  const out = await env.resolve(pod(c), c, signal);
  const m = asMap(out);
  assert.equal(m.get('MODE'), 'slow:fast');
  assert.equal(m.get('log.level'), 'debug');
  assert.equal(m.get('1st'), 'one');
  assert.equal(m.get('DB_USER'), 'admin');
  assert.equal(m.get('DB_PASS'), 's3cr=t');
  assert.equal(m.get('WHO'), 'admin');
  assert.equal(out.filter((kv) => kv.key === 'MODE').length, 1);
  // The ConfigMap was read once although referenced for envFrom only.
  assert.equal(objects.calls.filter((k) => k === 'configmaps/shop/cfg').length, 1);
});

test('service links: namespace services when enabled, kubernetes always, own vars win', async () => {
  const services = {
    default: [
      {
        metadata: { name: 'kubernetes', namespace: 'default' },
        spec: { clusterIP: '10.43.0.1', ports: [{ name: 'https', port: 443 }] },
      },
    ],
    shop: [
      {
        metadata: { name: 'cart', namespace: 'shop' },
        spec: { clusterIP: '10.43.0.20', ports: [{ port: 8080 }] },
      },
    ],
  };
  const { env, listed } = setup(services);
  const c = {
    name: 'c',
    env: [
      { name: 'CART_SERVICE_PORT', value: 'mine' },
      { name: 'U', value: '$(CART_SERVICE_HOST)' },
    ],
  };
  const m = asMap(await env.resolve(pod(c), c, signal));
  assert.equal(m.get('KUBERNETES_SERVICE_HOST'), '10.43.0.1');
  assert.equal(m.get('KUBERNETES_PORT_443_TCP'), 'tcp://10.43.0.1:443');
  assert.equal(m.get('CART_SERVICE_HOST'), '10.43.0.20');
  assert.equal(m.get('CART_SERVICE_PORT'), 'mine');
  assert.equal(m.get('U'), '10.43.0.20');
  assert.deepEqual(listed.sort(), ['default', 'shop']);

  const off = asMap(await env.resolve(pod(c, { enableServiceLinks: false }), c, signal));
  assert.equal(off.get('KUBERNETES_SERVICE_HOST'), '10.43.0.1');
  assert.equal(off.has('CART_SERVICE_HOST'), false);
  assert.equal(off.get('U'), '$(CART_SERVICE_HOST)');
});
