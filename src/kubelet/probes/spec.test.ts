/**
 * The pure parts of the probes: reading probe specs with their defaults, resolving ports,
 * `$(VAR)` expansion, building httpGet requests, Go-style wording, the gRPC health codec
 * and the events for outcomes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { probeEvent } from './events.js';
import { expandCommand, expandVars } from './expand.js';
import {
  decodeHealthRequest,
  decodeHealthResponse,
  encodeHealthRequest,
  encodeHealthResponse,
} from './grpc-health.js';
import { buildHttpRequest, canonicalHeaderKey, PROBE_USER_AGENT } from './http-request.js';
import { dialError, goDuration, rpcError } from './outcome.js';
import { findContainer, PortError, type ProbeHandler, readProbe, resolvePort } from './spec.js';

const container = {
  name: 'web',
  ports: [
    { name: 'http', containerPort: 8080 },
    { name: 'metrics', containerPort: 9090 },
  ],
  env: [
    { name: 'DIR', value: '/srv' },
    { name: 'SECRET', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
  ],
  readinessProbe: { httpGet: { port: 'http', path: '/ready' } },
  livenessProbe: { exec: { command: ['cat', '/tmp/ok'] }, periodSeconds: 5, failureThreshold: 1 },
};

test('readProbe fills the API defaults and reads the handler', () => {
  const r = readProbe(container, 'readiness');
  assert.ok(r);
  assert.deepEqual(
    [r.initialDelaySeconds, r.timeoutSeconds, r.periodSeconds, r.successThreshold, r.failureThreshold],
    [0, 1, 10, 1, 3],
  );
  assert.deepEqual(r.handler, {
    type: 'httpGet',
    scheme: 'HTTP',
    host: '',
    path: '/ready',
    port: 'http',
    headers: [],
  });
  const l = readProbe(container, 'liveness');
  assert.equal(l?.periodSeconds, 5);
  assert.equal(l?.failureThreshold, 1);
  assert.deepEqual(l?.handler, { type: 'exec', command: ['cat', '/tmp/ok'] });
  assert.equal(readProbe(container, 'startup'), undefined);
  assert.deepEqual(readProbe({ startupProbe: { grpc: { port: 9000 } } }, 'startup')?.handler, {
    type: 'grpc',
    port: 9000,
    service: '',
  });
  assert.deepEqual(readProbe({ startupProbe: {} }, 'startup')?.handler, { type: 'none' });
});

test('findContainer sees regular containers and sidecars, not plain init containers', () => {
  const pod = {
    spec: {
      initContainers: [{ name: 'setup' }, { name: 'proxy', restartPolicy: 'Always' }],
      containers: [{ name: 'app' }],
    },
  };
  assert.equal(findContainer(pod, 'app')?.['name'], 'app');
  assert.equal(findContainer(pod, 'proxy')?.['name'], 'proxy');
  assert.equal(findContainer(pod, 'setup'), undefined);
});

test('resolvePort takes numbers, named container ports and numeric strings', () => {
  assert.equal(resolvePort(80, container), 80);
  assert.equal(resolvePort('metrics', container), 9090);
  assert.equal(resolvePort('8443', container), 8443);
  assert.throws(() => resolvePort('nope', container), {
    constructor: PortError,
    message: 'strconv.Atoi: parsing "nope": invalid syntax',
  });
  assert.throws(() => resolvePort(70000, container), { message: 'invalid port number: 70000' });
  assert.throws(() => resolvePort(0, container), { message: 'invalid port number: 0' });
});

test('exec commands expand $(VAR) from the static environment only', () => {
  const env = new Map([['A', 'x']]);
  assert.equal(expandVars('$(A)-$(B)-$$(A)-$(A', env), 'x-$(B)-$(A)-$(A');
  assert.equal(expandVars('cost $5 and $', env), 'cost $5 and $');
  assert.deepEqual(expandCommand(['ls', '$(DIR)/data', '[$(SECRET)]'], container), ['ls', '/srv/data', '[]']);
});

test('httpGet requests: pod IP by default, named port, kubelet headers, Host override', () => {
  const h: Extract<ProbeHandler, { type: 'httpGet' }> = {
    type: 'httpGet',
    scheme: 'HTTP',
    host: '',
    path: 'healthz?full=1',
    port: 'http',
    headers: [
      { name: 'x-custom', value: 'a' },
      { name: 'X-Custom', value: 'b' },
      { name: 'host', value: 'example.test' },
    ],
  };
  const req = buildHttpRequest(h, container, '10.42.0.5');
  assert.equal(req.url.href, 'http://10.42.0.5:8080/healthz?full=1');
  assert.deepEqual(Object.fromEntries(req.headers), {
    'X-Custom': ['a', 'b'],
    'User-Agent': [PROBE_USER_AGENT],
    Accept: ['*/*'],
  });
  assert.equal(req.hostHeader, 'example.test');

  const own = buildHttpRequest(
    {
      ...h,
      scheme: 'HTTPS',
      host: 'fd00::1',
      path: '/',
      port: 443,
      headers: [
        { name: 'Accept', value: '' },
        { name: 'user-agent', value: 'mine' },
      ],
    },
    container,
    '10.42.0.5',
  );
  assert.equal(own.url.href, 'https://[fd00::1]/');
  assert.deepEqual(Object.fromEntries(own.headers), { 'User-Agent': ['mine'] });
  assert.equal(canonicalHeaderKey('content-TYPE'), 'Content-Type');
  assert.equal(canonicalHeaderKey('bad header'), 'bad header');
});

