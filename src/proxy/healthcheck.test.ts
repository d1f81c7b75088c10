/**
 * Health check servers for externalTrafficPolicy Local: 200 with local endpoints, 503
 * without, following sync() (updated in place, closed when the Service goes).
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { HealthCheckServers } from './healthcheck.js';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('proxy health checks', () => {
  it('answers by local endpoint count and stops with the Service', async () => {
    const logs: string[] = [];
    const hc = new HealthCheckServers('127.0.0.1', (m) => logs.push(m));
    const port = await freePort();
    try {
      await hc.sync([{ port, namespace: 'shop', name: 'web', localEndpoints: 2 }]);
      let res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(5_000) });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('x-load-balancing-endpoint-weight'), '2');
      assert.deepEqual(await res.json(), {
        service: { namespace: 'shop', name: 'web' },
        localEndpoints: 2,
        serviceProxyHealthy: true,
      });
      await hc.sync([{ port, namespace: 'shop', name: 'web', localEndpoints: 0 }]);
      res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(5_000) });
      assert.equal(res.status, 503);
      await res.arrayBuffer();
      await hc.sync([]);
      await assert.rejects(fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(5_000) }));
      assert.deepEqual(logs, []);
    } finally {
      await hc.close();
    }
  });
});
