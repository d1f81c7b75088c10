/**
 * SPDY/3.1: the dictionary, every frame type through the codec (one byte at a time),
 * header compression across many blocks of one zlib stream, and sessions between this
 * project's client and server over real sockets (streams, half-close, flow control with
 * small windows, a peer that never does flow control, ping, reset, GOAWAY, the upgrade's
 * negotiation errors).
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { connect, createServer as createNetServer, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { constants, inflateSync } from 'node:zlib';
import { SPDY3_DICTIONARY } from './dictionary.js';
import {
  encodeData,
  encodeGoAway,
  encodeHeaders,
  encodePing,
  encodeRstStream,
  encodeSettings,
  encodeSynReply,
  encodeSynStream,
  encodeWindowUpdate,
  type SpdyFrame,
  SpdyFrameParser,
} from './frames.js';
import {
  decodeHeaderBlock,
  encodeHeaderBlock,
  HeaderCompressor,
  HeaderDecompressor,
} from './header-block.js';
import { SpdySession } from './session.js';
import type { SpdyStream } from './stream.js';
import { acceptSpdy, connectSpdy } from './upgrade.js';

function adler32(b: Buffer): number {
  let a = 1;
  let c = 0;
  for (const x of b) {
    a = (a + x) % 65521;
    c = (c + a) % 65521;
  }
  return ((c << 16) | a) >>> 0;
}

describe('spdy framing', () => {
  test('the SPDY/3 dictionary is the specified one', () => {
    assert.equal(SPDY3_DICTIONARY.length, 1423);
    assert.equal(adler32(SPDY3_DICTIONARY), 0xe3c6a7c2);
  });

  test('every frame type survives encode and parse, byte by byte', () => {
    const block = Buffer.from('opaque');
    const wire = Buffer.concat([
      encodeSynStream(1, block, 0x01, 5),
      encodeSynReply(1, block, 0),
      encodeHeaders(3, block, 0x01),
      encodeData(1, Buffer.from('payload'), true),
      encodeData(3, Buffer.alloc(0), false),
      encodeRstStream(5, 5),
      encodeSettings([{ flags: 0, id: 7, value: 1234 }]),
      encodePing(7),
      encodeGoAway(9, 0),
      encodeWindowUpdate(1, 4096),
    ]);
    const parser = new SpdyFrameParser();
    const frames: SpdyFrame[] = [];
    for (let i = 0; i < wire.length; i++) frames.push(...parser.push(wire.subarray(i, i + 1)));
    assert.equal(parser.pending, 0);
    const plain = frames.map((f) =>
      JSON.parse(JSON.stringify(f, (_k, v) => (v?.type === 'Buffer' ? Buffer.from(v.data).toString() : v))),
    );
    assert.deepEqual(plain, [
      { type: 'syn_stream', streamId: 1, associatedId: 0, priority: 5, flags: 1, block: 'opaque' },
      { type: 'syn_reply', streamId: 1, flags: 0, block: 'opaque' },
      { type: 'headers', streamId: 3, flags: 1, block: 'opaque' },
      { type: 'data', streamId: 1, flags: 1, data: 'payload' },
      { type: 'data', streamId: 3, flags: 0, data: '' },
      { type: 'rst_stream', streamId: 5, status: 5 },
      { type: 'settings', flags: 0, entries: [{ flags: 0, id: 7, value: 1234 }] },
      { type: 'ping', id: 7 },
      { type: 'goaway', lastGoodStreamId: 9, status: 0 },
      { type: 'window_update', streamId: 1, delta: 4096 },
    ]);
  });

  test('a frame of another SPDY version is refused', () => {
    const f = encodePing(1);
    f.writeUInt16BE(0x8002, 0);
    assert.throws(() => new SpdyFrameParser().push(f), /unsupported SPDY version 2/);
  });

  test('header blocks: layout, and one zlib stream with the dictionary over many blocks', async () => {
    const h = { streamtype: 'data', port: '8080', requestid: '0' };
    assert.deepEqual(decodeHeaderBlock(encodeHeaderBlock(h)), h);
    const c = new HeaderCompressor();
    const d = new HeaderDecompressor();
    const blocks: Buffer[] = [];
    for (let i = 0; i < 20; i++) blocks.push(await c.compress({ ...h, requestid: String(i) }));
    // A zlib header naming the SPDY dictionary, then later blocks reuse the context and
    // come out smaller than the first.
    assert.equal(blocks[0]!.readUInt32BE(2), 0xe3c6a7c2);
    assert.ok(blocks[5]!.length < blocks[0]!.length);
    for (let i = 0; i < 20; i++)
      assert.deepEqual(await d.decompress(blocks[i]!), { ...h, requestid: String(i) });
    // The concatenation is a single zlib stream that any inflater with the dictionary reads.
    const all = inflateSync(Buffer.concat(blocks), {
      dictionary: SPDY3_DICTIONARY,
      finishFlush: constants.Z_SYNC_FLUSH,
    });
    const expected = Buffer.concat(blocks.map((_b, i) => encodeHeaderBlock({ ...h, requestid: String(i) })));
    assert.ok(all.equals(expected));
    // A block out of order cannot be read by a fresh context.
    await assert.rejects(new HeaderDecompressor().decompress(blocks[3]!));
    c.close();
    d.close();
  });
});

/** A connected pair of sockets on loopback. */
async function socketPair(): Promise<[Socket, Socket]> {
  const srv = createNetServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const accepted = once(srv, 'connection') as Promise<[Socket]>;
  const client = connect((srv.address() as { port: number }).port, '127.0.0.1');
  const [server] = await accepted;
  await once(client, 'connect').catch(() => undefined);
  srv.close();
  return [client, server];
}

