/**
 * The tcpSocket prober against a real listener on 127.0.0.1 and a port nobody listens on,
 * and through the prober with a named port.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { runProbe } from './prober.js';
import { readProbe } from './spec.js';
import { tcpProbe } from './tcp.js';

async function listener(): Promise<{ server: net.Server; port: number; accepted: () => number }> {
  let n = 0;
  const server = net.createServer((s) => {
    n++;
    s.on('error', () => undefined);
    s.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as net.AddressInfo).port, accepted: () => n };
}

const stop = (s: net.Server) => new Promise<void>((resolve) => s.close(() => resolve()));

test('an open port is a success, a closed one a failure worded as Go does', async () => {
  const { server, port, accepted } = await listener();
  try {
    assert.deepEqual(await tcpProbe('127.0.0.1', port, 1000, AbortSignal.timeout(5000)), {
      result: 'success',
      output: '',
    });
    for (let i = 0; i < 50 && accepted() === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(accepted(), 1);
  } finally {
    await stop(server);
  }
  assert.deepEqual(await tcpProbe('127.0.0.1', port, 1000, AbortSignal.timeout(5000)), {
    result: 'failure',
    output: `dial tcp 127.0.0.1:${port}: connect: connection refused`,
  });
});

test('through the prober: named port, pod IP by default, unknown port name errors', async () => {
  const { server, port } = await listener();
  const container = {
    name: 'db',
    ports: [{ name: 'sql', containerPort: port }],
    livenessProbe: { tcpSocket: { port: 'sql' } },
    readinessProbe: { tcpSocket: { port: 'nosuch' } },
  };
  const ctx = {
    cri: { execSync: () => Promise.reject(new Error('unused')) },
    container,
    containerId: 'c1',
    podIP: '127.0.0.1',
    podRef: 'p_default(u1)',
    signal: AbortSignal.timeout(5000),
  };
  try {
    const live = readProbe(container, 'liveness');
    assert.ok(live);
    assert.equal((await runProbe(live, ctx)).result, 'success');
    const ready = readProbe(container, 'readiness');
    assert.ok(ready);
    assert.deepEqual(await runProbe(ready, ctx), {
      result: 'error',
      error: 'strconv.Atoi: parsing "nosuch": invalid syntax',
      state: 'unknown',
    });
  } finally {
    await stop(server);
  }
});

test('an abort rejects the probe', async () => {
  const ac = new AbortController();
  ac.abort(new Error('stopped'));
  await assert.rejects(tcpProbe('127.0.0.1', 1, 1000, ac.signal), { message: 'stopped' });
});
