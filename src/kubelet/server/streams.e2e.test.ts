/**
 * End to end for the kubelet's stream handlers against a real containerd: a supervised
 * containerd in a temporary directory runs a busybox container in a host-network
 * sandbox; a plain HTTP server on 127.0.0.1 hands its 'upgrade' requests to serveExec,
 * serveAttach and servePortForward; this project's own clients drive every protocol
 * (WebSocket v5/v4, SPDY, SPDY tunnelled in a WebSocket, WebSocket port-forward).
 * Skipped without root or containerd.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BUSYBOX_IMAGE,
  ensureTestImages,
  PAUSE_IMAGE,
  realContainersUnavailable,
} from '../../../test/support/registry.js';
import { connectPortForward, connectTunneledPortForward } from '../../streaming/portforward-client.js';
import { connectWebSocketPortForward } from '../../streaming/portforward-ws-client.js';
import {
  type ClientOptions,
  type RemoteCommandClient,
  spdyRemoteCommandClient,
  webSocketRemoteCommandClient,
} from '../../streaming/remotecommand-client.js';
import { statusExitCode } from '../../streaming/remotecommand-status.js';
import { ContainerdSupervisor } from '../containerd/supervisor.js';
import { CriClient } from '../cri/client.js';
import type { NamespaceOption } from '../cri/types.js';
import { type StreamDeps, serveAttach, serveExec, servePortForward } from './streams.js';

const skip = await realContainersUnavailable();

function readText(r: Readable | undefined): Promise<string> {
  if (!r) return Promise.resolve('');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    r.on('data', (c: Buffer) => chunks.push(c));
    r.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    r.on('error', reject);
  });
}

async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

type Dial = (url: string, opts: ClientOptions) => Promise<RemoteCommandClient>;
const transports: [string, Dial][] = [
  ['websocket v5', (u, o) => webSocketRemoteCommandClient(u, o, 'v5.channel.k8s.io')],
  ['websocket v4', (u, o) => webSocketRemoteCommandClient(u, o, 'v4.channel.k8s.io')],
  ['spdy v4', (u, o) => spdyRemoteCommandClient(u, o)],
];

describe('kubelet streams against containerd', { skip }, () => {
  let dir = '';
  let stopRegistry: (() => Promise<void>) | undefined;
  let sup: ContainerdSupervisor | undefined;
  let cri: CriClient | undefined;
  let server: Server | undefined;
  let base = '';
  let podId = '';
  let ctrId = '';
  let attachId = '';
  let httpPort = 0;
  const logs: string[] = [];

  before(async () => {
    const signal = AbortSignal.timeout(180_000);
    dir = await mkdtemp(join(tmpdir(), 'k8ts-streams-e2e-'));
    stopRegistry = await ensureTestImages(signal);
    sup = new ContainerdSupervisor({ dir: join(dir, 'node'), sandboxImage: PAUSE_IMAGE });
    await sup.start(signal);
    cri = new CriClient({ address: sup.layout.address });
    const o = { signal };
    const image = await cri.pullImage({ image: BUSYBOX_IMAGE }, o);
    const ns: NamespaceOption = { network: 'NODE', pid: 'CONTAINER', ipc: 'POD' };
    const sandbox = {
      metadata: { name: 'streams', namespace: 'default', uid: 'uid-streams', attempt: 0 },
      log_directory: join(dir, 'logs'),
      linux: { security_context: { namespace_options: ns } },
    };
    podId = await cri.runPodSandbox(sandbox, o);
    httpPort = await freePort();
    const www = `mkdir -p /www && echo hello-from-httpd > /www/index.html && exec httpd -f -p 127.0.0.1:${httpPort} -h /www`;
    ctrId = await cri.createContainer(
      podId,
      {
        metadata: { name: 'main', attempt: 0 },
        image: { image },
        command: ['sh', '-c', www],
        log_path: 'main/0.log',
        linux: { security_context: { namespace_options: ns } },
      },
      sandbox,
      o,
    );
    await cri.startContainer(ctrId, o);
    attachId = await cri.createContainer(
      podId,
      {
        metadata: { name: 'ticker', attempt: 0 },
        image: { image },
        command: ['sh', '-c', 'i=0; while [ $i -lt 600 ]; do echo tick-$i; i=$((i+1)); sleep 0.2; done'],
        log_path: 'ticker/0.log',
        linux: { security_context: { namespace_options: ns } },
      },
      sandbox,
      o,
    );
    await cri.startContainer(attachId, o);
    const deps: StreamDeps = { cri, log: (m) => logs.push(m) };
    server = createServer((_req, res) => res.writeHead(404).end());
    server.on('upgrade', (req, socket, head) => {
      const u = new URL(req.url ?? '/', 'http://x');
      const q = u.searchParams;
      const flags = {
        stdin: q.get('stdin') === '1',
        stdout: q.get('stdout') === '1',
        stderr: q.get('stderr') === '1',
        tty: q.get('tty') === '1',
      };
      const name = q.get('container');
      const id = name === 'ticker' ? attachId : name === 'none' ? 'no-such-container' : ctrId;
      if (u.pathname === '/exec')
        serveExec(req, socket, head, { containerId: id, command: q.getAll('command'), ...flags }, deps);
      else if (u.pathname === '/attach') serveAttach(req, socket, head, { containerId: id, ...flags }, deps);
      else
        servePortForward(
          req,
          socket,
          head,
          { sandboxId: q.get('sandbox') ?? podId, podIP: '127.0.0.1' },
          deps,
        );
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    // httpd may take a moment to listen.
    for (let i = 0; i < 100; i++) {
      const r = await cri
        .execSync(ctrId, ['wget', '-q', '-O', '-', `http://127.0.0.1:${httpPort}/`], 5, o)
        .catch(() => undefined);
      if (r?.exit_code === 0) break;
      await sleep(50);
    }
  });

  after(async () => {
    server?.closeAllConnections();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    const c = { signal: AbortSignal.timeout(30_000) };
    if (cri && podId) {
      await cri.stopPodSandbox(podId, c).catch(() => undefined);
      await cri.removePodSandbox(podId, c).catch(() => undefined);
    }
    cri?.close();
    await sup?.close();
    await stopRegistry?.();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const execUrl = (cmd: string[], flags: string): string =>
    `${base}/exec?${cmd.map((c) => `command=${encodeURIComponent(c)}`).join('&')}&${flags}`;

  for (const [name, dial] of transports) {
    test(`${name}: echo goes to stdout, exit 0 is Success`, async () => {
      const c = await dial(execUrl(['echo', 'hello', 'world'], 'stdout=1&stderr=1'), {
        stdin: false,
        stdout: true,
        stderr: true,
        tty: false,
      });
      const [out, err, status] = await Promise.all([readText(c.stdout), readText(c.stderr), c.status]);
      assert.equal(out, 'hello world\n');
      assert.equal(err, '');
      assert.equal(status.status, 'Success');
    });

    test(`${name}: stdout and stderr stay apart; exit 3 is NonZeroExitCode 3`, async () => {
      const c = await dial(execUrl(['sh', '-c', 'echo out; echo err >&2; exit 3'], 'stdout=1&stderr=1'), {
        stdin: false,
        stdout: true,
        stderr: true,
        tty: false,
      });
      const [out, err, status] = await Promise.all([readText(c.stdout), readText(c.stderr), c.status]);
      assert.equal(out, 'out\n');
      assert.equal(err, 'err\n');
      assert.equal(status.reason, 'NonZeroExitCode');
      assert.equal(statusExitCode(status), 3);
      assert.deepEqual(status.details?.causes, [{ reason: 'ExitCode', message: '3' }]);
    });
  }

  for (const [name, dial] of transports.filter(([n]) => n !== 'websocket v4')) {
    test(`${name}: cat echoes stdin until it is closed`, async () => {
      const c = await dial(execUrl(['cat'], 'stdin=1&stdout=1&stderr=1'), {
        stdin: true,
        stdout: true,
        stderr: true,
        tty: false,
      });
      const out = readText(c.stdout);
      const payload = `${'x'.repeat(200_000)}\nend\n`;
      c.stdin!.end(payload);
      assert.equal(await out, payload);
      assert.equal((await c.status).status, 'Success');
    });

    test(`${name}: a tty session runs a shell and takes resizes`, async () => {
      const c = await dial(execUrl(['sh'], 'stdin=1&stdout=1&tty=1'), {
        stdin: true,
        stdout: true,
        stderr: false,
        tty: true,
      });
      const out = readText(c.stdout);
      c.resize({ Width: 100, Height: 42 });
      await sleep(200);
      c.stdin!.write('test -t 0 && echo IS-A-TTY; stty size; exit 5\n');
      const status = await c.status;
      const text = await out;
      assert.match(text, /IS-A-TTY/);
      assert.match(text, /42 100/);
      assert.equal(statusExitCode(status), 5);
    });
  }

  test('attach reads what the container prints', async () => {
    const c = await webSocketRemoteCommandClient(`${base}/attach?container=ticker&stdout=1&stderr=1`, {
      stdin: false,
      stdout: true,
      stderr: true,
      tty: false,
    });
    let seen = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no tick seen; got ${JSON.stringify(seen)}`)), 20_000);
      c.stdout!.on('data', (d: Buffer) => {
        seen += d.toString();
        if (/tick-\d+\n/.test(seen)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    c.close();
    await c.status;
  });

  test('spdy attach reads what the container prints', async () => {
    const c = await spdyRemoteCommandClient(`${base}/attach?container=ticker&stdout=1`, {
      stdin: false,
      stdout: true,
      stderr: false,
      tty: false,
    });
    const first = await new Promise<string>((resolve) =>
      c.stdout!.once('data', (d: Buffer) => resolve(d.toString())),
    );
    assert.match(first, /tick-\d+/);
    c.close();
  });

  test('a missing container or sandbox is a 404 before the upgrade', async () => {
    const opts = { stdin: false, stdout: true, stderr: false, tty: false };
    for (const dial of [webSocketRemoteCommandClient, spdyRemoteCommandClient]) {
      const err = await dial(`${base}/exec?command=true&stdout=1&container=none`, opts).then(
        () => 'connected',
        (e: Error) => e.message,
      );
      assert.match(err, /404.*NotFound/s);
    }
    const bad = await connectPortForward(`${base}/portforward?sandbox=nope`).then(
      () => 'connected',
      (e: Error) => e.message,
    );
    assert.match(bad, /404/);
  });

  const get = `GET / HTTP/1.0\r\nHost: x\r\n\r\n`;

  test('port-forward over spdy fetches a page from httpd in the pod', async () => {
    const pf = await connectPortForward(`${base}/portforward`);
    for (let i = 0; i < 2; i++) {
      const fwd = await pf.dial(httpPort);
      const body = readText(fwd.data);
      fwd.data.end(get);
      assert.match(await body, /hello-from-httpd/);
      assert.equal(await fwd.error, '');
    }
    pf.close();
  });

  test('port-forward over spdy tunnelled in a websocket', async () => {
    const pf = await connectTunneledPortForward(`${base}/portforward`);
    const fwd = await pf.dial(httpPort);
    const body = readText(fwd.data);
    fwd.data.end(get);
    assert.match(await body, /hello-from-httpd/);
    assert.equal(await fwd.error, '');
    pf.close();
  });

  test('port-forward to a closed port reports the error', async () => {
    const pf = await connectPortForward(`${base}/portforward`);
    const fwd = await pf.dial(await freePort());
    fwd.data.end();
    assert.match(await fwd.error, /error forwarding port|connection refused/);
    pf.close();
  });

  test('port-forward over websocket v4 (client libraries)', async () => {
    const pf = await connectWebSocketPortForward(`${base}/portforward?ports=${httpPort}`, [httpPort]);
    const p = pf.ports[0]!;
    const body = readText(p.data);
    p.write(Buffer.from(get));
    assert.match(await body, /hello-from-httpd/, `${logs.join('\n')} ${await p.error}`);
    assert.equal(await p.error, '');
  });
});
