/**
 * pods/exec, attach and portforward through a real API server to a real KubeletServer
 * on loopback whose stream handlers echo: raw HTTP/1.1 WebSocket upgrades (with and
 * without credentials), and the real kubectl 1.32 for an error case and for an exec
 * against a stub that speaks the stream protocol (../../streaming).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { hasKubectl } from '../../../test/support/kubectl.js';
import { KubeletServer, type StreamHandlers } from '../../kubelet/server/server.js';
import type { ExecTarget } from '../../kubelet/server/streams.js';
import type { EchoCall } from '../../kubelet/server/testing.js';
import { acceptRemoteCommand } from '../../streaming/remotecommand.js';
import { exitCodeStatus } from '../../streaming/remotecommand-status.js';
import { type NodeProxyFixture, startNodeProxyFixture, WS_KEY } from './testing.js';

let f: NodeProxyFixture;
before(async () => {
  f = await startNodeProxyFixture();
});
after(async () => {
  await f?.close();
});

describe('upgrades through the API server', () => {
  test('exec reaches the kubelet handler with its options, and bytes flow both ways', async () => {
    const ex = await f.upgrade(
      '/api/v1/namespaces/default/pods/web/exec?container=app&command=sh&command=-c&command=echo%20hi&stdout=true&stderr=true',
    );
    const text = await ex.read((t) => t.includes('}\n'));
    assert.match(text, /^HTTP\/1\.1 101 /);
    // The accept key proves the kubelet's answer reached the client unchanged.
    const accept = createHash('sha1')
      .update(`${WS_KEY}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
      .digest('base64');
    assert.ok(text.includes(`Sec-WebSocket-Accept: ${accept}\r\n`), text);
    const call = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4).trim()) as EchoCall;
    assert.equal(call.handler, 'exec');
    assert.equal(call.url, '/exec/default/web/app?output=1&error=1&command=sh&command=-c&command=echo+hi');
    assert.deepEqual(call.target, {
      containerId: 'c1',
      stdin: false,
      stdout: true,
      stderr: true,
      tty: false,
      command: ['sh', '-c', 'echo hi'],
    });
    ex.socket.write('round trip');
    await ex.read((t) => t.endsWith('round trip'));
    ex.socket.destroy();
  });

  test('attach and portforward', async () => {
    const at = await f.upgrade(
      '/api/v1/namespaces/default/pods/single/attach?stdin=true&stdout=true&tty=true',
    );
    const a = await at.read((t) => t.includes('}\n'));
    at.socket.destroy();
    assert.match(a, /"url":"\/attach\/default\/single\/only\?input=1&output=1&tty=1"/);
    const pf = await f.upgrade('/api/v1/namespaces/default/pods/web/portforward?ports=8080&ports=9090');
    const p = await pf.read((t) => t.includes('}\n'));
    pf.socket.destroy();
    assert.match(p, /"handler":"portForward","url":"\/portForward\/default\/web\?ports=8080%2C9090"/);
    assert.match(p, /"target":\{"sandboxId":"s1","podIP":"10.42.0.9"\}/);
  });

  test('refusals are Status answers and never reach the kubelet', async () => {
    const before = f.calls.length;
    const cases: [string, boolean, number, string][] = [
      [
        '/api/v1/namespaces/default/pods/web/exec?container=app&command=ls&stdout=true',
        false,
        401,
        'Unauthorized',
      ],
      [
        '/api/v1/namespaces/default/pods/pending/exec?command=ls&stdout=true',
        true,
        400,
        'pod pending does not have a host assigned',
      ],
      ['/api/v1/namespaces/default/pods/ghost/attach?stdout=true', true, 404, 'pods "ghost" not found'],
      [
        '/api/v1/namespaces/default/pods/web/exec?container=nope&command=ls',
        true,
        400,
        'container nope is not valid for pod web',
      ],
    ];
    for (const [path, withCert, code, message] of cases) {
      const ex = await f.upgrade(path, withCert);
      const text = await ex.read(() => false);
      assert.match(text, new RegExp(`^HTTP/1\\.1 ${code} `), path);
      const status = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as {
        message: string;
        code: number;
      };
      assert.deepEqual([status.code, status.message], [code, message], path);
    }
    assert.equal(f.calls.length, before);
    const plain = await f.apiGet(
      '/api/v1/namespaces/default/pods/web/exec?container=app&command=ls&stdout=true',
    );
    assert.equal(plain.status, 400);
    assert.equal((JSON.parse(plain.body) as { message: string }).message, 'Upgrade request required');
  });

  test('a kubelet refusal passes through; an unreachable kubelet is a dial error', async () => {
    const ex = await f.upgrade(
      '/api/v1/namespaces/default/pods/web/exec?container=sidecar&command=ls&stdout=true',
    );
    const text = await ex.read(() => false);
    assert.match(text, /^HTTP\/1\.1 400 [\s\S]*is waiting to start: ContainerCreating$/);
    const lost = await f.upgrade('/api/v1/namespaces/default/pods/lost/exec?command=ls&stdout=true');
    const l = await lost.read(() => false);
    assert.match(l, /^HTTP\/1\.1 500 /);
    assert.match(
      l,
      new RegExp(
        `error dialing backend: dial tcp 127\\.0\\.0\\.1:${f.deadPort}: connect: connection refused`,
      ),
    );
  });

  test('an upgrade request to an endpoint that does not upgrade is served as a plain request', async () => {
    const got = await f.upgrade('/api/v1/namespaces/default/pods/web');
    const text = await got.read(() => false);
    assert.match(text, /^HTTP\/1\.1 200 /);
    assert.match(text, /"kind":"Pod"/);
    const anon = await f.upgrade('/api/v1/namespaces/default/pods/web', false);
    assert.match(await anon.read(() => false), /^HTTP\/1\.1 401 /);
  });

  test('kubectl exec on a pod without a node gives the upstream error', {
    skip: !hasKubectl() && 'no kubectl',
  }, async () => {
    const r = await f.kubectl(['exec', 'pending', '--', 'ls']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /pod pending does not have a host assigned/);
  });
});

describe('kubectl exec through the API server to a kubelet stub that speaks the protocol', {
  skip: !hasKubectl() && 'kubectl 1.32 is not installed',
}, () => {
  let kubelet: KubeletServer | undefined;
  const execs: ExecTarget[] = [];
  before(async () => {
    const cert = await f.servingCert();
    // Runs no command: prints what it was asked, echoes stdin, and exits with 3.
    const exec: StreamHandlers['exec'] = (req, socket, head, target) => {
      execs.push(target);
      void (async () => {
        const session = await acceptRemoteCommand(req, socket, head, target);
        if (!session) return;
        session.stdout?.write(`ran: ${target.command.join(' ')}\n`);
        session.stderr?.write('to stderr\n');
        if (session.stdin && session.stdout)
          for await (const chunk of session.stdin) session.stdout.write(chunk);
        await session.finish(exitCodeStatus(3));
      })();
    };
    const refuse = (_req: unknown, socket: Duplex) => socket.destroy();
    kubelet = await KubeletServer.start({
      host: '127.0.0.1',
      port: 0,
      certPem: cert.certPem,
      keyPem: cert.keyPem,
      caPem: f.api.server.pki.caCertPem,
      lookup: f.lookup,
      streams: { exec, attach: refuse, portForward: refuse },
      log: () => {},
    });
    await f.addNode('n3', kubelet.port);
    await f.addPod('real', ['main'], 'n3');
    f.lookup.setContainer('default', 'real', 'main', {
      current: { containerId: 'r1', logPath: '', running: true },
    });
  });
  after(async () => {
    await kubelet?.close();
  });

  test('stdout, stderr, stdin and the exit code make the round trip', async () => {
    const r = await f.kubectl(['exec', '-i', 'real', '--', 'say', 'hello world'], { input: 'typed in\n' });
    assert.equal(r.stdout, 'ran: say hello world\ntyped in\n');
    assert.match(r.stderr, /^to stderr\n/);
    assert.equal(r.code, 3);
    assert.deepEqual(execs.at(-1), {
      containerId: 'r1',
      command: ['say', 'hello world'],
      stdin: true,
      stdout: true,
      stderr: true,
      tty: false,
    });
  });
});
