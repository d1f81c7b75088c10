/**
 * The unary gRPC client against a real etcd, cross-checked with the etcd3 client: what one
 * writes the other reads, etcd's refusals arrive as GrpcError with etcd's code and text, a
 * dead member moves calls to the next one, and a peer that never answers fails the call at
 * its deadline (not a timing assertion: only the outcome is checked).
 */
import assert from 'node:assert/strict';
import { createServer as createH2Server } from 'node:http2';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Etcd3 } from 'etcd3';
import { type EtcdCluster, startEtcd } from '../../../../test/support/etcd.js';
import { GrpcChannel } from './channel.js';
import { EtcdClient } from './client.js';
import { encodeRangeRequest } from './messages.js';
import { ChannelClosedError, Code, GrpcError } from './status.js';
import type { WatchResponse } from './watch-messages.js';

let etcd: EtcdCluster;
let client: EtcdClient;
let raw: Etcd3;
const prefix = `/grpc-client-test-${process.pid}`;
const k = (s: string) => Buffer.from(`${prefix}${s}`);
const soon = () => ({ deadline: Date.now() + 10_000 });

before(async () => {
  etcd = await startEtcd();
  client = new EtcdClient(etcd.endpoints);
  raw = new Etcd3({ hosts: etcd.endpoints });
});
after(async () => {
  client?.close();
  raw?.close();
  await etcd?.stop();
});

function isStatus(code: number, text?: string) {
  return (err: unknown) => {
    assert.ok(err instanceof GrpcError, `a GrpcError, not ${String(err)}`);
    assert.equal(err.code, code, `code ${err.code} (${err.message})`);
    if (text) assert.match(err.message, new RegExp(text));
    return true;
  };
}

/** A loopback port nothing listens on (bound, then released). */
async function deadPort(): Promise<number> {
  const srv = createTcpServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const addr = srv.address();
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  assert.ok(addr && typeof addr === 'object');
  return addr.port;
}

