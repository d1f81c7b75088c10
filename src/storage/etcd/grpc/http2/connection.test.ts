/**
 * The HTTP/2 client connection against another implementation, node:http2's server
 * (nghttp2), which Huffman-codes and indexes the headers it sends: concurrent requests
 * with headers, data and trailers; bodies larger than every flow-control window in both
 * directions; the peer's limit on concurrent streams; resets, GOAWAY and pings; and a peer
 * that breaks the protocol.
 */
import assert from 'node:assert/strict';
import { createServer as createH2Server, type Http2Server, type ServerHttp2Session } from 'node:http2';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { type ClientStream, H2Connection, StreamError } from './connection.js';
import { ErrorCode } from './frames.js';
import { encodeHeaders, type HeaderField } from './hpack.js';

interface Answer {
  headers: HeaderField[][];
  body: Buffer;
  err: StreamError | undefined;
}

function request(
  c: H2Connection,
  path: string,
  body?: Buffer,
  end = true,
): { stream: ClientStream; done: Promise<Answer> } {
  const chunks: Buffer[] = [];
  const headers: HeaderField[][] = [];
  let stream: ClientStream | undefined;
  const done = new Promise<Answer>((resolve) => {
    stream = c.request(
      encodeHeaders([
        [':method', 'POST'],
        [':scheme', 'http'],
        [':authority', 'test'],
        [':path', path],
        ['content-type', 'application/octet-stream'],
      ]),
      {
        headers: (fields) => headers.push(fields),
        data: (chunk) => chunks.push(Buffer.from(chunk)),
        closed: (err) => resolve({ headers, body: Buffer.concat(chunks), err }),
      },
      body,
      end,
    );
  });
  return { stream: stream as ClientStream, done };
}

const header = (a: Answer, i: number, name: string) => a.headers[i]?.find(([n]) => n === name)?.[1];

async function listen(server: Http2Server | Server): Promise<URL> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  assert.ok(addr && typeof addr === 'object');
  return new URL(`http://127.0.0.1:${addr.port}`);
}

function connection(url: URL, opts?: { streamWindow?: number; connectionWindow?: number }) {
  const events: string[] = [];
  const c = new H2Connection(
    url,
    (why) => events.push(`closed: ${why}`),
    () => events.push('goaway'),
    opts,
  );
  return { c, events };
}

const servers: (Http2Server | Server)[] = [];
const sockets = new Set<Socket>();
/** Keeps the server's connections, to end them when the tests are over. */
function track<T extends Http2Server | Server>(server: T): T {
  servers.push(server);
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return server;
}
after(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

/** An echo server: the request body back, a header and trailers whose values vary per request. */
function echoServer(settings?: { maxConcurrentStreams?: number }): Http2Server {
  const server = track(createH2Server(settings ? { settings } : {}));
  server.on('stream', (stream, headers) => {
    const path = String(headers[':path']);
    const chunks: Buffer[] = [];
    // Resets (ours, or the one /reset asks for) surface here on the server side.
    stream.on('error', () => {});
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      if (path === '/reset') {
        stream.close(ErrorCode.REFUSED_STREAM);
        return;
      }
      const delay = path === '/slow' ? 200 : 0;
      setTimeout(() => {
        if (stream.destroyed) return;
        const body = Buffer.concat(chunks);
        stream.respond({ ':status': 200, 'x-path': `path is ${path}` }, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({ 'x-size': `${body.byteLength} bytes` }));
        stream.end(body);
      }, delay);
    });
  });
  return server;
}

