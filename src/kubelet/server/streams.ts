/**
 * The kubelet's exec, attach and port-forward handlers, called from the HTTPS server's
 * 'upgrade' event. They speak every client protocol (../../streaming/: WebSocket v5/v4
 * and older, SPDY/3.1, SPDY tunnelled in a WebSocket) and reach the container through
 * the CRI: Exec/Attach/PortForward give a URL on the runtime's streaming server, which
 * this side dials over SPDY (the protocol containerd's server handles fully: stdin
 * half-close, resize, exit status) and relays. Port-forward goes through the runtime
 * too (it dials the port inside the pod's network namespace), so the pod IP is not used.
 *
 * The handlers never throw: a failure before the upgrade is an HTTP error response; after
 * it, a Status on the error channel or a closed connection.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { writeHttpError } from '../../streaming/http-upgrade.js';
import {
  acceptPortForward,
  classifyPortForward,
  type ForwardedConnection,
} from '../../streaming/portforward.js';
import { connectPortForward, type PortForwardClient } from '../../streaming/portforward-client.js';
import {
  acceptRemoteCommand,
  negotiateRemoteCommand,
  normalizeStreamOptions,
} from '../../streaming/remotecommand.js';
import { type RemoteCommandClient, spdyRemoteCommandClient } from '../../streaming/remotecommand-client.js';
import { internalErrorStatus } from '../../streaming/remotecommand-status.js';
import type { CriClient } from '../cri/client.js';
import { relayRemoteCommand, writeRuntimeError } from './streams-runtime.js';

export interface StreamDeps {
  cri: CriClient;
  log: (msg: string) => void;
}

export interface ExecTarget {
  containerId: string;
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

export interface AttachTarget {
  containerId: string;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

export interface PortForwardTarget {
  sandboxId: string;
  podIP: string;
}

/** Deadline of the CRI calls that hand out streaming URLs. */
const CRI_TIMEOUT_MS = 30_000;

type Flags = { stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean };

async function remoteCommand(
  what: 'exec' | 'attach',
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  target: Flags & { containerId: string },
  deps: StreamDeps,
  getUrl: (flags: Flags, signal: AbortSignal) => Promise<string>,
): Promise<void> {
  const flags = normalizeStreamOptions(target);
  if (typeof flags === 'string') return writeHttpError(socket, 400, flags);
  const n = negotiateRemoteCommand(req);
  if (!n.ok) return writeHttpError(socket, n.code, n.message);
  let url: string;
  try {
    url = await getUrl(flags, AbortSignal.timeout(CRI_TIMEOUT_MS));
  } catch (err) {
    deps.log(`${what} ${target.containerId}: ${(err as Error).message}`);
    return writeRuntimeError(socket, err);
  }
  const session = await acceptRemoteCommand(req, socket, head, flags);
  if (!session) return;
  let runtime: RemoteCommandClient;
  try {
    runtime = await spdyRemoteCommandClient(url, { ...flags, signal: AbortSignal.timeout(CRI_TIMEOUT_MS) });
  } catch (err) {
    const message = (err as Error).message;
    deps.log(`${what} ${target.containerId}: runtime streaming server: ${message}`);
    const prefix = what === 'exec' ? 'error executing command in container' : 'error attaching to container';
    return session.finish(internalErrorStatus(`${prefix}: ${message}`));
  }
  await relayRemoteCommand(session, runtime);
}

export function serveExec(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  target: ExecTarget,
  deps: StreamDeps,
): void {
  const getUrl = (f: Flags, signal: AbortSignal): Promise<string> =>
    deps.cri.exec({ container_id: target.containerId, cmd: target.command, ...f }, { signal });
  remoteCommand('exec', req, socket, head, target, deps, getUrl).catch((err: Error) => {
    deps.log(`exec ${target.containerId}: ${err.message}`);
    socket.destroy();
  });
}

export function serveAttach(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  target: AttachTarget,
  deps: StreamDeps,
): void {
  const getUrl = (f: Flags, signal: AbortSignal): Promise<string> =>
    deps.cri.attach({ container_id: target.containerId, ...f }, { signal });
  remoteCommand('attach', req, socket, head, target, deps, getUrl).catch((err: Error) => {
    deps.log(`attach ${target.containerId}: ${err.message}`);
    socket.destroy();
  });
}

/** One runtime SPDY connection at a time; a new CRI call (fresh token) after it ends. */
class RuntimeForwarder {
  #client: Promise<PortForwardClient> | undefined;
  #closed = false;

  constructor(
    private readonly target: PortForwardTarget,
    private readonly deps: StreamDeps,
    private url: string | undefined,
  ) {}

  connect(): Promise<PortForwardClient> {
    if (this.#closed) return Promise.reject(new Error('port-forward session closed'));
    if (!this.#client) {
      const p = (async () => {
        const url =
          this.url ??
          (await this.deps.cri.portForward(this.target.sandboxId, [], {
            signal: AbortSignal.timeout(CRI_TIMEOUT_MS),
          }));
        this.url = undefined;
        const client = await connectPortForward(url, AbortSignal.timeout(CRI_TIMEOUT_MS));
        client.session.once('close', () => {
          if (this.#client === p) this.#client = undefined;
        });
        if (this.#closed) client.close();
        return client;
      })();
      this.#client = p;
      p.catch(() => {
        if (this.#client === p) this.#client = undefined;
      });
    }
    return this.#client;
  }

  async forward(conn: ForwardedConnection): Promise<void> {
    try {
      const client = await this.connect();
      const fwd = await client.dial(conn.port);
      conn.data.pipe(fwd.data);
      fwd.data.pipe(conn.data);
      const text = await fwd.error;
      conn.error.end(text || undefined);
    } catch (err) {
      const msg = `error forwarding port ${conn.port} to pod sandbox ${this.target.sandboxId}: ${(err as Error).message}`;
      this.deps.log(msg);
      conn.error.end(msg);
      conn.data.end();
    }
  }

  close(): void {
    this.#closed = true;
    void this.#client?.then((c) => c.close()).catch(() => undefined);
  }
}

async function portForward(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  target: PortForwardTarget,
  deps: StreamDeps,
): Promise<void> {
  const kind = classifyPortForward(req);
  if (!kind.ok) return writeHttpError(socket, kind.code, kind.message);
  let url: string;
  try {
    url = await deps.cri.portForward(target.sandboxId, kind.ports, {
      signal: AbortSignal.timeout(CRI_TIMEOUT_MS),
    });
  } catch (err) {
    deps.log(`port-forward ${target.sandboxId}: ${(err as Error).message}`);
    return writeRuntimeError(socket, err);
  }
  const runtime = new RuntimeForwarder(target, deps, url);
  const session = acceptPortForward(req, socket, head, {
    onConnection: (conn) => void runtime.forward(conn),
  });
  if (!session) return;
  // The runtime's token is short-lived: use it now, not at the first connection.
  runtime.connect().catch((err: Error) => deps.log(`port-forward ${target.sandboxId}: ${err.message}`));
  session.clientGone.addEventListener('abort', () => runtime.close(), { once: true });
}

export function servePortForward(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  target: PortForwardTarget,
  deps: StreamDeps,
): void {
  portForward(req, socket, head, target, deps).catch((err: Error) => {
    deps.log(`port-forward ${target.sandboxId}: ${err.message}`);
    socket.destroy();
  });
}
