/**
 * Client side of the WebSocket v4 port-forward (as the Python and JavaScript client
 * libraries speak it): one connection per port named in the URL's query; the first
 * message on each channel (the port, uint16 little-endian) is checked and dropped.
 * A WebSocket cannot half-close a channel, so the exchange ends when the server closes.
 */
import { PassThrough } from 'node:stream';
import { channelMessage, parseChannelMessage } from './remotecommand-ws.js';
import type { WebSocket } from './websocket.js';
import { connectWebSocket } from './websocket-handshake.js';

export interface WsForwardedPort {
  port: number;
  /** Bytes from the pod (after the port prefix); ends when the WebSocket closes. */
  data: PassThrough;
  /** Error text once the WebSocket closes. */
  error: Promise<string>;
  /** Sends bytes to the pod. */
  write(chunk: Buffer): void;
}

export interface WsPortForwardClient {
  ws: WebSocket;
  ports: WsForwardedPort[];
  close(): void;
}

/** Dials `url` (with `?ports=...`) and exposes each port's channels. */
export async function connectWebSocketPortForward(
  url: string,
  ports: number[],
  protocol = 'v4.channel.k8s.io',
  signal?: AbortSignal,
): Promise<WsPortForwardClient> {
  const ws = await connectWebSocket(url, [protocol], { signal });
  const seenPrefix = new Set<number>();
  const errors: Buffer[][] = ports.map(() => []);
  const out = ports.map((port, i) => {
    const data = new PassThrough();
    const error = new Promise<string>((resolve) =>
      ws.once('close', () => resolve(Buffer.concat(errors[i]!).toString('utf8'))),
    );
    return {
      port,
      data,
      error,
      write: (chunk: Buffer) => void ws.send(channelMessage(ws.protocol, 2 * i, chunk).data),
    };
  });
  ws.on('message', (msg: Buffer, binary: boolean) => {
    const m = parseChannelMessage(ws.protocol, msg, binary);
    if (!m) return;
    const i = m.channel >> 1;
    const p = out[i];
    if (!p) return;
    let payload = m.payload;
    if (!seenPrefix.has(m.channel)) {
      seenPrefix.add(m.channel);
      if (payload.length < 2 || payload.readUInt16LE(0) !== p.port) {
        ws.close(1002, 'bad port prefix');
        return;
      }
      payload = payload.subarray(2);
    }
    if (payload.length === 0) return;
    if (m.channel % 2 === 0) p.data.write(payload);
    else errors[i]!.push(payload);
  });
  ws.once('close', () => {
    for (const p of out) p.data.end();
  });
  return { ws, ports: out, close: () => ws.close(1000) };
}
