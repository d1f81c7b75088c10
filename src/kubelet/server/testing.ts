/**
 * Test support for the kubelet's server: certificates of a throw-away cluster CA, a
 * PodLookup over a table the test fills, stream handlers that accept the upgrade and
 * echo, and a raw TLS client for requests and upgrades. Not used by production code.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { connect, type TLSSocket } from 'node:tls';
import { createCa, type IssuedCert, issueLeaf } from '../../apiserver/pki/issue.js';
import { sanSet } from '../../apiserver/pki/sans.js';
import type { ContainerRef, LookupError, PodLookup } from './lookup.js';
import type { StreamHandlers } from './upgrade.js';

export interface TestCerts {
  ca: IssuedCert;
  serving: IssuedCert;
  admin: IssuedCert;
  kubeletClient: IssuedCert;
  /** A user of the CA that is not allowed on the kubelet. */
  user: IssuedCert;
  /** A system:masters certificate of another CA. */
  foreign: IssuedCert;
}

export async function testCerts(): Promise<TestCerts> {
  const now = new Date();
  const ca = await createCa(now, 1);
  const other = await createCa(now, 1);
  const client = (c: IssuedCert, commonName: string, organizations: string[]) =>
    issueLeaf(c, { commonName, organizations, usage: 'client', days: 1 }, now);
  return {
    ca,
    serving: await issueLeaf(
      ca,
      { commonName: 'kubelet', usage: 'server', sans: sanSet(['localhost'], ['127.0.0.1']), days: 1 },
      now,
    ),
    admin: await client(ca, 'admin', ['system:masters']),
    kubeletClient: await client(ca, 'kube-apiserver-kubelet-client', []),
    user: await client(ca, 'jane', ['developers']),
    foreign: await client(other, 'admin', ['system:masters']),
  };
}

interface FakeContainer {
  current?: ContainerRef;
  previous?: ContainerRef;
}

interface FakePod {
  containers: Map<string, FakeContainer>;
  sandbox?: { sandboxId: string; podIP: string };
}

/** A PodLookup over pods the test declares; answers as the kubelet does for unknown names. */
export class FakeLookup implements PodLookup {
  readonly pods = new Map<string, FakePod>();

  setContainer(ns: string, pod: string, name: string, c: FakeContainer): void {
    const key = `${ns}/${pod}`;
    const entry: FakePod = this.pods.get(key) ?? { containers: new Map() };
    entry.containers.set(name, c);
    this.pods.set(key, entry);
  }

  setSandbox(ns: string, pod: string, sandbox: { sandboxId: string; podIP: string }): void {
    const key = `${ns}/${pod}`;
    const entry: FakePod = this.pods.get(key) ?? { containers: new Map() };
    entry.sandbox = sandbox;
    this.pods.set(key, entry);
  }

  container(ns: string, pod: string, name: string, previous: boolean): ContainerRef | LookupError {
    const entry = this.pods.get(`${ns}/${pod}`);
    if (!entry) return { code: 404, message: `pod "${pod}" does not exist` };
    const c = entry.containers.get(name);
    if (!c) return { code: 404, message: `container "${name}" not found in pod "${pod}"` };
    const ref = previous ? c.previous : c.current;
    if (!ref)
      return previous
        ? { code: 400, message: `previous terminated container "${name}" in pod "${pod}" not found` }
        : {
            code: 400,
            message: `container "${name}" in pod "${pod}" is waiting to start: ContainerCreating`,
          };
    return ref;
  }

  sandbox(ns: string, pod: string): { sandboxId: string; podIP: string } | LookupError {
    const entry = this.pods.get(`${ns}/${pod}`);
    if (!entry?.sandbox) return { code: 404, message: `pod "${pod}" does not exist` };
    return entry.sandbox;
  }
}

export interface EchoCall {
  handler: 'exec' | 'attach' | 'portForward';
  url: string;
  method: string;
  target: unknown;
}

/**
 * Stream handlers that accept any upgrade (answering a WebSocket key properly), write one
 * JSON line describing the call, then echo every byte back. `calls` records the calls.
 */
export function echoStreams(calls: EchoCall[] = []): StreamHandlers & { calls: EchoCall[] } {
  const accept =
    (handler: EchoCall['handler']) =>
    (req: IncomingMessage, socket: Duplex, head: Buffer, target: unknown) => {
      const call = { handler, url: req.url ?? '', method: req.method ?? '', target };
      calls.push(call);
      const key = req.headers['sec-websocket-key'];
      const lines = [
        'HTTP/1.1 101 Switching Protocols',
        `Upgrade: ${req.headers.upgrade ?? ''}`,
        'Connection: Upgrade',
      ];
      if (typeof key === 'string') {
        const digest = createHash('sha1')
          .update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
          .digest('base64');
        lines.push(`Sec-WebSocket-Accept: ${digest}`);
      }
      socket.write(`${lines.join('\r\n')}\r\n\r\n${JSON.stringify(call)}\n`);
      if (head.length > 0) socket.write(head);
      socket.on('error', () => socket.destroy());
      socket.pipe(socket);
    };
  return { calls, exec: accept('exec'), attach: accept('attach'), portForward: accept('portForward') };
}

export interface RawExchange {
  socket: TLSSocket;
  /** Resolves with everything read once `until` matches what was read so far (or the socket ends). */
  read(until: (text: string) => boolean, timeoutMs?: number): Promise<string>;
}

/** Opens a TLS connection (with an optional client certificate) and sends `request` raw. */
export function rawRequest(
  port: number,
  request: string,
  tls: { ca: string; cert?: IssuedCert; host?: string },
): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const socket = connect(
      {
        host: tls.host ?? '127.0.0.1',
        port,
        ca: tls.ca,
        rejectUnauthorized: false,
        ALPNProtocols: ['http/1.1'],
        ...(tls.cert ? { cert: tls.cert.certPem, key: tls.cert.keyPem } : {}),
      },
      () => {
        socket.write(request);
        resolve({ socket, read });
      },
    );
    let text = '';
    let ended = false;
    const waiters = new Set<() => void>();
    socket.on('data', (d: Buffer) => {
      text += d.toString('utf8');
      for (const w of waiters) w();
    });
    socket.on('close', () => {
      ended = true;
      for (const w of waiters) w();
    });
    socket.on('error', (err) => reject(err));
    function read(until: (t: string) => boolean, timeoutMs = 10_000): Promise<string> {
      return new Promise((done, fail) => {
        const check = () => {
          if (until(text) || ended) {
            waiters.delete(check);
            clearTimeout(timer);
            done(text);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          fail(new Error(`timed out waiting; read so far: ${JSON.stringify(text)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    }
  });
}
