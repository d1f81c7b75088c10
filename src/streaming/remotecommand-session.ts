/**
 * The transport-neutral face of an exec/attach session on the server side, and the
 * options it is opened with. ./remotecommand-ws.ts and ./remotecommand-spdy.ts implement
 * it; ./remotecommand.ts picks one. Types, plus the small helpers both transports use:
 * ending writables with a bound, and the terminal sizes a client sends.
 */
import type { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Status, TerminalSize } from './remotecommand-status.js';

/**
 * Terminal sizes from the client, in order. The client sends its size at once, so a
 * listener added later is first given the latest size.
 */
export class TerminalSizes {
  private last: TerminalSize | undefined;
  private readonly listeners: ((size: TerminalSize) => void)[] = [];

  push(size: TerminalSize): void {
    this.last = size;
    for (const l of this.listeners) l(size);
  }

  listen(listener: (size: TerminalSize) => void): void {
    this.listeners.push(listener);
    if (this.last) listener(this.last);
  }
}

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