describe('spdy sessions', () => {
  test('streams both ways with half-close, ping, reset and goaway', async () => {
    const [a, b] = await socketPair();
    const seen: SpdyStream[] = [];
    const server = new SpdySession(b, {
      role: 'server',
      onStream: (s) => {
        seen.push(s);
        if (s.header('streamType') === 'refuse') return s.reset();
        s.pipe(s);
      },
    });
    const client = new SpdySession(a, { role: 'client' });
    await client.ping(5_000);
    const s1 = client.openStream({ streamType: 'echo' });
    const s3 = client.openStream({ streamType: 'echo' });
    assert.deepEqual([s1.id, s3.id], [1, 3]);
    const read = (s: SpdyStream): Promise<string> =>
      new Promise((r) => {
        let t = '';
        s.on('data', (c: Buffer) => {
          t += c;
        });
        s.on('end', () => r(t));
      });
    const r1 = read(s1);
    const r3 = read(s3);
    s1.end('one');
    s3.end('three');
    assert.deepEqual(await Promise.all([r1, r3]), ['one', 'three']);
    assert.equal(seen[0]!.header('STREAMTYPE'), 'echo');
    const refused = client.openStream({ streamType: 'refuse' });
    refused.on('error', () => undefined);
    await assert.rejects(refused.waitReply(5_000), /reset/);
    const goaway = once(client, 'goaway');
    server.close();
    assert.deepEqual(await goaway, [5]);
    assert.throws(() => client.openStream({}), /no new streams/);
    await once(client, 'close');
  });

  test('flow control: a reader that stops reading stops a flow-controlled sender', async () => {
    const [a, b] = await socketPair();
    let serverStream: SpdyStream | undefined;
    const gotStream = new Promise<void>((r) => {
      new SpdySession(b, {
        role: 'server',
        receiveWindow: 4096,
        onStream: (s) => {
          serverStream = s;
          s.pause();
          r();
        },
      });
    });
    const client = new SpdySession(a, { role: 'client', receiveWindow: 4096 });
    const s = client.openStream({});
    await gotStream;
    const payload = Buffer.alloc(100_000, 3);
    const written = new Promise((r) => s.end(payload, () => r(undefined)));
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(client.peerFlowControl);
    // Not read: the receiver fills its readable buffer (highWaterMark), acknowledges that
    // much, and the sender stops once the window beyond it is used up.
    const bound = 4096 + serverStream!.readableHighWaterMark;
    assert.ok(s.sendWindow <= 0, `send window ${s.sendWindow}`);
    assert.ok(serverStream!.readableLength <= bound, `buffered ${serverStream!.readableLength}`);
    assert.ok(serverStream!.readableLength < payload.length);
    const got: Buffer[] = [];
    serverStream!.on('data', (c: Buffer) => got.push(c));
    serverStream!.resume();
    await once(serverStream!, 'end');
    await written;
    assert.ok(Buffer.concat(got).equals(payload));
    client.destroy();
  });

  test('a peer that never sends WINDOW_UPDATE (like Go spdystream) is not waited for', async () => {
    const [a, b] = await socketPair();
    const client = new SpdySession(a, { role: 'client' });
    // A raw peer: answers the SYN_STREAM, counts DATA, never sends SETTINGS or WINDOW_UPDATE.
    const parser = new SpdyFrameParser();
    const compressor = new HeaderCompressor();
    let received = 0;
    let fin = false;
    const seen = new Set<string>();
    b.on('data', async (chunk: Buffer) => {
      for (const f of parser.push(chunk)) {
        seen.add(f.type);
        if (f.type === 'syn_stream') b.write(encodeSynReply(f.streamId, await compressor.compress({})));
        if (f.type === 'data') {
          received += f.data.length;
          if (f.flags & 1) fin = true;
        }
      }
    });
    const s = client.openStream({ streamtype: 'stdin' });
    await s.waitReply(5_000);
    s.end(Buffer.alloc(300_000, 1));
    for (let i = 0; i < 500 && !fin; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(received, 300_000);
    assert.equal(client.peerFlowControl, false);
    // Data the other way: read in full, and never acknowledged with WINDOW_UPDATE (a
    // frame arriving after such a peer closed would make its kernel reset the connection).
    const back = Buffer.alloc(200_000, 2);
    b.write(encodeData(s.id, back, true));
    const got: Buffer[] = [];
    s.on('data', (c: Buffer) => got.push(c));
    await once(s, 'end');
    assert.equal(Buffer.concat(got).length, back.length);
    await new Promise((r) => setTimeout(r, 50));
    client.destroy();
    b.destroy();
    compressor.close();
    assert.ok(!seen.has('window_update'), `frames seen: ${[...seen].join(', ')}`);
  });
});

describe('spdy upgrade', () => {
  let server: Server;
  let base = '';
  before(async () => {
    server = createServer();
    server.on('upgrade', (req, socket, head) => {
      acceptSpdy(req, socket, head, ['v4.channel.k8s.io', 'v3.channel.k8s.io'], {
        onStream: (s) => s.end('hi'),
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  test('the client order wins the protocol negotiation', async () => {
    const { session, protocol } = await connectSpdy(`${base}/x`, [
      'v5.channel.k8s.io',
      'v3.channel.k8s.io',
      'v4.channel.k8s.io',
    ]);
    assert.equal(protocol, 'v3.channel.k8s.io');
    const s = session.openStream({});
    let text = '';
    s.on('data', (c: Buffer) => {
      text += c;
    });
    await once(s, 'end');
    assert.equal(text, 'hi');
    session.close();
    await once(session, 'close');
  });

  test('refusals: no protocol header (400), no common protocol (403)', async () => {
    await assert.rejects(connectSpdy(`${base}/x`, []), /400.*X-Stream-Protocol-Version is required/s);
    await assert.rejects(
      connectSpdy(`${base}/x`, ['v9.channel.k8s.io']),
      /403.*unable to negotiate protocol/s,
    );
  });
});
