/**
 * A byte stream carried in binary WebSocket messages, as a Duplex: every write is one
 * binary message, every received binary message's payload is read in order (message
 * boundaries are not kept). Ending the writable side closes the WebSocket normally
 * (1000); a normal close by the peer ends the readable side; anything else destroys the
 * stream with an error. This is how SPDY is tunnelled through a WebSocket for
 * port-forward. Text messages are a protocol error.
 */
import { Duplex } from 'node:stream';
import type { WebSocket } from './websocket.js';

export function webSocketStream(ws: WebSocket): Duplex {
  let waitingDrain: (() => void) | undefined;
  const stream = new Duplex({
    read() {
      ws.resume();
    },
    write(chunk: Buffer, _enc, cb) {
      if (ws.state !== 'open') return cb(new Error('websocket is closed'));
      if (ws.send(chunk)) cb();
      else waitingDrain = () => cb();
    },
    final(cb) {
      ws.close(1000);
      cb();
    },
    destroy(err, cb) {
      if (ws.state !== 'closed') {
        if (err) ws.terminate();
        else ws.close(1000);
      }
      cb(err);
    },
  });
  ws.on('drain', () => {
    const w = waitingDrain;
    waitingDrain = undefined;
    w?.();
  });
  ws.on('message', (data: Buffer, binary: boolean) => {
    if (!binary) {
      ws.close(1003, 'binary messages only');
      stream.destroy(new Error('websocket stream: text message received'));
      return;
    }
    if (!stream.push(data)) ws.pause();
  });
  ws.on('close', (code: number) => {
    const w = waitingDrain;
    waitingDrain = undefined;
    if (code === 1000 || code === 1001 || code === 1005) {
      // Later writes fail (the socket is gone); buffered data is still read first.
      stream.push(null);
      w?.();
    } else {
      stream.destroy(ws.error ?? new Error(`websocket closed with code ${code}`));
    }
  });
  return stream;
}
