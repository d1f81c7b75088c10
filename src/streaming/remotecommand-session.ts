/**
 * The transport-neutral face of an exec/attach session on the server side, and the
 * options it is opened with. ./remotecommand-ws.ts and ./remotecommand-spdy.ts implement
 * it; ./remotecommand.ts picks one. Types only, plus the small helper that ends
 * writables with a bound.
 */
import type { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Status, TerminalSize } from './remotecommand-status.js';

export interface StreamOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

export interface RemoteCommandSession {
  readonly transport: 'websocket' | 'spdy';
  /** The negotiated protocol (e.g. v5.channel.k8s.io); '' for a WebSocket without one. */
  readonly protocol: string;
  readonly tty: boolean;
  /** What the client types; ends when it closes stdin (or goes away). */
  readonly stdin: Readable | undefined;
  readonly stdout: Writable | undefined;
  readonly stderr: Writable | undefined;
  /** Aborted when the client's connection is gone. */
  readonly clientGone: AbortSignal;
  /** Terminal size changes, in order (tty sessions). */
  onResize(listener: (size: TerminalSize) => void): void;
  /**
   * Ends stdout and stderr (after what was written), writes `status` on the error channel
   * in the protocol's form, and closes the connection. Resolves when it is closed (bounded).
   */
  finish(status: Status): Promise<void>;
  /** Drops the connection without a status. */
  abort(): void;
}

/** Ends each writable and waits (at most `timeoutMs`) for them to flush. */
export async function endAll(writables: (Writable | undefined)[], timeoutMs: number): Promise<void> {
  const waits: Promise<unknown>[] = [];
  for (const w of writables) {
    if (!w || w.destroyed) continue;
    if (!w.writableEnded) w.end();
    waits.push(finished(w, { readable: false }).catch(() => undefined));
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(waits),
    new Promise((r) => {
      timer = setTimeout(r, timeoutMs);
    }),
  ]);
  clearTimeout(timer);
}
