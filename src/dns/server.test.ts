/**
 * The DNS server in-process over real sockets on 127.0.0.1: UDP and TCP, truncation and
 * EDNS0 sizes, forwarding to a fake upstream server started here, CNAME following,
 * SERVFAIL when upstreams fail, and FORMERR/NOTIMP/BADVERS for bad queries.
 */
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { KObject } from '../registry/types.js';
import type { HostPort } from './addresses.js';
import { buildQuery, DnsClient, query } from './client.js';
import { decodeMessage } from './decode.js';
import { encodeMessage } from './encode.js';
import { DnsTimeoutError } from './exchange.js';
import { Forwarder } from './forwarder.js';
import { QueryHandler } from './handler.js';
import { type Message, NO_FLAGS, Rcode, RRType } from './message.js';
import { address, txt } from './records.js';
import { DnsListener } from './server.js';
import { buildView, type ClusterView } from './view.js';

const ZONE = 'cluster.local';

function clusterView(): ClusterView {
  const endpoints = Array.from({ length: 60 }, (_, i) => ({
    addresses: [`10.42.1.${i + 1}`],
    conditions: { ready: true },
    hostname: `big-${i}`,
  }));
  const svc = (name: string, spec: Record<string, unknown>): KObject => ({
    metadata: { name, namespace: 'apps' },
    spec,
  });
  return buildView({
    zone: ZONE,
    serial: 1,
    nameservers: ['10.43.0.10'],
    namespaces: [{ metadata: { name: 'apps' } }],
    services: [
      svc('web', { clusterIP: '10.43.0.20', ports: [{ name: 'http', port: 80 }] }),
      svc('big', { clusterIP: 'None', ports: [{ name: 'p', port: 1 }] }),
      svc('ext', { type: 'ExternalName', externalName: 'www.example.com' }),
      svc('gone', { type: 'ExternalName', externalName: 'nothing.example.com' }),
    ],
    endpointSlices: [
      {
        metadata: { name: 'big-1', namespace: 'apps', labels: { 'kubernetes.io/service-name': 'big' } },
        addressType: 'IPv4',
        endpoints,
        ports: [{ name: 'p', port: 1, protocol: 'TCP' }],
      },
    ],
  });
}

/** A fake upstream: www.example.com A 192.0.2.80, large.example.com 40 TXT records, else NXDOMAIN. */
function upstreamAnswer(q: Uint8Array, transport: 'udp' | 'tcp'): Promise<Uint8Array | undefined> {
  const m = decodeMessage(q);
  const question = m.questions[0];
  const reply: Message = {
    id: m.id,
    flags: {
      ...NO_FLAGS,
      response: true,
      recursionDesired: m.flags.recursionDesired,
      recursionAvailable: true,
    },
    rcode: Rcode.NXDOMAIN,
    questions: m.questions,
    answers: [],
    authority: [],
    additional: [],
  };
  if (question?.name === 'www.example.com' && question.type === RRType.A) {
    reply.rcode = Rcode.NOERROR;
    reply.answers = [address('www.example.com', 300, '192.0.2.80')];
  } else if (question?.name === 'large.example.com') {
    reply.rcode = Rcode.NOERROR;
    reply.answers = Array.from({ length: 40 }, (_, i) =>
      txt('large.example.com', 60, `record ${i} ${'x'.repeat(40)}`),
    );
  }
  const limit = transport === 'tcp' ? 65535 : m.edns ? m.edns.udpSize : 512;
  return Promise.resolve(encodeMessage(reply, { maxSize: limit }));
}

