/**
 * Exec/attach over a WebSocket, server side (apimachinery wsstream's channel protocols):
 * every message starts with a channel byte (0 stdin, 1 stdout, 2 stderr, 3 error,
 * 4 resize); the base64 variants send text messages whose first character is the channel
 * digit. v5 adds the close signal [255, channel] that half-closes stdin. As the kubelet
 * does, one message with only the lowest writable channel's byte tells the client the
 * session is open. Negotiation lives in ./remotecommand.ts.
 */
import { Readable, Writable } from 'node:stream';
import {
  endAll,
  type RemoteCommandSession,
  type StreamOptions,
  TerminalSizes,
} from './remotecommand-session.js';
import {
  Base64ProtocolV1,
  Base64ProtocolV4,
  Channel,
  encodeStatus,
  parseTerminalSize,
  type Status,
  StreamProtocolV5,
  type TerminalSize,
} from './remotecommand-status.js';
import type { WebSocket } from './websocket.js';

export function isBase64Protocol(p: string): boolean {
  return p === Base64ProtocolV1 || p === Base64ProtocolV4;
}

/** Encodes one channel message for the protocol. */
export function channelMessage(protocol: string, channel: number, data: Buffer): { data: Buffer | string } {
  if (isBase64Protocol(protocol))
    return { data: String.fromCharCode(48 + channel) + data.toString('base64') };
  const out = Buffer.allocUnsafe(data.length + 1);
  out[0] = channel;
  data.copy(out, 1);
  return { data: out };
}

/** Decodes one channel message, or undefined for an empty or malformed one. */
export function parseChannelMessage(
  protocol: string,
  data: Buffer,
  binary: boolean,
): { channel: number; payload: Buffer } | undefined {
  if (data.length === 0) return undefined;
  if (isBase64Protocol(protocol)) {
    if (binary) return undefined;
    return { channel: data[0]! - 48, payload: Buffer.from(data.subarray(1).toString('latin1'), 'base64') };
  }
  if (!binary) return undefined;
  return { channel: data[0]!, payload: data.subarray(1) };
}

/** A Writable that sends each chunk as one message on `channel`. */
export function channelWriter(ws: WebSocket, protocol: string, channel: number): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (ws.state !== 'open') return cb();
      if (ws.send(channelMessage(protocol, channel, chunk).data)) cb();
      else ws.once('drain', () => cb());
    },
  });
}

export function webSocketRemoteCommand(ws: WebSocket, opts: StreamOptions): RemoteCommandSession {
  const protocol = ws.protocol;
  const sizes = new TerminalSizes();
  const gone = new AbortController();
  const stdin = opts.stdin ? new Readable({ read: () => ws.resume() }) : undefined;
  const stdout = opts.stdout ? channelWriter(ws, protocol, Channel.Stdout) : undefined;
  const stderr = opts.stderr ? channelWriter(ws, protocol, Channel.Stderr) : undefined;
  const endStdin = (): void => {
    if (stdin && !stdin.readableEnded) stdin.push(null);
  };

  ws.on('message', (data: Buffer, binary: boolean) => {
    const m = parseChannelMessage(protocol, data, binary);
    if (!m) return;
    if (m.channel === Channel.Stdin) {
      if (stdin && !stdin.readableEnded && m.payload.length > 0 && !stdin.push(m.payload)) ws.pause();
    } else if (m.channel === Channel.Resize && opts.tty) {
      const size = parseTerminalSize(m.payload.toString('utf8'));
      if (size) sizes.push(size);
    } else if (m.channel === Channel.Close && protocol === StreamProtocolV5) {
      if (m.payload[0] === Channel.Stdin) endStdin();
    }
  });
  ws.on('close', () => {
    endStdin();
    gone.abort();
  });

  // The kubelet's "connection is open" signal: an empty message on the lowest writable channel.
  const first = opts.stdout ? Channel.Stdout : opts.stderr ? Channel.Stderr : Channel.Error;
  ws.send(channelMessage(protocol, first, Buffer.alloc(0)).data);

  return {
    transport: 'websocket',
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
      const payload = encodeStatus(protocol, status);
      if (payload.length > 0) ws.send(channelMessage(protocol, Channel.Error, payload).data);
      ws.close(1000);
      if (ws.state !== 'closed') await new Promise((r) => ws.once('close', r));
    },
    abort() {
      ws.terminate();
    },
  };
}
