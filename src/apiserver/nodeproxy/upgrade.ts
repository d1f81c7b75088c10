/**
 * The upgrade proxy for pods/exec, pods/attach and pods/portforward: opens a TLS
 * connection to the kubelet, sends the request line for the kubelet's path and the
 * client's headers (minus its credentials), then pipes bytes both ways untouched, so the
 * kubelet's answer (101 or a refusal) and every later frame reach the client as sent.
 * Either side closing or failing tears both down. Knows nothing of the stream protocols.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiError } from '../errors.js';
import { DIAL_TIMEOUT_MS, dialErrorText, dialKubelet, type KubeletClientCert } from './dial.js';
import { hostPort, type KubeletLocation } from './location.js';

/** Headers not passed on: the client's credentials and the ones this proxy sets. */
const DROPPED = /^(host|authorization|proxy-authorization|impersonate-.*)$/i;

export function upgradeRequestHead(req: IncomingMessage, loc: KubeletLocation, pathAndQuery: string): string {
  const lines = [`${req.method ?? 'GET'} ${pathAndQuery} HTTP/1.1`, `Host: ${hostPort(loc)}`];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    if (!DROPPED.test(name)) lines.push(`${name}: ${req.rawHeaders[i + 1]}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** Connects the client's socket to the kubelet; throws (before writing anything) if the dial fails. */
export async function proxyUpgrade(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  loc: KubeletLocation,
  pathAndQuery: string,
  cert: KubeletClientCert,
  dialTimeoutMs = DIAL_TIMEOUT_MS,
): Promise<void> {
  let backend: Duplex;
  try {
    backend = await dialKubelet(loc, cert, dialTimeoutMs);
  } catch (err) {
    throw new ApiError(500, '', `error dialing backend: ${dialErrorText(err, loc)}`);
  }
  if (socket.destroyed) {
    backend.destroy();
    return;
  }
  const teardown = () => {
    socket.destroy();
    backend.destroy();
  };
  socket.once('close', teardown);
  backend.once('close', teardown);
  socket.on('error', teardown);
  backend.on('error', teardown);
  backend.write(upgradeRequestHead(req, loc, pathAndQuery));
  if (head.length > 0) backend.write(head);
  socket.pipe(backend);
  backend.pipe(socket);
}