describe('DNS server', () => {
  let upstream: DnsListener;
  let wrongUpstream: DnsListener;
  let silent: Socket;
  let silentAt: HostPort;
  let server: DnsListener;
  let at: HostPort;
  let client: DnsClient;
  let synced = true;
  let wrongAsked = 0;
  const logs: string[] = [];

  async function serve(upstreams: HostPort[], timeoutMs = 2000): Promise<DnsListener> {
    const view = clusterView();
    const handler = new QueryHandler({
      view: () => (synced ? view : undefined),
      zone: ZONE,
      forwarder: new Forwarder({ upstreams, timeoutMs }),
      log: (m) => logs.push(m),
    });
    return DnsListener.listen({ host: '127.0.0.1', port: 0 }, (q, t) => handler.handle(q, t));
  }

  before(async () => {
    upstream = await DnsListener.listen({ host: '127.0.0.1', port: 0 }, upstreamAnswer);
    // An upstream that answers, but always another question than the one asked.
    wrongUpstream = await DnsListener.listen({ host: '127.0.0.1', port: 0 }, async (q) => {
      wrongAsked++;
      const m = decodeMessage(q);
      return encodeMessage({
        ...m,
        flags: { ...m.flags, response: true },
        questions: [{ name: 'evil.example', type: RRType.A, class: 1 }],
        answers: [address('evil.example', 60, '192.0.2.66')],
      });
    });
    silent = createSocket('udp4');
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
    silentAt = { host: '127.0.0.1', port: silent.address().port };
    server = await serve([wrongUpstream.address, upstream.address]);
    at = server.address;
    client = new DnsClient(at);
  });

  after(async () => {
    client.close();
    await server.close();
    await upstream.close();
    await wrongUpstream.close();
    silent.close();
  });

  it('answers over UDP and TCP on the same port, authoritatively, echoing ID and RD', async () => {
    assert.notEqual(at.port, 0);
    for (const transport of ['udp', 'tcp'] as const) {
      const m = await client.query('web.apps.svc.cluster.local', { transport });
      assert.equal(m.rcode, Rcode.NOERROR);
      assert.equal(m.flags.response, true);
      assert.equal(m.flags.authoritative, true);
      assert.equal(m.flags.recursionDesired, true);
      assert.equal(m.flags.recursionAvailable, true);
      assert.deepEqual(
        m.answers.map((r) => [r.name, r.ttl, r.data]),
        [['web.apps.svc.cluster.local', 5, { kind: 'A', address: '10.43.0.20' }]],
      );
    }
    const raw = decodeMessage(
      await client.sendRaw(buildQuery(0xbeef, 'web.apps.svc.cluster.local', { recursionDesired: false })),
    );
    assert.equal(raw.id, 0xbeef);
    assert.equal(raw.flags.recursionDesired, false);
  });

  it('sets TC when a UDP answer does not fit 512 bytes or the EDNS0 size, and TCP gets it all', async () => {
    const name = 'big.apps.svc.cluster.local';
    const plain = await client.query(name, { noTcpFallback: true });
    assert.equal(plain.flags.truncated, true);
    assert.ok(plain.answers.length < 60, `${plain.answers.length} answers in 512 bytes`);
    const small = await client.sendRaw(buildQuery(7, name, {}));
    assert.ok(small.length <= 512, `${small.length} bytes`);
    const sized = await client.sendRaw(buildQuery(8, name, { udpSize: 700 }));
    assert.ok(sized.length <= 700 && sized.length > 512, `${sized.length} bytes for EDNS0 size 700`);
    assert.equal(decodeMessage(sized).flags.truncated, true);
    const edns = await client.query(name, { udpSize: 4096, noTcpFallback: true });
    assert.equal(edns.flags.truncated, false);
    assert.equal(edns.answers.length, 60);
    assert.equal(edns.edns?.udpSize, 4096);
    const tcp = await client.query(name, { transport: 'tcp' });
    assert.equal(tcp.flags.truncated, false);
    assert.equal(tcp.answers.length, 60);
    const fallback = await client.query(name);
    assert.equal(fallback.answers.length, 60, 'the client asks again over TCP');
    // SRV with 60 targets: additional records beyond the size are dropped without TC.
    const srv = await client.query(`_p._tcp.${name}`, {
      type: RRType.SRV,
      udpSize: 4096,
      noTcpFallback: true,
    });
    assert.equal(srv.answers.length, 60);
    assert.equal(srv.flags.truncated, false);
    assert.ok(srv.additional.length > 0 && srv.additional.length < 60, `${srv.additional.length} additional`);
  });

  it('forwards other names upstream (skipping an upstream that answers another question)', async () => {
    for (const transport of ['udp', 'tcp'] as const) {
      const m = await client.query('www.example.com', { transport });
      assert.equal(m.rcode, Rcode.NOERROR);
      assert.equal(m.flags.authoritative, false);
      assert.deepEqual(
        m.answers.map((r) => r.data),
        [{ kind: 'A', address: '192.0.2.80' }],
      );
    }
    const nx = await client.query('nothing.example.com');
    assert.equal(nx.rcode, Rcode.NXDOMAIN);
    assert.ok(wrongAsked > 0, 'the upstream answering another question was asked too');
  });

  it('passes a truncated upstream answer to UDP clients and asks upstream over TCP for TCP clients', async () => {
    const udp = await client.query('large.example.com', { type: RRType.TXT, noTcpFallback: true });
    assert.equal(udp.flags.truncated, true);
    const tcp = await client.query('large.example.com', { type: RRType.TXT, transport: 'tcp' });
    assert.equal(tcp.flags.truncated, false);
    assert.equal(tcp.answers.length, 40);
  });

  it('follows the CNAME of an ExternalName service to the upstream answer', async () => {
    const m = await client.query('ext.apps.svc.cluster.local');
    assert.equal(m.rcode, Rcode.NOERROR);
    assert.deepEqual(
      m.answers.map((r) => [r.name, r.data]),
      [
        ['ext.apps.svc.cluster.local', { kind: 'CNAME', target: 'www.example.com' }],
        ['www.example.com', { kind: 'A', address: '192.0.2.80' }],
      ],
    );
    const cname = await client.query('ext.apps.svc.cluster.local', { type: RRType.CNAME });
    assert.equal(cname.answers.length, 1);
    const dangling = await client.query('gone.apps.svc.cluster.local');
    assert.equal(dangling.rcode, Rcode.NXDOMAIN);
    assert.equal(dangling.answers[0]?.data.kind, 'CNAME');
  });

  it('answers SERVFAIL when no upstream answers in time, and keeps serving', async () => {
    const lonely = await serve([silentAt], 300);
    try {
      const m = await query(lonely.address, 'www.example.com', { timeoutMs: 5000 });
      assert.equal(m.rcode, Rcode.SERVFAIL);
      assert.ok(
        logs.some((l) => l.startsWith('forwarding "www.example.com"')),
        logs.join('\n'),
      );
      const zone = await query(lonely.address, 'web.apps.svc.cluster.local');
      assert.equal(zone.rcode, Rcode.NOERROR);
    } finally {
      await lonely.close();
    }
    const none = await serve([]);
    try {
      assert.equal((await query(none.address, 'www.example.com')).rcode, Rcode.SERVFAIL);
    } finally {
      await none.close();
    }
  });

  it('answers zone names SERVFAIL until the view is synced, forwarding the rest meanwhile', async () => {
    synced = false;
    try {
      const s = await serve([upstream.address]);
      try {
        assert.equal((await query(s.address, 'web.apps.svc.cluster.local')).rcode, Rcode.SERVFAIL);
        assert.equal((await query(s.address, 'www.example.com')).rcode, Rcode.NOERROR);
      } finally {
        await s.close();
      }
    } finally {
      synced = true;
    }
  });

  it('answers FORMERR to malformed queries, NOTIMP and BADVERS where due, and drops non-queries', async () => {
    const good = buildQuery(0x4242, 'web.apps.svc.cluster.local', {});
    const broken = good.slice(0, good.length - 3);
    const formerr = decodeMessage(await client.sendRaw(broken));
    assert.equal(formerr.id, 0x4242);
    assert.equal(formerr.rcode, Rcode.FORMERR);
    assert.equal(formerr.flags.response, true);

    const two = encodeMessage({
      id: 0x4243,
      flags: NO_FLAGS,
      rcode: 0,
      questions: [
        { name: 'a.example', type: 1, class: 1 },
        { name: 'b.example', type: 1, class: 1 },
      ],
      answers: [],
      authority: [],
      additional: [],
    });
    assert.equal(decodeMessage(await client.sendRaw(two)).rcode, Rcode.FORMERR);

    const status = buildQuery(0x4244, 'web.apps.svc.cluster.local', {});
    status[2] = (status[2] ?? 0) | (2 << 3);
    const notimp = decodeMessage(await client.sendRaw(status));
    assert.equal(notimp.rcode, Rcode.NOTIMP);

    const v1 = decodeMessage(buildQuery(0x4245, 'web.apps.svc.cluster.local', { udpSize: 1232 }));
    const badvers = decodeMessage(
      await client.sendRaw(
        encodeMessage({
          ...v1,
          edns: {
            ...(v1.edns ?? { udpSize: 1232, extendedRcode: 0, dnssecOk: false, options: [] }),
            version: 1,
          },
        }),
      ),
    );
    assert.equal(badvers.rcode, Rcode.BADVERS);
    assert.equal(badvers.edns?.version, 0);

    const axfr = decodeMessage(await client.sendRaw(buildQuery(0x4246, ZONE, { type: RRType.AXFR })));
    assert.equal(axfr.rcode, Rcode.REFUSED);

    // A response, and a message shorter than a header, get no answer at all.
    const response = buildQuery(0x4247, 'web.apps.svc.cluster.local', {});
    response[2] = (response[2] ?? 0) | 0x80;
    await assert.rejects(client.sendRaw(response, 300), DnsTimeoutError);
    await assert.rejects(client.sendRaw(Uint8Array.from([0x42, 0x48, 1]), 300), DnsTimeoutError);
    // Still serving.
    assert.equal((await client.query('web.apps.svc.cluster.local')).rcode, Rcode.NOERROR);
  });

  it('answers several queries on one TCP connection, also when frames arrive in pieces', async () => {
    const queries = [
      buildQuery(1, 'web.apps.svc.cluster.local'),
      buildQuery(2, 'www.example.com'),
      buildQuery(3, 'nope.apps.svc.cluster.local'),
    ];
    const stream = Buffer.concat(
      queries.map((q) => {
        const f = Buffer.alloc(2 + q.length);
        f.writeUInt16BE(q.length, 0);
        f.set(q, 2);
        return f;
      }),
    );
    const answers = await new Promise<Message[]>((resolve, reject) => {
      const sock = connect({ host: at.host, port: at.port });
      const timer = setTimeout(() => {
        sock.destroy();
        reject(new Error('no answers'));
      }, 5000);
      let buf = Buffer.alloc(0);
      const got: Message[] = [];
      sock.on('connect', async () => {
        // Byte by byte for the first frame, then the rest at once.
        for (let i = 0; i < 2 + (queries[0]?.length ?? 0); i++) {
          sock.write(stream.subarray(i, i + 1));
          await new Promise((r) => setImmediate(r));
        }
        sock.write(stream.subarray(2 + (queries[0]?.length ?? 0)));
      });
      sock.on('data', (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
          got.push(decodeMessage(new Uint8Array(buf.subarray(2, 2 + buf.readUInt16BE(0)))));
          buf = buf.subarray(2 + buf.readUInt16BE(0));
        }
        if (got.length === 3) {
          clearTimeout(timer);
          sock.destroy();
          resolve(got);
        }
      });
      sock.on('error', reject);
    });
    const byId = new Map(answers.map((m) => [m.id, m.rcode]));
    assert.deepEqual([...byId.entries()].sort(), [
      [1, Rcode.NOERROR],
      [2, Rcode.NOERROR],
      [3, Rcode.NXDOMAIN],
    ]);
  });
});
