/**
 * The grpc prober against a real gRPC health server on 127.0.0.1 (the standard
 * grpc.health.v1.Health/Check served with the hand-written codec): SERVING, NOT_SERVING,
 * the service field, a server without the health service, slow answers and a port
 * nobody listens on.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { grpcProbe } from './grpc.js';
import {
  decodeHealthRequest,
  decodeHealthResponse,
  encodeHealthRequest,
  encodeHealthResponse,
  HEALTH_CHECK_PATH,
} from './grpc-health.js';
import { PROBE_USER_AGENT } from './http-request.js';

const healthService: grpc.ServiceDefinition = {
  Check: {
    path: HEALTH_CHECK_PATH,
    requestStream: false,
    responseStream: false,
    requestSerialize: encodeHealthRequest,
    requestDeserialize: decodeHealthRequest,
    responseSerialize: encodeHealthResponse,
    responseDeserialize: decodeHealthResponse,
  },
};

const seen: { service: string; userAgent: string }[] = [];
const slowTimers = new Set<NodeJS.Timeout>();
let server: grpc.Server;
let bare: grpc.Server;
let port = 0;
let barePort = 0;

function bind(s: grpc.Server): Promise<number> {
  return new Promise((resolve, reject) =>
    s.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
}

before(async () => {
  server = new grpc.Server();
  server.addService(healthService, {
    Check: (
      call: grpc.ServerUnaryCall<{ service: string }, { status: number }>,
      cb: grpc.sendUnaryData<{ status: number }>,
    ) => {
      const service = call.request.service;
      seen.push({ service, userAgent: String(call.metadata.get('user-agent')[0] ?? '') });
      if (service === '' || service === 'app.v1') cb(null, { status: 1 });
      else if (service === 'down') cb(null, { status: 2 });
      else if (service === 'slow') {
        const t = setTimeout(() => {
          slowTimers.delete(t);
          cb(null, { status: 1 });
        }, 2000);
        slowTimers.add(t);
      } else cb({ code: grpc.status.NOT_FOUND, details: 'unknown service' });
    },
  });
  port = await bind(server);
  bare = new grpc.Server();
  barePort = await bind(bare);
});

after(() => {
  for (const t of slowTimers) clearTimeout(t);
  server.forceShutdown();
  bare.forceShutdown();
});

const probe = (service: string, p = port, timeoutMs = 2000) =>
  grpcProbe('127.0.0.1', p, service, timeoutMs, AbortSignal.timeout(10_000));

test('SERVING is a success; the service field and user agent reach the server', async () => {
  seen.length = 0;
  assert.deepEqual(await probe(''), { result: 'success', output: 'service is serving' });
  assert.deepEqual(await probe('app.v1'), { result: 'success', output: 'service is serving' });
  assert.deepEqual(
    seen.map((s) => s.service),
    ['', 'app.v1'],
  );
  assert.ok(seen[0]?.userAgent.startsWith(PROBE_USER_AGENT), seen[0]?.userAgent);
});

test('NOT_SERVING and errors are failures', async () => {
  assert.deepEqual(await probe('down'), {
    result: 'failure',
    output: 'service unhealthy (responded with "NOT_SERVING")',
  });
  assert.deepEqual(await probe('other'), {
    result: 'failure',
    output: 'error: health rpc probe failed: rpc error: code = NotFound desc = unknown service',
  });
});

test('a server without the health service fails as unimplemented', async () => {
  const out = await probe('', barePort);
  assert.equal(out.result, 'failure');
  assert.ok(
    out.result === 'failure' &&
      out.output.startsWith(
        'error: this server does not implement the grpc health protocol (grpc.health.v1.Health): ',
      ),
    JSON.stringify(out),
  );
});

test('an answer later than the timeout is a failure', async () => {
  assert.deepEqual(await probe('slow', port, 300), {
    result: 'failure',
    output: 'timeout: health rpc did not complete within 300ms',
  });
});

test('nothing listening: the connection is not ready within the timeout', async () => {
  const s = new grpc.Server();
  const closed = await bind(s);
  s.forceShutdown();
  assert.deepEqual(await probe('', closed, 300), {
    result: 'failure',
    output: `timeout: failed to connect service "127.0.0.1:${closed}" within 300ms: context deadline exceeded`,
  });
});
