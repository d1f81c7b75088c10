/**
 * WebSocket frame codec and connections: frames of every length class, masked and not,
 * parsed from one-byte chunks; a real HTTP server and this project's client for the
 * handshake (subprotocol choice, refusals), fragmented and text messages, ping/pong,
 * the close handshake, protocol errors and backpressure.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import type { WebSocket } from './websocket.js';
import { encodeFrame, FrameParser, FrameTooLargeError, Opcode } from './websocket-frame.js';
import { acceptWebSocket, connectWebSocket } from './websocket-handshake.js';
import { webSocketStream } from './websocket-stream.js';

describe('websocket frames', () => {
  for (const size of [0, 1, 125, 126, 65535, 65536, 200_000]) {
    for (const mask of [false, true]) {
      test(`${size} bytes, ${mask ? 'masked' : 'unmasked'}, fed byte by byte`, () => {
        const payload = Buffer.alloc(size);
        for (let i = 0; i < size; i++) payload[i] = (i * 7) & 0xff;
        const wire = encodeFrame(Opcode.Binary, payload, true, mask);
        if (mask && size > 0) assert.notDeepEqual(wire.subarray(wire.length - size), payload);
        const parser = new FrameParser(1 << 20);
        const frames = [];
        const step = size > 1000 ? 997 : 1;
        for (let i = 0; i < wire.length; i += step) frames.push(...parser.push(wire.subarray(i, i + step)));
        assert.equal(frames.length, 1);
        assert.equal(frames[0]!.masked, mask);
        assert.equal(frames[0]!.fin, true);
        assert.equal(frames[0]!.opcode, Opcode.Binary);
        assert.ok(frames[0]!.payload.equals(payload));
      });
    }
  }

  test('a frame over the limit is refused from its header', () => {
    const parser = new FrameParser(100);
    const wire = encodeFrame(Opcode.Binary, Buffer.alloc(101), true, false);
    assert.throws(() => parser.push(wire.subarray(0, 4)), FrameTooLargeError);
  });
});

describe('websocket connections', () => {
  let server: Server;
  let url = '';
  let accepted: WebSocket[] = [];
  const protocols = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];

  before(async () => {
    server = createServer();
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const r = acceptWebSocket(req, socket, head, { protocols, closeTimeoutMs: 1000 });
      if (!r.ok) return;
      accepted.push(r.ws);
      // Echo server: every message back with the same type.
      r.ws.on('message', (data: Buffer, binary: boolean) => {
        if (data.toString() === 'close-me') r.ws.close(4001, 'asked');
        else r.ws.send(binary ? data : data.toString());
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `ws://127.0.0.1:${(server.address() as { port: number }).port}/`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const next = (ws: WebSocket): Promise<[Buffer, boolean]> =>
    once(ws, 'message') as Promise<[Buffer, boolean]>;

  test('the server picks its preferred subprotocol among the offered ones', async () => {
    const ws = await connectWebSocket(url, ['v4.channel.k8s.io', 'v5.channel.k8s.io']);
    assert.equal(ws.protocol, 'v5.channel.k8s.io');
    ws.close();
    await once(ws, 'close');
    const ws4 = await connectWebSocket(url, ['v4.channel.k8s.io']);
    assert.equal(ws4.protocol, 'v4.channel.k8s.io');
    ws4.close();
    await once(ws4, 'close');
  });

  test('no common subprotocol is a 400 with the reason', async () => {
    await assert.rejects(
      connectWebSocket(url, ['bogus.k8s.io']),
      /400.*requested protocol\(s\) are not supported/s,
    );
    await assert.rejects(connectWebSocket(url, []), /400/);
  });

  test('binary, text and fragmented messages round-trip', async () => {
    const ws = await connectWebSocket(url, ['v4.channel.k8s.io']);
    const big = Buffer.alloc(100_000, 9);
    ws.send(big, { fragmentSize: 1000 });
    const [echo, binary] = await next(ws);
    assert.equal(binary, true);
    assert.ok(echo.equals(big));
    ws.send('héllo wörld', { fragmentSize: 3 });
    const [text, isBinary] = await next(ws);
    assert.equal(isBinary, false);
    assert.equal(text.toString('utf8'), 'héllo wörld');
    ws.close();
    const [code] = await once(ws, 'close');
    assert.equal(code, 1000);
  });

  test('ping gets a pong with the same payload', async () => {
    const ws = await connectWebSocket(url, ['v4.channel.k8s.io']);
    ws.ping(Buffer.from('k8s-heartbeat'));
    const [payload] = (await once(ws, 'pong')) as [Buffer];
    assert.equal(payload.toString(), 'k8s-heartbeat');
    ws.close();
    await once(ws, 'close');
  });

  test('a close started by the server carries its code and reason', async () => {
    const ws = await connectWebSocket(url, ['v4.channel.k8s.io']);
    ws.send('close-me');
    const [code, reason] = await once(ws, 'close');
    assert.equal(code, 4001);
    assert.equal(reason, 'asked');
  });

  test('an unmasked client frame is a protocol error (1002)', async () => {
    accepted = [];
    const sock = connect((server.address() as { port: number }).port, '127.0.0.1');
    await once(sock, 'connect');
    sock.write(
      'GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: v4.channel.k8s.io\r\n\r\n',
    );
    let got = Buffer.alloc(0);
    sock.on('data', (c: Buffer) => {
      got = Buffer.concat([got, c]);
    });
    await new Promise((r) => setTimeout(r, 50));
    assert.match(
      got.toString('latin1'),
      /^HTTP\/1.1 101.*Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=/s,
    );
    got = Buffer.alloc(0);
    sock.write(encodeFrame(Opcode.Binary, Buffer.from('x'), true, false));
    await once(sock, 'end');
    const frames = new FrameParser(1024).push(got);
    assert.equal(frames[0]?.opcode, Opcode.Close);
    assert.equal(frames[0]?.payload.readUInt16BE(0), 1002);
    sock.destroy();
  });

  test('send reports backpressure and drains once the peer reads', async () => {
    const ws = await connectWebSocket(url, ['v4.channel.k8s.io']);
    const server = accepted.at(-1)!;
    ws.pause();
    const chunk = Buffer.alloc(64 * 1024, 1);
    let sent = 0;
    let full = false;
    // The server echoes; with the client not reading, its socket fills up.
    for (let i = 0; i < 2000 && !full; i++) {
      full = !server.send(chunk);
      sent++;
    }
    assert.ok(full, 'the server socket never filled');
    const drained = once(server, 'drain');
    let received = 0;
    ws.on('message', (d: Buffer) => {
      received += d.length;
    });
    ws.resume();
    await drained;
    while (received < sent * chunk.length) await new Promise((r) => setTimeout(r, 10));
    assert.equal(received, sent * chunk.length);
    ws.close();
    await once(ws, 'close');
  });

  test('a byte stream over binary messages (the SPDY tunnel carrier)', async () => {
    const ws = await connectWebSocket(url, ['v4.channel.k8s.io']);
    const stream = webSocketStream(ws);
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.write(Buffer.from('abc'));
    stream.write(Buffer.from('def'));
    while (Buffer.concat(chunks).length < 6) await new Promise((r) => setTimeout(r, 5));
    assert.equal(Buffer.concat(chunks).toString(), 'abcdef');
    stream.end();
    await once(stream, 'end');
  });
});
