/**
 * The kubelet's streaming routes (exec, attach, port-forward): decodes the stream
 * options, resolves the pod's container or sandbox through the PodLookup and hands the
 * upgrade request to the stream handlers (./streams.ts), which speak the WebSocket and
 * SPDY protocols. Refusals are written raw on the socket. Does not authenticate.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { isLookupError, type PodLookup } from './lookup.js';
import { refuseUpgrade } from './respond.js';
import type { Route } from './routes.js';
import type { AttachTarget, ExecTarget, PortForwardTarget } from './streams.js';

/** The stream handlers, already bound to their dependencies. */
export interface StreamHandlers {
  exec(req: IncomingMessage, socket: Duplex, head: Buffer, target: ExecTarget): void;
  attach(req: IncomingMessage, socket: Duplex, head: Buffer, target: AttachTarget): void;
  portForward(req: IncomingMessage, socket: Duplex, head: Buffer, target: PortForwardTarget): void;
}

/**
 * A stream flag: the API server sends `input`, `output`, `error` and `tty` as "1"; the
 * names of the public API (`stdin`, `stdout`, `stderr`) and "true" are taken too.
 */
function flag(query: URLSearchParams, ...names: string[]): boolean {
  return names.some((name) => {
    const v = query.get(name);
    return v === '1' || v?.toLowerCase() === 'true';
  });
}

export function serveStream(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  route: Exclude<Route, { kind: 'healthz' | 'containerLogs' }>,
  query: URLSearchParams,
  deps: { lookup: PodLookup; handlers: StreamHandlers },
): void {
  if (route.kind === 'portForward') {
    const sandbox = deps.lookup.sandbox(route.namespace, route.pod);
    if (isLookupError(sandbox)) return refuseUpgrade(socket, sandbox.code, sandbox.message);
    return deps.handlers.portForward(req, socket, head, {
      sandboxId: sandbox.sandboxId,
      podIP: sandbox.podIP,
    });
  }
  const tty = flag(query, 'tty');
  const stdin = flag(query, 'input', 'stdin');
  const stdout = flag(query, 'output', 'stdout');
  // As the kubelet: a terminal has no separate stderr.
  const stderr = flag(query, 'error', 'stderr') && !tty;
  if (!stdin && !stdout && !stderr)
    return refuseUpgrade(socket, 400, 'you must specify at least 1 of stdin, stdout, stderr');
  const ref = deps.lookup.container(route.namespace, route.pod, route.container, false);
  if (isLookupError(ref)) return refuseUpgrade(socket, ref.code, ref.message);
  if (!ref.running) return refuseUpgrade(socket, 500, `container not found ("${route.container}")`);
  const streams = { containerId: ref.containerId, stdin, stdout, stderr, tty };
  if (route.kind === 'attach') return deps.handlers.attach(req, socket, head, streams);
  deps.handlers.exec(req, socket, head, { ...streams, command: query.getAll('command') });
}
