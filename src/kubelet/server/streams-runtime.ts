/**
 * How the kubelet's stream handlers reach the container runtime: a CRI failure before
 * the upgrade becomes the HTTP answer the kubelet gives (404 for NotFound, 429 for
 * ResourceExhausted, 500 otherwise, the gRPC error text as body), and a relay copies one
 * exec/attach session between the client's session and the runtime's. Opens nothing
 * itself (../../streaming/ does the protocols).
 */

import type { Duplex } from 'node:stream';
import { finished } from 'node:stream/promises';
import * as grpc from '@grpc/grpc-js';
import { writeHttpError } from '../../streaming/http-upgrade.js';
import type { RemoteCommandClient } from '../../streaming/remotecommand-client.js';
import type { RemoteCommandSession } from '../../streaming/remotecommand-session.js';
import { internalErrorStatus, type Status } from '../../streaming/remotecommand-status.js';
import { CriError } from '../cri/call.js';

function goCodeName(code: grpc.status): string {
  const name = grpc.status[code] ?? String(code);
  return name
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/** Answers a failed CRI call before any upgrade, as the kubelet's streaming.WriteError. */
export function writeRuntimeError(socket: Duplex, err: unknown): void {
  if (err instanceof CriError) {
    const code =
      err.code === grpc.status.NOT_FOUND ? 404 : err.code === grpc.status.RESOURCE_EXHAUSTED ? 429 : 500;
    const extra = code === 429 ? { 'Retry-After': '60' } : {};
    writeHttpError(socket, code, `rpc error: code = ${goCodeName(err.code)} desc = ${err.details}`, extra);
    return;
  }
  writeHttpError(socket, 500, err instanceof Error ? err.message : String(err));
}

/**
 * Copies a session both ways until the runtime reports the command's end, then finishes
 * the client's session with the runtime's Status. The client going away closes the
 * runtime side. Resolves when the client's session is finished.
 */
export async function relayRemoteCommand(
  session: RemoteCommandSession,
  runtime: RemoteCommandClient,
): Promise<void> {
  const onGone = (): void => runtime.close();
  session.clientGone.addEventListener('abort', onGone, { once: true });
  if (session.stdin && runtime.stdin) {
    const input = runtime.stdin;
    input.on('error', () => undefined);
    session.stdin.pipe(input);
  }
  const outputs: Promise<unknown>[] = [];
  const copy = (
    from: Duplex | NodeJS.ReadableStream | undefined,
    to: NodeJS.WritableStream | undefined,
  ): void => {
    if (!from) return;
    if (to) from.pipe(to, { end: false });
    else (from as NodeJS.ReadableStream).resume();
    outputs.push(finished(from as NodeJS.ReadableStream, { writable: false }).catch(() => undefined));
  };
  copy(runtime.stdout, session.stdout);
  copy(runtime.stderr, session.stderr);
  session.onResize((size) => runtime.resize(size));
  let status: Status;
  try {
    status = await runtime.status;
  } catch (err) {
    status = internalErrorStatus(`error executing command in container: ${(err as Error).message}`);
  }
  await Promise.all(outputs);
  session.clientGone.removeEventListener('abort', onGone);
  runtime.close();
  await session.finish(status);
}