test('Go-style wording of durations, dial errors and gRPC errors', () => {
  assert.equal(goDuration(1000), '1s');
  assert.equal(goDuration(90_000), '1m30s');
  assert.equal(goDuration(3_600_000), '1h0m0s');
  assert.equal(goDuration(250), '250ms');
  const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
  assert.equal(
    dialError(refused, '10.0.0.1:80', '10.0.0.1'),
    'dial tcp 10.0.0.1:80: connect: connection refused',
  );
  assert.equal(rpcError(5, 'no such container'), 'rpc error: code = NotFound desc = no such container');
});

test('the gRPC health messages round-trip', () => {
  assert.deepEqual(decodeHealthRequest(encodeHealthRequest({ service: 'svc.v1' })), { service: 'svc.v1' });
  assert.deepEqual(decodeHealthRequest(encodeHealthRequest({ service: '' })), { service: '' });
  for (const status of [0, 1, 2, 3])
    assert.deepEqual(decodeHealthResponse(encodeHealthResponse({ status })), { status });
  // Unknown fields are skipped.
  const extra = Buffer.concat([Buffer.from([0x12, 0x02, 0x61, 0x62]), encodeHealthResponse({ status: 2 })]);
  assert.deepEqual(decodeHealthResponse(extra), { status: 2 });
});

test('events for outcomes, in the kubelet wording', () => {
  assert.equal(probeEvent('liveness', { result: 'success', output: 'ok' }), undefined);
  assert.deepEqual(
    probeEvent('readiness', { result: 'failure', output: 'HTTP probe failed with statuscode: 500' }),
    {
      reason: 'Unhealthy',
      message: 'Readiness probe failed: HTTP probe failed with statuscode: 500',
    },
  );
  assert.deepEqual(probeEvent('startup', { result: 'error', error: 'boom', state: 'unknown' }), {
    reason: 'Unhealthy',
    message: 'Startup probe errored and resulted in unknown state: boom',
  });
  assert.deepEqual(
    probeEvent('liveness', { result: 'warning', output: 'Probe terminated redirects, Response body: ' }),
    {
      reason: 'ProbeWarning',
      message: 'Liveness probe warning: Probe terminated redirects, Response body: ',
    },
  );
});
