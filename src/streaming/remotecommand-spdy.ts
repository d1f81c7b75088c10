/**
 * Exec/attach over SPDY/3.1, server side: the client opens one stream per channel, each
 * with a `streamType` header (error, stdin, stdout, stderr, resize); the session is
 * ready when all expected streams have arrived (as the kubelet counts them: error, plus
 * each requested std stream, plus resize for a tty from v3 on), or fails after the
 * stream-creation timeout. Resize is a stream of concatenated JSON objects. The upgrade
 * and negotiation are ./spdy/upgrade.ts and ./remotecommand.ts.
 */
import {
  endAll,
  type RemoteCommandSession,
  type StreamOptions,
  TerminalSizes,
} from './remotecommand-session.js';
import {
  encodeStatus,
  JsonObjectSplitter,
  parseTerminalSize,
  type Status,
  StreamProtocolV1,
  StreamProtocolV2,
  type TerminalSize,
} from './remotecommand-status.js';
import type { SpdySession } from './spdy/session.js';
import type { SpdyStream } from './spdy/stream.js';

/** Protocols the SPDY exec/attach server accepts, as the kubelet's list. */
export const SPDY_REMOTECOMMAND_PROTOCOLS = [
  'v4.channel.k8s.io',
  'v3.channel.k8s.io',
  'v2.channel.k8s.io',
  'channel.k8s.io',
];

export function expectedStreamCount(protocol: string, opts: StreamOptions): number {
  const resize = opts.tty && protocol !== StreamProtocolV1 && protocol !== StreamProtocolV2;
  return 1 + Number(opts.stdin) + Number(opts.stdout) + Number(opts.stderr) + Number(resize);
}

/**
 * Collects the client's streams from `session` (created with a SpdySession whose
 * onStream is `collector.add`), resolving once all are there.
 */
export class SpdyStreamCollector {
  readonly streams = new Map<string, SpdyStream>();
  #count = 0;
  #want: number;
  #done: (() => void) | undefined;

  constructor(want: number) {
    this.#want = want;
  }

  add = (stream: SpdyStream): void => {
    const type = stream.header('streamType') ?? '';
    if (!['error', 'stdin', 'stdout', 'stderr', 'resize'].includes(type)) return;
    this.streams.set(type, stream);
    stream.reply();
    if (++this.#count >= this.#want) this.#done?.();
  };

  /** Resolves true when all streams came, false at the timeout or when the session ends. */
  wait(session: SpdySession, timeoutMs: number): Promise<boolean> {
    if (this.#count >= this.#want) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      const onClose = (): void => resolve(false);
      session.once('close', onClose);
      this.#done = () => {
        clearTimeout(timer);
        session.off('close', onClose);
        resolve(true);
      };
    });
  }
}

export function spdyRemoteCommand(
  session: SpdySession,
  protocol: string,
  streams: Map<string, SpdyStream>,
  opts: StreamOptions,
): RemoteCommandSession {
  const sizes = new TerminalSizes();
  const gone = new AbortController();
  session.once('close', () => gone.abort());
  const stdin = opts.stdin ? streams.get('stdin') : undefined;
  const stdout = opts.stdout ? streams.get('stdout') : undefined;
  const stderr = opts.stderr ? streams.get('stderr') : undefined;
  const error = streams.get('error');
  const resize = streams.get('resize');
  // Streams the client opened but this side will not use are half-closed at once.
  for (const [type, s] of streams) {
    if (type === 'stdin' || type === 'resize') s.end();
    else if ((type === 'stdout' && !stdout) || (type === 'stderr' && !stderr)) s.end();
  }
  if (resize) {
    const splitter = new JsonObjectSplitter();
    resize.setEncoding('utf8');
    resize.on('data', (text: string) => {
      for (const obj of splitter.push(text)) {
        const size = parseTerminalSize(obj);
        if (size && opts.tty) sizes.push(size);
      }
    });
    resize.on('error', () => undefined);
  }
  for (const s of streams.values()) s.on('error', () => undefined);
  // Nothing is expected from the client on the error stream; drain it.
  error?.resume();

  return {
    transport: 'spdy',
    protocol,
    tty: opts.tty,
    stdin,
    stdout,
    stderr,
    clientGone: gone.signal,
    onResize(listener: (s: TerminalSize) => void) {
      sizes.listen(listener);
    },
    async finish(status: Status) {
      await endAll([stdout, stderr], 10_000);
      if (error && !error.writableEnded) {
        const payload = encodeStatus(protocol, status);
        if (payload.length > 0) error.write(payload);
        await endAll([error], 10_000);
      }
      if (session.transportGone) return;
      const closed = new Promise((r) => session.once('close', r));
      session.close();
      await closed;
    },
    abort() {
      session.destroy();
    },
  };
}
