/**
 * The kubelet's HTTPS server over a fake PodLookup and real CRI-format log files in a
 * temporary directory: client-certificate checks, log options, follow, and the routing
 * of upgrade requests to the stream handlers (echo stubs here).
 */
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { KubeletServer } from './server.js';
import { type EchoCall, echoStreams, FakeLookup, rawRequest, type TestCerts, testCerts } from './testing.js';

let certs: TestCerts;
let dir: string;
let server: KubeletServer;
const lookup = new FakeLookup();
const calls: EchoCall[] = [];
const NOW = Date.parse('2024-05-01T10:00:10Z');

const LOG = [
  '2024-05-01T10:00:00.100000000Z stdout F first',
  '2024-05-01T10:00:01.000000000Z stderr P sec',
  '2024-05-01T10:00:01.500000000Z stderr F ond',
  '2024-05-01T10:00:05.000000000Z stdout F third',
  '2024-05-01T10:00:08.250000000Z stdout F fourth',
].join('\n');

function get(
  path: string,
  cert = certs.admin,
  onData?: (chunk: string) => void,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        path,
        ca: certs.ca.certPem,
        rejectUnauthorized: false,
        agent: false,
        ...(cert ? { cert: cert.certPem, key: cert.keyPem } : {}),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          body += d;
          onData?.(d);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

before(async () => {
  certs = await testCerts();
  dir = await mkdtemp(join(tmpdir(), 'k8ts-kubelet-server-'));
  await writeFile(join(dir, 'app-1.log'), `${LOG}\n`);
  await writeFile(join(dir, 'app-0.log'), '2024-05-01T09:00:00Z stdout F from the previous run\n');
  lookup.setContainer('default', 'web', 'app', {
    current: { containerId: 'c1', logPath: join(dir, 'app-1.log'), running: true },
    previous: { containerId: 'c0', logPath: join(dir, 'app-0.log'), running: false },
  });
  lookup.setContainer('default', 'web', 'starting', {});
  lookup.setSandbox('default', 'web', { sandboxId: 's1', podIP: '10.42.0.7' });
  server = await KubeletServer.start({
    host: '127.0.0.1',
    port: 0,
    certPem: certs.serving.certPem,
    keyPem: certs.serving.keyPem,
    caPem: certs.ca.certPem,
    lookup,
    streams: echoStreams(calls),
    log: () => {},
    now: () => NOW,
    logPollMs: 20,
  });
});

after(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('client certificates', () => {
  test('no certificate is 401', async () => {
    assert.deepEqual(await get('/healthz', null as never), { status: 401, body: 'Unauthorized' });
  });
  test('a certificate of another CA is 401', async () => {
    assert.deepEqual(await get('/healthz', certs.foreign), { status: 401, body: 'Unauthorized' });
  });
  test('a user of the CA that is not allowed is 403 with the request attributes', async () => {
    assert.deepEqual(await get('/containerLogs/default/web/app', certs.user), {
      status: 403,
      body: 'Forbidden (user=jane, verb=get, resource=nodes, subresource=proxy)',
    });
  });
  test('system:masters and the API server kubelet client are let in', async () => {
    assert.deepEqual(await get('/healthz', certs.admin), { status: 200, body: 'ok' });
    assert.deepEqual(await get('/healthz', certs.kubeletClient), { status: 200, body: 'ok' });
  });
  test('an upgrade without a certificate is refused before any handler runs', async () => {
    const before = calls.length;
    const ex = await rawRequest(
      server.port,
      'GET /exec/default/web/app?command=sh&stdout=1 HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n',
      { ca: certs.ca.certPem },
    );
    const text = await ex.read((t) => t.includes('Unauthorized'));
    ex.socket.destroy();
    assert.match(text, /^HTTP\/1\.1 401 /);
    assert.equal(calls.length, before);
  });
});

describe('container logs', () => {
  const logs = (q = '') => get(`/containerLogs/default/web/app${q}`);
  test('the whole log, partial pieces joined', async () => {
    assert.deepEqual(await logs(), { status: 200, body: 'first\nsecond\nthird\nfourth\n' });
  });
  test('tailLines counts whole lines', async () => {
    assert.equal((await logs('?tailLines=2')).body, 'third\nfourth\n');
    assert.equal((await logs('?tailLines=3')).body, 'second\nthird\nfourth\n');
    assert.equal((await logs('?tailLines=0')).body, '');
  });
  test('sinceTime and sinceSeconds', async () => {
    assert.equal((await logs('?sinceTime=2024-05-01T10:00:05Z')).body, 'third\nfourth\n');
    assert.equal((await logs('?sinceSeconds=3')).body, 'fourth\n');
  });
  test('timestamps as kubectl shows them', async () => {
    assert.equal(
      (await logs('?timestamps=true&tailLines=3')).body,
      '2024-05-01T10:00:01Z second\n2024-05-01T10:00:05Z third\n2024-05-01T10:00:08.25Z fourth\n',
    );
  });
  test('limitBytes cuts the output', async () => {
    assert.equal((await logs('?limitBytes=9')).body, 'first\nsec');
  });
  test('previous reads the last terminated instance', async () => {
    assert.equal((await logs('?previous=true')).body, 'from the previous run\n');
  });
  test('errors come from the lookup and the option checks', async () => {
    assert.deepEqual(await get('/containerLogs/default/nope/app'), {
      status: 404,
      body: 'pod "nope" does not exist',
    });
    assert.deepEqual(await get('/containerLogs/default/web/starting'), {
      status: 400,
      body: 'container "starting" in pod "web" is waiting to start: ContainerCreating',
    });
    assert.deepEqual(await logs('?tailLines=-1'), { status: 422, body: '{"message": "Invalid request."}' });
    assert.equal((await logs('?limitBytes=abc')).status, 400);
    assert.equal((await get('/nothing/here')).status, 404);
  });
  test('follow streams appended lines and ends when the container stops', async () => {
    const path = join(dir, 'follow.log');
    await writeFile(path, '2024-05-01T10:00:00Z stdout F before\n');
    lookup.setContainer('default', 'web', 'tailer', {
      current: { containerId: 'f1', logPath: path, running: true },
    });
    let seen = '';
    let wake: () => void = () => {};
    const progress = (want: string) =>
      new Promise<void>((resolve) => {
        wake = () => {
          if (seen.includes(want)) resolve();
        };
        wake();
      });
    const done = get('/containerLogs/default/web/tailer?follow=true', certs.admin, (d) => {
      seen += d;
      wake();
    });
    await progress('before\n');
    await appendFile(path, '2024-05-01T10:00:01Z stdout P app\n2024-05-01T10:00:02Z stdout F ended\n');
    await progress('appended\n');
    // The container stops after one last line: the stream drains it, then ends.
    await appendFile(path, '2024-05-01T10:00:03Z stderr F last words\n');
    lookup.setContainer('default', 'web', 'tailer', {
      current: { containerId: 'f1', logPath: path, running: false },
    });
    const res = await done;
    assert.equal(res.status, 200);
    assert.equal(res.body, 'before\nappended\nlast words\n');
  });
});

describe('streams', () => {
  const upgrade = (method: string, path: string, cert = certs.admin) =>
    rawRequest(
      server.port,
      `${method} ${path} HTTP/1.1\r\nHost: kubelet\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n`,
      { ca: certs.ca.certPem, cert },
    );
  test('exec reaches the handler with the container and options, then the bytes flow', async () => {
    const ex = await upgrade(
      'POST',
      '/exec/default/web/app?command=sh&command=-c&command=echo%20hi&stdin=1&stdout=1&stderr=1&tty=1',
    );
    const text = await ex.read((t) => t.includes('}\n'));
    assert.match(text, /^HTTP\/1\.1 101 /);
    const call = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4).trim()) as EchoCall;
    assert.equal(call.handler, 'exec');
    assert.deepEqual(call.target, {
      containerId: 'c1',
      stdin: true,
      stdout: true,
      stderr: false,
      tty: true,
      command: ['sh', '-c', 'echo hi'],
    });
    ex.socket.write('ping-through');
    await ex.read((t) => t.endsWith('ping-through'));
    ex.socket.destroy();
  });
  test('attach and port-forward resolve their targets', async () => {
    const at = await upgrade('GET', '/attach/default/web/app?output=1');
    const a = await at.read((t) => t.includes('}\n'));
    at.socket.destroy();
    assert.match(a, /"handler":"attach".*"containerId":"c1"/);
    const pf = await upgrade('POST', '/portForward/default/web?ports=8080');
    const p = await pf.read((t) => t.includes('}\n'));
    pf.socket.destroy();
    assert.match(p, /"handler":"portForward".*"target":\{"sandboxId":"s1","podIP":"10.42.0.7"\}/);
  });
  test('refusals: no streams asked, a container not running, unknown pod, forbidden user', async () => {
    const cases: [string, string, RegExp][] = [
      [
        '/exec/default/web/app?command=ls',
        'HTTP/1.1 400',
        /you must specify at least 1 of stdin, stdout, stderr/,
      ],
      ['/exec/default/web/starting?command=ls&stdout=1', 'HTTP/1.1 400', /waiting to start/],
      ['/portForward/default/ghost', 'HTTP/1.1 404', /pod "ghost" does not exist/],
    ];
    lookup.setContainer('default', 'web', 'stopped', {
      current: { containerId: 'c9', logPath: '', running: false },
    });
    cases.push([
      '/exec/default/web/stopped?command=ls&stdout=1',
      'HTTP/1.1 500',
      /container not found \("stopped"\)/,
    ]);
    for (const [path, status, body] of cases) {
      const ex = await upgrade('POST', path);
      const text = await ex.read(() => false);
      assert.ok(text.startsWith(status), `${path}: ${text}`);
      assert.match(text, body);
    }
    const denied = await upgrade('POST', '/exec/default/web/app?command=ls&stdout=1', certs.user);
    assert.match(
      await denied.read(() => false),
      /^HTTP\/1\.1 403 [\s\S]*Forbidden \(user=jane, verb=create, resource=nodes, subresource=proxy\)/,
    );
  });
});
