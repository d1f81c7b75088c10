/**
 * Client side of exec/attach, over SPDY (as client-go's SPDY executor: one stream per
 * channel, error first, each sent only after its reply) or over a WebSocket channel
 * protocol (v4/v5, binary). The kubelet uses the SPDY client to reach the container
 * runtime's streaming server; tests use both. It does not pick a transport by itself.
 */
import { EventEmitter } from 'node:events';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import type { StreamOptions } from './remotecommand-session.js';
import {
  Channel,
  parseStatus,
  type Status,
  StreamProtocolV1,
  StreamProtocolV2,
  StreamProtocolV5,
  type TerminalSize,
} from './remotecommand-status.js';
import { channelWriter, parseChannelMessage } from './remotecommand-ws.js';
import type { SpdyStream } from './spdy/stream.js';
import { connectSpdy } from './spdy/upgrade.js';
import { connectWebSocket } from './websocket-handshake.js';

export interface RemoteCommandClient {
  readonly protocol: string;
  readonly stdin: Writable | undefined;
  readonly stdout: Readable | undefined;
  readonly stderr: Readable | undefined;
  resize(size: TerminalSize): void;
  /** The error channel's Status, once the server closed it (or the connection). */
  readonly status: Promise<Status>;
  close(): void;
}

export interface ClientOptions extends StreamOptions {
  signal?: AbortSignal;
  /** How long to wait for each stream's reply (default 30 s). */
  replyTimeoutMs?: number;
}

export const SPDY_CLIENT_PROTOCOLS = [
  'v4.channel.k8s.io',
  'v3.channel.k8s.io',
  'v2.channel.k8s.io',
  'channel.k8s.io',
];

function readAll(stream: Readable): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** Starts a session on a SPDY streaming URL. */
export async function spdyRemoteCommandClient(
  url: string,
  opts: ClientOptions,
  protocols: string[] = SPDY_CLIENT_PROTOCOLS,
): Promise<RemoteCommandClient> {
  const { session, protocol } = await connectSpdy(url, protocols, { signal: opts.signal });
  const timeout = opts.replyTimeoutMs ?? 30_000;
  try {
    const open = async (type: string, receiveOnly: boolean): Promise<SpdyStream> => {
      const s = session.openStream({ streamtype: type });
      s.on('error', () => undefined);
      await s.waitReply(timeout);
      if (receiveOnly) s.end();
      return s;
    };
    const error = await open('error', true);
    const status = readAll(error).then(parseStatus);
    const stdin = opts.stdin ? await open('stdin', false) : undefined;
    const stdout = opts.stdout ? await open('stdout', true) : undefined;
    const stderr = opts.stderr && !opts.tty ? await open('stderr', true) : undefined;
    const resizable = opts.tty && protocol !== StreamProtocolV1 && protocol !== StreamProtocolV2;
    const resize = resizable ? await open('resize', false) : undefined;
    session.once('close', () => {
      if (stdin && !stdin.writableEnded) stdin.destroy();
      resize?.destroy();
    });
    return {
      protocol,
      stdin,
      stdout,
      stderr,
      resize(size: TerminalSize) {
        if (resize && !resize.writableEnded && !resize.destroyed) resize.write(JSON.stringify(size));
      },
      status,
      close() {
        session.close();
      },
    };
  } catch (err) {
    session.destroy();
    throw err;
  }
}

/** Starts a session over a WebSocket offering `protocol` (binary channel protocols). */
export async function webSocketRemoteCommandClient(
  url: string,
  opts: ClientOptions,
  protocol: string = StreamProtocolV5,
): Promise<RemoteCommandClient> {
  const ws = await connectWebSocket(url, [protocol], { signal: opts.signal });
  const stdout = opts.stdout ? new PassThrough() : undefined;
  const stderr = opts.stderr && !opts.tty ? new PassThrough() : undefined;
  const errorChunks: Buffer[] = [];
  const events = new EventEmitter();
  ws.on('message', (data: Buffer, binary: boolean) => {
    const m = parseChannelMessage(ws.protocol, data, binary);
    if (!m || m.payload.length === 0) return;
    if (m.channel === Channel.Stdout) stdout?.write(m.payload);
    else if (m.channel === Channel.Stderr) stderr?.write(m.payload);
    else if (m.channel === Channel.Error) errorChunks.push(m.payload);
  });
  const status = new Promise<Status>((resolve) => {
    ws.once('close', () => {
      stdout?.end();
      stderr?.end();
      events.emit('closed');
      resolve(parseStatus(Buffer.concat(errorChunks).toString('utf8')));
    });
  });
  let stdin: Writable | undefined;
  if (opts.stdin) {
    const writer = channelWriter(ws, ws.protocol, Channel.Stdin);
    stdin = writer;
    // v5: closing stdin sends the close signal; earlier protocols cannot half-close.
    writer.on('finish', () => {
      if (ws.protocol === StreamProtocolV5 && ws.state === 'open')
        ws.send(Buffer.from([Channel.Close, Channel.Stdin]));
    });
  }
  return {
    protocol: ws.protocol,
    stdin,
    stdout,
    stderr,
    resize(size: TerminalSize) {
      if (ws.state === 'open') {
        ws.send(Buffer.concat([Buffer.from([Channel.Resize]), Buffer.from(JSON.stringify(size))]));
      }
    },
    status,
    close() {
      ws.close(1000);
    },
  };
}
