/**
 * Reading SNI from real ClientHellos (captured from Node's TLS client over loopback):
 * whole, arriving in pieces, re-framed across two records, without SNI, and non-TLS input.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { type AddressInfo, createServer } from 'node:net';
import { describe, it } from 'node:test';
import { connect } from 'node:tls';
import { parseClientHello } from './client-hello.js';

/** The first bytes a TLS client sends (its ClientHello), with or without a server name. */
async function captureHello(
  servername: string | undefined,
  maxVersion: 'TLSv1.2' | 'TLSv1.3',
): Promise<Buffer> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const got = new Promise<Buffer>((resolve) => {
    server.once('connection', (s) => {
      let buf = Buffer.alloc(0);
      s.on('data', (c: Buffer) => {
        buf = Buffer.concat([buf, c]);
        if (parseClientHello(buf).kind !== 'incomplete' || buf.length > 65_536) {
          resolve(buf);
          s.destroy();
        }
      });
    });
  });
  const client = connect({ host: '127.0.0.1', port, maxVersion, ...(servername ? { servername } : {}) });
  client.on('error', () => {});
  try {
    return await got;
  } finally {
    client.destroy();
    server.close();
  }
}

describe('ClientHello parsing', () => {
  it('finds the server name of TLS 1.3 and 1.2 hellos', async () => {
    for (const v of ['TLSv1.3', 'TLSv1.2'] as const) {
      const hello = await captureHello('app.example.com', v);
      assert.deepEqual(parseClientHello(hello), { kind: 'hello', serverName: 'app.example.com' }, v);
    }
  });

  it('reports a hello without a server name', async () => {
    assert.deepEqual(parseClientHello(await captureHello(undefined, 'TLSv1.3')), { kind: 'hello' });
  });

  it('waits for every piece, also when the hello spans two records', async () => {
    const hello = await captureHello('split.example.com', 'TLSv1.3');
    for (const cut of [0, 1, 4, 5, 9, 60, hello.length - 1]) {
      assert.deepEqual(parseClientHello(hello.subarray(0, cut)), { kind: 'incomplete' }, `cut at ${cut}`);
    }
    // Re-frame the handshake message into two records, as a client with a large hello does.
    const msg = hello.subarray(5);
    const half = Math.floor(msg.length / 2);
    const record = (body: Buffer) =>
      Buffer.concat([Buffer.from([0x16, 0x03, 0x01, body.length >> 8, body.length & 0xff]), body]);
    const two = Buffer.concat([record(msg.subarray(0, half)), record(msg.subarray(half))]);
    assert.deepEqual(parseClientHello(two.subarray(0, two.length - 3)), { kind: 'incomplete' });
    assert.deepEqual(parseClientHello(two), { kind: 'hello', serverName: 'split.example.com' });
  });

  it('rejects what is not a TLS handshake', () => {
    assert.deepEqual(parseClientHello(Buffer.from('GET / HTTP/1.1\r\n')), { kind: 'invalid' });
    assert.deepEqual(parseClientHello(Buffer.from([0x16, 0x02, 0x00])), { kind: 'invalid' });
    // A handshake record whose message is not a ClientHello.
    assert.deepEqual(parseClientHello(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x04, 0x02, 0x00, 0x00, 0x00])), {
      kind: 'invalid',
    });
    // A ClientHello whose declared lengths run past its end.
    const broken = Buffer.from([
      0x16, 0x03, 0x01, 0x00, 0x08, 0x01, 0x00, 0x00, 0x04, 0x03, 0x03, 0xff, 0xff,
    ]);
    assert.deepEqual(parseClientHello(broken), { kind: 'invalid' });
  });
});
