/**
 * Exec/attach and port-forward servers without a container runtime: a local handler
 * plays the command (echo stdin, report an exit code) behind acceptRemoteCommand, and
 * an echo TCP server plays the pod behind acceptPortForward. Checks the exact Status
 * JSON, the text status of old protocols, refusals before the upgrade, and every
 * port-forward form.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect, createServer as createNetServer, type Server as NetServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { acceptPortForward } from './portforward.js';
import { connectPortForward, connectTunneledPortForward } from './portforward-client.js';
import { connectWebSocketPortForward } from './portforward-ws-client.js';
import { acceptRemoteCommand } from './remotecommand.js';
import { spdyRemoteCommandClient, webSocketRemoteCommandClient } from './remotecommand-client.js';
import { encodeStatus, exitCodeStatus, statusExitCode, successStatus } from './remotecommand-status.js';
import { connectSpdy } from './spdy/upgrade.js';

test('Status JSON as the kubelet writes it', () => {
  assert.equal(
    encodeStatus('v4.channel.k8s.io', successStatus()).toString(),
    '{"metadata":{},"status":"Success"}',
  );
  assert.equal(
    encodeStatus(
      'v5.channel.k8s.io',
      exitCodeStatus(3, 'command terminated with non-zero exit code: exit 3'),
    ).toString(),
    '{"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: exit 3",' +
      '"reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}}',
  );
  assert.equal(encodeStatus('v2.channel.k8s.io', successStatus()).toString(), '');
  assert.equal(encodeStatus('v3.channel.k8s.io', exitCodeStatus(1, 'boom')).toString(), 'boom');
});

describe('remote command server', () => {
  let server: Server;
  let base = '';
  before(async () => {
    server = createServer();
    server.on('upgrade', async (req, socket, head) => {
      const q = new URL(req.url ?? '/', 'http://x').searchParams;
      const opts = { stdin: q.has('stdin'), stdout: true, stderr: true, tty: q.has('tty') };
      const s = await acceptRemoteCommand(req, socket, head, { ...opts, streamCreationTimeoutMs: 300 });
      if (!s) return;
      // The "command": sizes and stdin to stdout, "err" to stderr, exits with ?code.
      s.onResize((size) => s.stdout?.write(`size ${size.Width}x${size.Height}\n`));
      s.stderr?.write('err\n');
      if (s.stdin) s.stdin.pipe(s.stdout!, { end: false });
      if (s.stdin) await new Promise((r) => s.stdin!.on('end', r));
      const code = Number(q.get('code') ?? 0);
      await s.finish(code ? exitCodeStatus(code) : successStatus());
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const text = (r: NodeJS.ReadableStream | undefined): Promise<string> =>
    new Promise((resolve) => {
      let t = '';
      r?.on('data', (c: Buffer) => {
        t += c;
      });
      r?.on('end', () => resolve(t));
    });

  for (const [name, dial] of [
    [
      'websocket v5',
      (u: string, tty: boolean) =>
        webSocketRemoteCommandClient(u, { stdin: true, stdout: true, stderr: true, tty }),
    ],
    [
      'spdy v4',
      (u: string, tty: boolean) =>
        spdyRemoteCommandClient(u, { stdin: true, stdout: true, stderr: true, tty }),
    ],
  ] as const) {
    test(`${name}: stdin, stderr, resize and the exit code`, async () => {
      const c = await dial(`${base}/exec?stdin&tty&code=7`, true);
      c.resize({ Width: 80, Height: 24 });
      const out = text(c.stdout);
      await new Promise((r) => setTimeout(r, 50));
      c.stdin!.end('typed\n');
      const status = await c.status;
      assert.equal(await out, 'size 80x24\ntyped\n');
      assert.equal(statusExitCode(status), 7);
    });
  }

  test('spdy v2 gets the failure as text on the error stream', async () => {
    const c = await spdyRemoteCommandClient(
      `${base}/exec?code=2`,
      { stdin: false, stdout: true, stderr: true, tty: false },
      ['v2.channel.k8s.io'],
    );
    assert.equal(c.protocol, 'v2.channel.k8s.io');
    assert.equal(await text(c.stderr), 'err\n');
    const status = await c.status;
    assert.equal(status.message, 'command terminated with non-zero exit code: exit status 2');
    assert.equal(status.reason, undefined);
  });

  test('a client that never opens its streams is dropped after the timeout', async () => {
    const { session } = await connectSpdy(`${base}/exec`, ['v4.channel.k8s.io']);
    const closed = new Promise((r) => session.once('close', r));
    await closed;
    assert.equal(session.transportGone, true);
  });

  test('a plain request without an upgrade is a 400', async () => {
    const res = await fetch(`${base}/exec`, { headers: { Connection: 'Upgrade', Upgrade: 'h2c' } }).catch(
      (e: Error) => e,
    );
    // Node's fetch cannot see upgrade answers; ask with a raw socket instead.
    void res;
    const sock = connect(Number(new URL(base).port), '127.0.0.1');
    sock.write('GET /exec HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n');
    const answer = await new Promise<string>((r) => {
      let t = '';
      sock.on('data', (c: Buffer) => {
        t += c;
      });
      sock.on('end', () => r(t));
    });
    assert.match(answer, /^HTTP\/1.1 400 Bad Request/);
    assert.match(answer, /unable to upgrade: missing upgrade headers in request/);
  });
});

describe('port-forward server', () => {
  let echo: NetServer;
  let server: Server;
  let base = '';
  let port = 0;
  before(async () => {
    echo = createNetServer((s) => s.on('data', (d) => s.end(`echo:${d}`)));
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    port = (echo.address() as { port: number }).port;
    server = createServer();
    server.on('upgrade', (req, socket, head) => {
      acceptPortForward(req, socket, head, {
        streamCreationTimeoutMs: 300,
        onConnection: (c) => {
          const s = connect(c.port, '127.0.0.1');
          s.on('error', (e) => c.error.end(`dial: ${e.message}`));
          c.data.pipe(s);
          s.pipe(c.data);
          s.on('close', () => c.error.end());
        },
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await new Promise((r) => echo.close(r));
  });

  const read = (r: NodeJS.ReadableStream): Promise<string> =>
    new Promise((resolve) => {
      let t = '';
      r.on('data', (c: Buffer) => {
        t += c;
      });
      r.on('end', () => resolve(t));
    });

  for (const [name, dial] of [
    ['spdy', connectPortForward],
    ['spdy over websocket', connectTunneledPortForward],
  ] as const) {
    test(`${name}: several connections on one session`, async () => {
      const pf = await dial(`${base}/pf`);
      const results = await Promise.all(
        ['a', 'b', 'c'].map(async (word) => {
          const f = await pf.dial(port);
          const body = read(f.data);
          f.data.end(word);
          return [await body, await f.error];
        }),
      );
      assert.deepEqual(results, [
        ['echo:a', ''],
        ['echo:b', ''],
        ['echo:c', ''],
      ]);
      pf.close();
    });
  }

  test('spdy: a data stream without its error stream times out', async () => {
    const pf = await connectPortForward(`${base}/pf`);
    const lone = pf.session.openStream({ streamtype: 'error', port: String(port), requestid: '42' });
    lone.end();
    assert.equal(await read(lone), 'timed out waiting for streams');
    pf.close();
  });

  test('websocket v4: two ports, port prefixes, data and closing', async () => {
    const pf = await connectWebSocketPortForward(`${base}/pf?ports=${port}&ports=${port}`, [port, port]);
    const bodies = pf.ports.map((p) => read(p.data));
    pf.ports[0]!.write(Buffer.from('x'));
    pf.ports[1]!.write(Buffer.from('y'));
    assert.deepEqual(await Promise.all(bodies), ['echo:x', 'echo:y']);
    assert.equal(await pf.ports[0]!.error, '');
  });

  test('websocket v4: a bad port is a 400 before the upgrade', async () => {
    await assert.rejects(
      connectWebSocketPortForward(`${base}/pf?ports=http`, [0]),
      /400.*unable to parse "http"/s,
    );
    await assert.rejects(
      connectWebSocketPortForward(`${base}/pf`, [0]),
      /400.*query parameter "port" is required/s,
    );
  });
});