describe('etcd unary gRPC client', () => {
  it('writes transactions that etcd3 reads back, with a 64-bit lease and a large value', async () => {
    const lease = await client.leaseGrant({ ttlSeconds: 600 }, soon());
    assert.ok(BigInt(lease.id) > 0n);
    assert.ok(lease.ttlSeconds >= 600);
    const value = Buffer.alloc(1_000_000, 'z');
    const key = k('/big');
    const put = await client.txn(
      {
        compare: [{ key, target: 'create', result: 'equal', value: 0 }],
        success: [{ put: { key, value, lease: lease.id } }],
        failure: [{ range: { key } }],
      },
      soon(),
    );
    assert.equal(put.succeeded, true);
    const seen = await raw.get(key.toString()).exec();
    const kv = seen.kvs[0];
    assert.ok(kv);
    assert.ok(kv.value.equals(value));
    assert.equal(kv.lease, lease.id);
    assert.equal(Number(kv.mod_revision), put.revision);

    // The same guard fails now, and the failure branch reads the live key.
    const again = await client.txn(
      {
        compare: [{ key, target: 'create', result: 'equal', value: 0 }],
        success: [{ put: { key, value: Buffer.from('no') } }],
        failure: [{ range: { key } }],
      },
      soon(),
    );
    assert.equal(again.succeeded, false);
    const live = again.responses[0]?.range?.kvs[0];
    assert.ok(live?.value.equals(value));
    assert.equal(live?.createRevision, put.revision);
  });

  it('reads ranges and deletes what etcd3 wrote', async () => {
    for (const name of ['a', 'b', 'c']) await raw.put(`${prefix}/r/${name}`).value(name).exec();
    const end = k('/r0');
    const page = await client.range({ key: k('/r/'), rangeEnd: end, limit: 2 }, soon());
    assert.deepEqual(
      page.kvs.map((kv) => kv.value.toString()),
      ['a', 'b'],
    );
    assert.equal(page.more, true);
    assert.equal(page.count, 3);
    const del = await client.deleteRange({ key: k('/r/'), rangeEnd: end, prevKv: true }, soon());
    assert.equal(del.deleted, 3);
    assert.deepEqual(
      del.prevKvs.map((kv) => kv.key.toString()),
      ['a', 'b', 'c'].map((n) => `${prefix}/r/${n}`),
    );
    assert.equal((await raw.getAll().prefix(`${prefix}/r/`).keys()).length, 0);
  });

  it("passes etcd's refusals on with etcd's code and text", async () => {
    const now = (await client.range({ key: k('/x') }, soon())).revision;
    await assert.rejects(
      client.range({ key: k('/x'), revision: now + 1000 }, soon()),
      isStatus(Code.OUT_OF_RANGE, 'required revision is a future revision'),
    );
    await assert.rejects(
      client.txn(
        {
          compare: [],
          success: [{ put: { key: k('/l'), value: Buffer.from('v'), lease: '12345' } }],
          failure: [],
        },
        soon(),
      ),
      isStatus(Code.NOT_FOUND, 'requested lease not found'),
    );
    // Over etcd's request limit (2 MiB in tests), and over gRPC's (that plus 512 KiB).
    const huge = (bytes: number) =>
      client.txn(
        { compare: [], success: [{ put: { key: k('/huge'), value: Buffer.alloc(bytes) } }], failure: [] },
        soon(),
      );
    await assert.rejects(huge(2.2 * 2 ** 20), isStatus(Code.INVALID_ARGUMENT, 'request is too large'));
    await assert.rejects(
      huge(3 * 2 ** 20),
      isStatus(Code.RESOURCE_EXHAUSTED, 'received message larger than max'),
    );
    await raw.put(`${prefix}/c`).value('1').exec();
    await raw.put(`${prefix}/c`).value('2').exec();
    const head = (await client.range({ key: k('/c') }, soon())).revision;
    await client.compact({ revision: head }, soon());
    await assert.rejects(
      client.range({ key: k('/c'), revision: head - 1 }, soon()),
      isStatus(Code.OUT_OF_RANGE, 'required revision has been compacted'),
    );
    await assert.rejects(
      client.compact({ revision: head - 1 }, soon()),
      isStatus(Code.OUT_OF_RANGE, 'compacted'),
    );
  });

  it('streams watch events with previous values, and ends the stream on close', async () => {
    const got: WatchResponse[] = [];
    const ended: GrpcError[] = [];
    let wake: () => void = () => {};
    const call = client.watch({
      response: (res) => {
        got.push(res);
        wake();
      },
      ended: (err) => ended.push(err),
    });
    const events = () => got.flatMap((r) => r.events);
    /** Waits (bounded) until `n` events have arrived. */
    const until = async (n: number) => {
      for (let i = 0; i < 100 && events().length < n; i++) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, 100);
          wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
      }
    };
    try {
      const from = (await client.range({ key: k('/w') }, soon())).revision + 1;
      call.create({ key: k('/w/'), rangeEnd: k('/w0'), startRevision: from, prevKv: true });
      await raw.put(`${prefix}/w/a`).value('1').exec();
      await raw.put(`${prefix}/w/a`).value('2').exec();
      await raw.put(`${prefix}/other`).value('x').exec();
      await raw.delete().key(`${prefix}/w/a`).exec();
      await until(3);
      assert.equal(got[0]?.created, true);
      const evs = events();
      assert.deepEqual(
        evs.map((e) => [e.type, e.kv.key.toString(), e.kv.value.toString(), e.prevKv?.value.toString()]),
        [
          ['put', `${prefix}/w/a`, '1', undefined],
          ['put', `${prefix}/w/a`, '2', '1'],
          ['delete', `${prefix}/w/a`, '', '2'],
        ],
      );
      assert.ok(evs.every((e, i) => i === 0 || e.kv.modRevision > (evs[i - 1]?.kv.modRevision ?? 0)));
    } finally {
      call.close();
    }
    assert.deepEqual(ended, [], 'no handler runs after close');
  });

  it('fails over to the next member after a member is unreachable', async () => {
    const live = etcd.endpoints[0];
    assert.ok(live);
    const c = new EtcdClient([`http://127.0.0.1:${await deadPort()}`, live]);
    try {
      await assert.rejects(c.range({ key: k('/x') }, soon()), isStatus(Code.UNAVAILABLE, 'connection to'));
      const res = await c.range({ key: k('/x'), countOnly: true }, soon());
      assert.ok(res.revision > 0);
    } finally {
      c.close();
    }
    await assert.rejects(c.range({ key: k('/x') }, soon()), (e) => e instanceof ChannelClosedError);
  });
});

describe('gRPC channel against peers that misbehave', () => {
  const sockets = new Set<Socket>();
  let silent: Server;
  before(async () => {
    silent = createTcpServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('fails a call at its deadline when the peer never answers', async () => {
    const addr = silent.address();
    assert.ok(addr && typeof addr === 'object');
    const ch = new GrpcChannel(`http://127.0.0.1:${addr.port}`, { pingTimeoutMs: 200 });
    try {
      const call = ch.unary('/etcdserverpb.KV/Range', encodeRangeRequest({ key: k('/x') }), {
        deadline: Date.now() + 300,
      });
      await assert.rejects(call, isStatus(Code.DEADLINE_EXCEEDED));
    } finally {
      ch.close();
    }
  });

  it('maps HTTP answers without a gRPC status, and decodes percent-encoded messages', async () => {
    const server = createH2Server();
    server.on('stream', (stream, headers) => {
      if (headers[':path'] === '/missing') {
        stream.respond({ ':status': 404 }, { endStream: true });
      } else {
        // A trailers-only error, as gRPC servers send it.
        stream.respond(
          {
            ':status': 200,
            'content-type': 'application/grpc',
            'grpc-status': '14',
            'grpc-message': 'no%20leader%3A%20%E2%9C%93',
          },
          { endStream: true },
        );
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const addr = server.address();
    assert.ok(addr && typeof addr === 'object');
    const ch = new GrpcChannel(`http://127.0.0.1:${addr.port}`);
    try {
      const frame = encodeRangeRequest({ key: k('/x') });
      await assert.rejects(
        ch.unary('/missing', frame, soon()),
        isStatus(Code.UNIMPLEMENTED, 'HTTP status 404'),
      );
      await assert.rejects(
        ch.unary('/etcdserverpb.KV/Range', frame, soon()),
        isStatus(Code.UNAVAILABLE, '^no leader: ✓$'),
      );
    } finally {
      ch.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
