/**
 * The proxy in process against real HTTP backends on 127.0.0.1: routing tables point at
 * them directly (no EndpointSlices). Covers host and path routing, forwarded headers, round
 * robin, keep-alive to clients and backends, streaming both ways, WebSocket-style upgrades,
 * 404/502/503/504 pages, retries past a dead endpoint, and a table swapped under an open
 * keep-alive connection.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import {
  Agent,
  type ClientRequest,
  createServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import { type AddressInfo, createServer as createNetServer, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type Listener, listen } from './listeners.js';
import { IngressProxy } from './proxy.js';
import { type Backend, type Endpoint, emptyTable, type PathKind, type RoutingTable } from './types.js';

interface TestBackend {
  name: string;
  endpoint: Endpoint;
  server: Server;
  connections: number;
}

async function startBackend(
  name: string,
  handler?: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<TestBackend> {
  const server = createServer(
    handler ??
      ((req, res) => {
        res.setHeader('content-type', 'application/json');
        res.setHeader('set-cookie', ['a=1', 'b=2']);
        res.end(JSON.stringify({ name, method: req.method, url: req.url, headers: req.headers }));
      }),
  );
  const b: TestBackend = { name, server, endpoint: { host: '127.0.0.1', port: 0 }, connections: 0 };
  server.on('connection', () => b.connections++);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  b.endpoint.port = (server.address() as AddressInfo).port;
  return b;
}

function stopServer(s: Server): Promise<void> {
  return new Promise((r) => {
    s.close(() => r());
    s.closeAllConnections();
  });
}

/** A port nothing listens on. */
async function deadEndpoint(): Promise<Endpoint> {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as AddressInfo).port;
  await stopServer(s);
  return { host: '127.0.0.1', port };
}

const backendOf = (key: string, ...endpoints: Endpoint[]): Backend => ({ key, endpoints });

function table(
  rules: { host?: string; path: string; kind?: PathKind; backend: Backend }[],
  defaultBackend?: Backend,
): RoutingTable {
  const t = emptyTable();
  for (const r of rules) {
    let routes = t.anyHost;
    if (r.host) {
      routes = t.hosts.get(r.host) ?? { exact: new Map(), prefixes: [] };
      t.hosts.set(r.host, routes);
    }
    const route = { path: r.path, kind: r.kind ?? 'Prefix', backend: r.backend, ingress: 'ns/test' };
    if (route.kind === 'Exact') routes.exact.set(r.path, route);
    else routes.prefixes.push(route);
  }
  for (const routes of [t.anyHost, ...t.hosts.values()])
    routes.prefixes.sort((a, b) => b.path.length - a.path.length);
  t.defaultBackend = defaultBackend;
  return t;
}

interface Reply {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
  reused: boolean;
}

function send(
  port: number,
  path: string,
  opts: {
    host?: string;
    method?: string;
    body?: string;
    agent?: Agent;
    headers?: Record<string, string>;
  } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req: ClientRequest = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: opts.method ?? 'GET',
        headers: { host: opts.host ?? 'app.test', ...opts.headers },
        agent: opts.agent ?? false,
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
            reused: req.reusedSocket,
          }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end(opts.body);
  });
}

const json = (r: Reply) =>
  JSON.parse(r.body) as { name: string; url: string; headers: Record<string, string> };

