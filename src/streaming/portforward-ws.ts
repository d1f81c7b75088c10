/**
 * Port-forward over a WebSocket channel protocol (what the Python and JavaScript clients
 * use), server side: the ports come from the query (`ports`, or the kubelet's own `port`),
 * the i-th port has data channel 2i and error channel 2i+1, and the first message on each
 * of them carries the port as uint16 little-endian. One forwarded connection per port;
 * the WebSocket closes when all of them are over. Negotiation is ./portforward.ts.
 */
import { Duplex, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { ForwardedConnection } from './portforward-spdy.js';
import { channelMessage, channelWriter, parseChannelMessage } from './remotecommand-ws.js';
import type { WebSocket } from './websocket.js';

/** The ports a WebSocket port-forward request names, or an error message. */
export function parsePortsQuery(url: string | undefined): number[] | string {
  const q = new URL(url ?? '/', 'http://localhost').searchParams;
  const raw = [...q.getAll('ports'), ...q.getAll('port')].flatMap((v) => v.split(','));
  if (raw.length === 0) return 'query parameter "port" is required';
  const ports: number[] = [];
  for (const text of raw) {
    const t = text.trim();
    const n = Number(t);
    if (!/^\d+$/.test(t) || n > 65535) return `unable to parse "${t}" as a port: invalid syntax`;
    if (n < 1) return `port "${t}" must be > 0`;
    ports.push(n);
  }
  return ports;
}

function portBytes(port: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(port, 0);
  return b;
}

export function webSocketPortForward(
  ws: WebSocket,
  ports: number[],
  onConnection: (c: ForwardedConnection) => void,
): void {
  const protocol = ws.protocol;
  const readers: Duplex[] = [];
  const done: Promise<unknown>[] = [];
  ports.forEach((port, i) => {
    const dataChannel = 2 * i;
    const errorChannel = 2 * i + 1;
    const out = channelWriter(ws, protocol, dataChannel);
    const data = new Duplex({
      allowHalfOpen: true,
      read: () => ws.resume(),
      write: (chunk: Buffer, enc, cb) => out.write(chunk, enc, cb),
      final: (cb) => out.end(cb),
    });
    data.on('error', () => undefined);
    const error: Writable = channelWriter(ws, protocol, errorChannel);
    readers[dataChannel] = data;
    ws.send(channelMessage(protocol, dataChannel, portBytes(port)).data);
    ws.send(channelMessage(protocol, errorChannel, portBytes(port)).data);
    done.push(finished(data, { readable: false }).catch(() => undefined));
    done.push(finished(error).catch(() => undefined));
    onConnection({ port, requestId: '', data, error });
  });
  ws.on('message', (msg: Buffer, binary: boolean) => {
    const m = parseChannelMessage(protocol, msg, binary);
    const r = m ? readers[m.channel] : undefined;
    if (!m || !r || r.readableEnded || m.payload.length === 0) return;
    if (!r.push(m.payload)) ws.pause();
  });
  ws.on('close', () => {
    for (const r of readers) if (r && !r.readableEnded) r.push(null);
  });
  void Promise.all(done).then(() => ws.close(1000));
}