describe('HTTP/2 client connection against node:http2', () => {
  it('carries concurrent requests with headers, data and trailers', async () => {
    const url = await listen(echoServer());
    const { c } = connection(url);
    try {
      const answers = await Promise.all(
        Array.from({ length: 200 }, (_, i) => request(c, `/echo/${i}`, Buffer.from(`body ${i}`)).done),
      );
      answers.forEach((a, i) => {
        assert.equal(a.err, undefined);
        assert.equal(header(a, 0, ':status'), '200');
        assert.equal(header(a, 0, 'x-path'), `path is /echo/${i}`);
        assert.equal(a.body.toString(), `body ${i}`);
        assert.equal(header(a, 1, 'x-size'), `${a.body.byteLength} bytes`);
      });
    } finally {
      c.destroy('test over');
    }
  });

  it('sends and receives bodies larger than every window', async () => {
    const url = await listen(echoServer());
    // Our windows of 16 KiB must be opened as data is read; the server's 64 KiB ones by it.
    const { c } = connection(url, { streamWindow: 16_384, connectionWindow: 65_535 });
    try {
      const big = Buffer.alloc(3 * 1024 * 1024 + 17);
      for (let i = 0; i < big.byteLength; i++) big[i] = (i * 7) & 0xff;
      const answers = await Promise.all([1, 2, 3].map(() => request(c, '/big', big).done));
      for (const a of answers) {
        assert.equal(a.err, undefined);
        assert.ok(a.body.equals(big), 'the body came back whole');
      }
    } finally {
      c.destroy('test over');
    }
  });

  it("keeps to the peer's limit on concurrent streams, starting waiting requests as others end", async () => {
    const url = await listen(echoServer({ maxConcurrentStreams: 2 }));
    const { c } = connection(url);
    try {
      // The first requests go out before the peer's SETTINGS arrive; later ones wait.
      await request(c, '/first', Buffer.from('x')).done;
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) => request(c, '/slow', Buffer.from(String(i))).done),
      );
      assert.deepEqual(
        answers.map((a) => [a.err, a.body.toString()]),
        answers.map((_, i) => [undefined, String(i)]),
      );
    } finally {
      c.destroy('test over');
    }
  });

  it('reports a reset stream with its code, and answers and sends pings', async () => {
    const url = await listen(echoServer());
    const { c } = connection(url);
    try {
      const a = await request(c, '/reset', Buffer.from('x')).done;
      assert.ok(a.err instanceof StreamError);
      assert.equal(a.err.code, ErrorCode.REFUSED_STREAM);
      const pong = await new Promise<Error | undefined>((resolve) => c.ping(resolve));
      assert.equal(pong, undefined);
      assert.equal((await request(c, '/after', Buffer.from('y')).done).body.toString(), 'y');
    } finally {
      c.destroy('test over');
    }
  });

  it('lets streams in flight finish after GOAWAY and takes no new ones', async () => {
    const server = echoServer();
    const url = await listen(server);
    const { c, events } = connection(url);
    try {
      await request(c, '/warm', Buffer.from('w')).done;
      const sessions: ServerHttp2Session[] = [];
      server.on('stream', (stream) => sessions.push(stream.session as ServerHttp2Session));
      const slow = request(c, '/slow', Buffer.from('s'));
      // Wait for the server to have the stream, then ask for no new ones.
      for (let i = 0; i < 100 && sessions.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      sessions[0]?.goaway(0);
      const a = await slow.done;
      assert.equal(a.err, undefined);
      assert.equal(a.body.toString(), 's');
      assert.equal(c.usable, false);
      assert.throws(() => c.request(Buffer.alloc(0), { headers() {}, data() {}, closed() {} }), StreamError);
      assert.ok(events.includes('goaway'), events.join(', '));
    } finally {
      c.destroy('test over');
    }
  });

  it('cancels a stream without telling its owner, and the connection goes on', async () => {
    const url = await listen(echoServer());
    const { c } = connection(url);
    try {
      let told = false;
      const r = request(c, '/slow', Buffer.from('s'));
      r.done.then(() => {
        told = true;
      });
      r.stream.cancel();
      assert.equal((await request(c, '/next', Buffer.from('n')).done).body.toString(), 'n');
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(told, false);
    } finally {
      c.destroy('test over');
    }
  });
});

describe('HTTP/2 client connection against a broken peer', () => {
  it('fails every stream and closes when the peer breaks the framing', async () => {
    const tcp = track(
      createTcpServer((s) => {
        // A frame header announcing 16 MiB of payload, above the 16 KiB allowed.
        s.write(Buffer.from([0xff, 0xff, 0xff, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0]));
        s.on('error', () => {});
      }),
    );
    const url = await listen(tcp);
    const { c, events } = connection(url);
    const a = await request(c, '/x', Buffer.from('x')).done;
    assert.ok(a.err instanceof StreamError);
    assert.match(a.err.message, /protocol error: frame of 16777215 bytes/);
    assert.equal(c.usable, false);
    assert.equal(events.filter((e) => e.startsWith('closed')).length, 1, events.join(', '));
  });

  it('fails streams when nothing listens', async () => {
    const tcp = createTcpServer();
    const url = await listen(tcp);
    await new Promise<void>((resolve) => tcp.close(() => resolve()));
    const { c, events } = connection(url);
    const a = await request(c, '/x', Buffer.from('x')).done;
    assert.match(a.err?.message ?? '', /ECONNREFUSED/);
    assert.equal(events.length, 1);
  });
});
