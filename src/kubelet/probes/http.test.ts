/**
 * The httpGet prober against real HTTP and HTTPS servers on 127.0.0.1: success, status
 * failures, redirects followed on the same host and not to another one, redirect loops,
 * timeouts, refused connections, body limits and the headers the kubelet sends.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { createCa } from '../../apiserver/pki/issue.js';
import { httpProbe } from './http.js';
import { buildHttpRequest, PROBE_USER_AGENT } from './http-request.js';
import type { ProbeHandler } from './spec.js';

type HttpGet = Extract<ProbeHandler, { type: 'httpGet' }>;

const seen: { path: string; headers: http.IncomingHttpHeaders }[] = [];
let port = 0;
let server: http.Server;

function handler(req: http.IncomingMessage, res: http.ServerResponse): void {
  seen.push({ path: req.url ?? '', headers: req.headers });
  const url = req.url ?? '';
  if (url === '/ok' || url.startsWith('/ok?')) res.end('fine');
  else if (url === '/fail') {
    res.statusCode = 500;
    res.end('broken');
  } else if (url === '/redirect') {
    res.writeHead(302, { Location: '/ok?from=redirect' }).end();
  } else if (url === '/loop') {
    res.writeHead(302, { Location: '/loop' }).end();
  } else if (url === '/away') {
    res.writeHead(301, { Location: `http://localhost:${port}/ok` }).end('moved away');
  } else if (url === '/big') {
    res.end('x'.repeat(1024 * 1024));
  } else if (url === '/big-away') {
    res.writeHead(307, { Location: `http://localhost:${port}/ok` }).end('y'.repeat(20 * 1024));
  } else if (url === '/hang') {
    // Never answers; the probe's deadline must end the exchange.
  } else {
    res.statusCode = 404;
    res.end();
  }
}

async function listen(s: http.Server | https.Server): Promise<number> {
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return (s.address() as AddressInfo).port;
}

async function close(s: http.Server | https.Server): Promise<void> {
  s.closeAllConnections();
  await new Promise<void>((resolve) => s.close(() => resolve()));
}

before(async () => {
  server = http.createServer(handler);
  port = await listen(server);
});

after(() => close(server));

function get(path: string, extra: Partial<HttpGet> = {}, timeoutMs = 2000) {
  const h: HttpGet = { type: 'httpGet', scheme: 'HTTP', host: '', path, port, headers: [], ...extra };
  return httpProbe(buildHttpRequest(h, { name: 'c' }, '127.0.0.1'), timeoutMs, AbortSignal.timeout(10_000));
}

test('200 is a success, with the kubelet headers and the probe own headers', async () => {
  seen.length = 0;
  const out = await get('/ok', { headers: [{ name: 'x-probe', value: 'yes' }] });
  assert.deepEqual(out, { result: 'success', output: 'fine' });
  const h = seen[0]?.headers;
  assert.equal(h?.['user-agent'], PROBE_USER_AGENT);
  assert.equal(h?.['accept'], '*/*');
  assert.equal(h?.['x-probe'], 'yes');
  assert.equal(h?.['host'], `127.0.0.1:${port}`);
});

test('a Host header given by the probe is the request host', async () => {
  seen.length = 0;
  await get('/ok', { headers: [{ name: 'Host', value: 'web.example.test' }] });
  assert.equal(seen[0]?.headers['host'], 'web.example.test');
});

test('500 fails with the status code', async () => {
  assert.deepEqual(await get('/fail'), {
    result: 'failure',
    output: 'HTTP probe failed with statuscode: 500',
  });
  assert.deepEqual(await get('/missing'), {
    result: 'failure',
    output: 'HTTP probe failed with statuscode: 404',
  });
});

test('a redirect on the same host is followed', async () => {
  seen.length = 0;
  assert.deepEqual(await get('/redirect'), { result: 'success', output: 'fine' });
  assert.deepEqual(
    seen.map((s) => s.path),
    ['/redirect', '/ok?from=redirect'],
  );
  assert.equal(seen[1]?.headers['user-agent'], PROBE_USER_AGENT);
});

test('a redirect to another host is not followed and succeeds with a warning', async () => {
  seen.length = 0;
  assert.deepEqual(await get('/away'), {
    result: 'warning',
    output: 'Probe terminated redirects, Response body: moved away',
  });
  assert.deepEqual(
    seen.map((s) => s.path),
    ['/away'],
  );
  const big = await get('/big-away');
  assert.equal(big.result, 'warning');
  assert.ok(
    big.result === 'warning' &&
      big.output.length === 'Probe terminated redirects, Response body: '.length + 10 * 1024,
  );
});

test('a redirect loop stops after 10 requests', async () => {
  seen.length = 0;
  const out = await get('/loop');
  assert.deepEqual(out, {
    result: 'failure',
    output: `Get "http://127.0.0.1:${port}/loop": stopped after 10 redirects`,
  });
  assert.equal(seen.length, 10);
});

test('a large body is read only in part and still succeeds', async () => {
  const out = await get('/big');
  assert.equal(out.result, 'success');
  assert.ok(out.result === 'success' && out.output.length === 10 * 1024);
});

test('no answer within the timeout is a failure', async () => {
  const out = await get('/hang', {}, 200);
  assert.deepEqual(out, {
    result: 'failure',
    output: `Get "http://127.0.0.1:${port}/hang": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
  });
});

test('a refused connection fails as Go words it', async () => {
  const s = http.createServer();
  const closed = await listen(s);
  await close(s);
  const out = await get('/healthz', { port: closed });
  assert.deepEqual(out, {
    result: 'failure',
    output: `Get "http://127.0.0.1:${closed}/healthz": dial tcp 127.0.0.1:${closed}: connect: connection refused`,
  });
});

test('HTTPS is probed without certificate verification', async () => {
  const cert = await createCa(new Date(), 1);
  const s = https.createServer({ cert: cert.certPem, key: cert.keyPem }, handler);
  const tlsPort = await listen(s);
  try {
    assert.deepEqual(await get('/ok', { scheme: 'HTTPS', port: tlsPort }), {
      result: 'success',
      output: 'fine',
    });
    assert.deepEqual(await get('/fail', { scheme: 'HTTPS', port: tlsPort }), {
      result: 'failure',
      output: 'HTTP probe failed with statuscode: 500',
    });
  } finally {
    await close(s);
  }
});

test('an abort rejects the probe', async () => {
  const h: HttpGet = { type: 'httpGet', scheme: 'HTTP', host: '', path: '/hang', port, headers: [] };
  const ac = new AbortController();
  const p = httpProbe(buildHttpRequest(h, { name: 'c' }, '127.0.0.1'), 5000, ac.signal);
  setTimeout(() => ac.abort(new Error('stopped')), 50);
  await assert.rejects(p, { message: 'stopped' });
});