describe('ingress proxy', () => {
  const logs: string[] = [];
  let proxy: IngressProxy;
  let http: Listener;
  let a: TestBackend;
  let b: TestBackend;

  before(async () => {
    proxy = new IngressProxy({ log: (m) => logs.push(m), timeouts: { connectMs: 2_000, idleMs: 300 } });
    http = await listen('http', '127.0.0.1', 0, proxy);
    a = await startBackend('a');
    b = await startBackend('b');
  });

  after(async () => {
    await http.close();
    proxy.close();
    await Promise.all([a, b].map((x) => stopServer(x.server)));
  });

  it('routes by host and path, keeps Host and sets forwarded headers', async () => {
    proxy.setTable(
      table([
        { host: 'app.test', path: '/', backend: backendOf('ns/a:80', a.endpoint) },
        { host: 'app.test', path: '/api', backend: backendOf('ns/b:80', b.endpoint) },
        { host: 'other.test', path: '/', backend: backendOf('ns/b:80', b.endpoint) },
      ]),
    );
    const root = await send(http.port, '/x?q=1', { headers: { 'x-forwarded-for': '6.6.6.6' } });
    assert.equal(root.status, 200);
    const seen = json(root);
    assert.equal(seen.name, 'a');
    assert.equal(seen.url, '/x?q=1');
    assert.equal(seen.headers['host'], 'app.test');
    assert.equal(seen.headers['x-forwarded-for'], '127.0.0.1');
    assert.equal(seen.headers['x-forwarded-proto'], 'http');
    assert.equal(seen.headers['x-forwarded-host'], 'app.test');
    assert.equal(seen.headers['x-forwarded-port'], String(http.port));
    assert.deepEqual(root.headers['set-cookie'], ['a=1', 'b=2']);
    assert.equal(json(await send(http.port, '/api/v1')).name, 'b');
    assert.equal(json(await send(http.port, '/apiv1')).name, 'a');
    assert.equal(json(await send(http.port, '/', { host: 'OTHER.test:8080' })).name, 'b');
    const miss = await send(http.port, '/', { host: 'nobody.test' });
    assert.equal(miss.status, 404);
    assert.match(miss.body, /404 Not Found/);
    assert.match(String(miss.headers['content-type']), /text\/html/);
  });

  it('sends unmatched requests to the default backend', async () => {
    proxy.setTable(
      table(
        [{ host: 'app.test', path: '/api', backend: backendOf('ns/b:80', b.endpoint) }],
        backendOf('ns/a:80', a.endpoint),
      ),
    );
    assert.equal(json(await send(http.port, '/', { host: 'nobody.test' })).name, 'a');
    assert.equal(json(await send(http.port, '/api')).name, 'b');
  });

  it('balances round robin across endpoints', async () => {
    proxy.setTable(table([{ path: '/', backend: backendOf('ns/ab:80', a.endpoint, b.endpoint) }]));
    const names = [];
    for (let i = 0; i < 4; i++) names.push(json(await send(http.port, '/')).name);
    assert.deepEqual(names.slice().sort(), ['a', 'a', 'b', 'b']);
    assert.notEqual(names[0], names[1]);
  });

  it('answers 503 without endpoints, 502 when the backend refuses, 504 when it is silent', async () => {
    const dead = await deadEndpoint();
    const silent = await startBackend('silent', () => {
      // Never answers.
    });
    try {
      proxy.setTable(
        table([
          { path: '/none', backend: backendOf('ns/none:80') },
          { path: '/dead', backend: backendOf('ns/dead:80', dead) },
          { path: '/silent', backend: backendOf('ns/silent:80', silent.endpoint) },
        ]),
      );
      const none = await send(http.port, '/none');
      assert.equal(none.status, 503);
      assert.match(none.body, /503 Service Unavailable/);
      assert.equal((await send(http.port, '/dead')).status, 502);
      const post = await send(http.port, '/dead', { method: 'POST', body: 'payload' });
      assert.equal(post.status, 502);
      assert.equal((await send(http.port, '/silent')).status, 504);
      assert.ok(
        logs.some((l) => /ns\/dead:80 .* 502/.test(l)),
        logs.join('\n'),
      );
      // The listener still serves after all that.
      proxy.setTable(table([{ path: '/', backend: backendOf('ns/a:80', a.endpoint) }]));
      assert.equal((await send(http.port, '/')).status, 200);
    } finally {
      await stopServer(silent.server);
    }
  });

  it('answers 502 when a backend sends a response head it cannot pass on', async () => {
    // Node's client parses status 099, but a server may not send it.
    const odd = createNetServer((c) =>
      c.once('data', () => c.end('HTTP/1.1 099 Odd\r\ncontent-length: 0\r\n\r\n')),
    );
    odd.listen(0, '127.0.0.1');
    await once(odd, 'listening');
    try {
      const port = (odd.address() as AddressInfo).port;
      proxy.setTable(table([{ path: '/', backend: backendOf('ns/odd:80', { host: '127.0.0.1', port }) }]));
      assert.equal((await send(http.port, '/')).status, 502);
    } finally {
      odd.close();
    }
  });

  it('tries the next endpoint when one cannot be reached (requests without a body)', async () => {
    const dead = await deadEndpoint();
    proxy.setTable(table([{ path: '/', backend: backendOf('ns/mixed:80', dead, a.endpoint) }]));
    for (let i = 0; i < 4; i++) assert.equal(json(await send(http.port, '/')).name, 'a');
  });

  it('keeps client and backend connections alive across requests', async () => {
    const backend = await startBackend('ka');
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      proxy.setTable(table([{ path: '/', backend: backendOf('ns/ka:80', backend.endpoint) }]));
      const replies = [];
      for (let i = 0; i < 5; i++) replies.push(await send(http.port, `/${i}`, { agent }));
      assert.deepEqual(
        replies.map((r) => r.reused),
        [false, true, true, true, true],
      );
      assert.equal(backend.connections, 1);
      assert.equal(replies[0]?.headers['connection'], 'keep-alive');
    } finally {
      agent.destroy();
      await stopServer(backend.server);
    }
  });

  it('applies a new table to the next request on an open keep-alive connection', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      proxy.setTable(table([{ path: '/', backend: backendOf('ns/a:80', a.endpoint) }]));
      const first = await send(http.port, '/', { agent });
      proxy.setTable(table([{ path: '/', backend: backendOf('ns/b:80', b.endpoint) }]));
      const second = await send(http.port, '/', { agent });
      assert.equal(json(first).name, 'a');
      assert.equal(json(second).name, 'b');
      assert.equal(second.reused, true);
    } finally {
      agent.destroy();
    }
  });

  it('streams request and response bodies as they come', async () => {
    // Echoes every chunk at once, so each reply chunk proves the previous one went through.
    const echo = await startBackend('echo', (req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.flushHeaders();
      req.on('data', (c: Buffer) => res.write(c));
      req.on('end', () => res.end('|end'));
    });
    try {
      proxy.setTable(table([{ path: '/', backend: backendOf('ns/echo:80', echo.endpoint) }]));
      const req = request({
        host: '127.0.0.1',
        port: http.port,
        method: 'POST',
        path: '/up',
        headers: { host: 'x' },
      });
      req.flushHeaders();
      const [res] = (await once(req, 'response')) as [IncomingMessage];
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['transfer-encoding'], 'chunked');
      const got: string[] = [];
      for (let i = 0; i < 5; i++) {
        req.write(`chunk${i}`);
        const [c] = (await once(res, 'data')) as [Buffer];
        got.push(c.toString());
      }
      req.end();
      let rest = '';
      for await (const c of res) rest += (c as Buffer).toString();
      assert.deepEqual(got, ['chunk0', 'chunk1', 'chunk2', 'chunk3', 'chunk4']);
      assert.equal(rest, '|end');
    } finally {
      await stopServer(echo.server);
    }
  });

  it('stops the backend request when the client goes away mid-response', async () => {
    let aborted: () => void = () => {};
    const backendClosed = new Promise<void>((r) => {
      aborted = r;
    });
    const slow = await startBackend('slow', (_req, res) => {
      res.writeHead(200);
      res.write('first');
      res.on('close', () => aborted());
    });
    try {
      proxy.setTable(table([{ path: '/', backend: backendOf('ns/slow:80', slow.endpoint) }]));
      const req = request({ host: '127.0.0.1', port: http.port, path: '/', headers: { host: 'x' } });
      req.end();
      const [res] = (await once(req, 'response')) as [IncomingMessage];
      await once(res, 'data');
      req.destroy();
      await backendClosed;
    } finally {
      await stopServer(slow.server);
    }
  });

  describe('upgrades', () => {
    let ws: TestBackend;

    before(async () => {
      ws = await startBackend('ws', (_req, res) => {
        res.writeHead(426, { 'content-type': 'text/plain' });
        res.end('upgrade required');
      });
      ws.server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
        if (req.headers.upgrade !== 'echo') {
          socket.end('HTTP/1.1 400 Bad Request\r\ncontent-length: 6\r\nconnection: close\r\n\r\nno way');
          return;
        }
        socket.write(
          `HTTP/1.1 101 Switching Protocols\r\nconnection: Upgrade\r\nupgrade: echo\r\nx-proto: ${req.headers['x-forwarded-proto']}\r\n\r\n`,
        );
        if (head.length > 0) socket.write(head);
        socket.pipe(socket);
      });
    });

    after(() => stopServer(ws.server));

    function upgrade(
      protocol: string,
      host = 'x',
    ): Promise<{ socket?: Socket; res?: IncomingMessage; headers: IncomingMessage['headers'] }> {
      return new Promise((resolve, reject) => {
        const req = request({
          host: '127.0.0.1',
          port: http.port,
          path: '/ws',
          headers: { host, connection: 'Upgrade', upgrade: protocol },
          timeout: 10_000,
        });
        req.on('upgrade', (res: IncomingMessage, socket: Socket) =>
          resolve({ socket, headers: res.headers }),
        );
        req.on('response', (res: IncomingMessage) => resolve({ res, headers: res.headers }));
        req.on('timeout', () => req.destroy(new Error('timed out')));
        req.on('error', reject);
        req.end();
      });
    }

    it('tunnels an upgraded connection both ways', async () => {
      proxy.setTable(table([{ host: 'x', path: '/ws', backend: backendOf('ns/ws:80', ws.endpoint) }]));
      const up = await upgrade('echo');
      assert.ok(up.socket, 'expected a 101');
      assert.equal(up.headers['x-proto'], 'http');
      const socket = up.socket;
      for (const msg of ['hello', 'again']) {
        socket.write(msg);
        const [data] = (await once(socket, 'data')) as [Buffer];
        assert.equal(data.toString(), msg);
      }
      socket.destroy();
    });

    it('relays a refusal, and answers 404 or 502 itself', async () => {
      proxy.setTable(table([{ host: 'x', path: '/ws', backend: backendOf('ns/ws:80', ws.endpoint) }]));
      const refused = await upgrade('other');
      assert.equal(refused.res?.statusCode, 400);
      refused.res?.resume();
      const missing = await upgrade('echo', 'nobody');
      assert.equal(missing.res?.statusCode, 404);
      missing.res?.resume();
      proxy.setTable(
        table([{ host: 'x', path: '/ws', backend: backendOf('ns/dead:80', await deadEndpoint()) }]),
      );
      const dead = await upgrade('echo');
      assert.equal(dead.res?.statusCode, 502);
      dead.res?.resume();
    });
  });
});
