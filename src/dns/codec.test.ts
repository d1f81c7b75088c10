/** The wire codec: byte-exact encoding, compression, truncation, and malformed input. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeMessage, FormatError } from './decode.js';
import { encodeMessage } from './encode.js';
import { type Message, NO_FLAGS, type ResourceRecord, RRClass, RRType } from './message.js';
import { addressOfReverse, NameError, reverseName, toLabels } from './names.js';
import { address, cname, srv } from './records.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (h: string) => new Uint8Array(Buffer.from(h.replace(/\s+/g, ''), 'hex'));
const ascii = (s: string) => Buffer.from(s).toString('hex');

function msg(over: Partial<Message> = {}): Message {
  return {
    id: 0x1234,
    flags: { ...NO_FLAGS },
    rcode: 0,
    questions: [],
    answers: [],
    authority: [],
    additional: [],
    ...over,
  };
}

describe('encoding', () => {
  it('writes a query byte for byte', () => {
    const q = encodeMessage(
      msg({
        flags: { ...NO_FLAGS, recursionDesired: true },
        questions: [{ name: 'example.com', type: RRType.A, class: RRClass.IN }],
      }),
    );
    assert.equal(
      hex(q),
      `1234 0100 0001 0000 0000 0000 07${ascii('example')} 03${ascii('com')} 00 0001 0001`.replace(
        /\s+/g,
        '',
      ),
    );
  });

  it('compresses owner names and names inside CNAME data, case-insensitively', () => {
    const out = encodeMessage(
      msg({
        flags: { ...NO_FLAGS, response: true, authoritative: true, recursionAvailable: true },
        questions: [{ name: 'www.Example.com', type: RRType.A, class: RRClass.IN }],
        answers: [cname('www.example.com', 5, 'example.COM'), address('example.com', 5, '1.2.3.4')],
      }),
    );
    const expected = [
      '1234 8480 0001 0002 0000 0000',
      `03${ascii('www')} 07${ascii('Example')} 03${ascii('com')} 00 0001 0001`,
      // www.example.com -> pointer to the question name at offset 12
      'c00c 0005 0001 00000005 0002 c010',
      // example.com -> pointer to offset 16 (the question's second label)
      'c010 0001 0001 00000005 0004 01020304',
    ].join('');
    assert.equal(hex(out), expected.replace(/\s+/g, ''));
  });

  it('never compresses the target of an SRV record, but later names may point into it', () => {
    const out = encodeMessage(
      msg({
        questions: [{ name: '_http._tcp.web.ns.svc.cluster.local', type: RRType.SRV, class: RRClass.IN }],
        answers: [
          srv('_http._tcp.web.ns.svc.cluster.local', 5, {
            priority: 0,
            weight: 100,
            port: 80,
            target: 'web.ns.svc.cluster.local',
          }),
        ],
        additional: [address('web.ns.svc.cluster.local', 5, '10.43.0.7')],
      }),
    );
    const m = decodeMessage(out);
    assert.deepEqual(m.answers[0]?.data, {
      kind: 'SRV',
      priority: 0,
      weight: 100,
      port: 80,
      target: 'web.ns.svc.cluster.local',
    });
    const srvData = `0000 0064 0050 03${ascii('web')} 02${ascii('ns')} 03${ascii('svc')} 07${ascii('cluster')} 05${ascii('local')} 00`;
    assert.ok(hex(out).includes(srvData.replace(/\s+/g, '')), 'the SRV target is written in full');
    assert.equal(m.additional[0]?.name, 'web.ns.svc.cluster.local');
    // The additional record's owner is a 2-byte pointer (into the question): 12 header + 41 question + ...
    assert.ok(out.length < 12 + 41 + 2 * 41, `compressed message is small (${out.length} bytes)`);
  });

  it('round-trips every record kind, EDNS0 options and an extended rcode', () => {
    const records: ResourceRecord[] = [
      address('a.example', 60, '192.0.2.1'),
      address('a.example', 60, '2001:db8::1'),
      { name: 'example', type: RRType.NS, class: 1, ttl: 1, data: { kind: 'NS', target: 'ns1.example' } },
      { name: 'x.example', type: RRType.PTR, class: 1, ttl: 1, data: { kind: 'PTR', target: 'a.example' } },
      {
        name: 'example',
        type: RRType.MX,
        class: 1,
        ttl: 1,
        data: { kind: 'MX', preference: 10, exchange: 'mail.example' },
      },
      {
        name: 'example',
        type: RRType.SOA,
        class: 1,
        ttl: 5,
        data: {
          kind: 'SOA',
          mname: 'ns1.example',
          rname: 'hostmaster.example',
          serial: 4294967295,
          refresh: 7200,
          retry: 1800,
          expire: 86400,
          minimum: 5,
        },
      },
      {
        name: 'example',
        type: RRType.TXT,
        class: 1,
        ttl: 1,
        data: { kind: 'TXT', strings: ['hello world', '', 'x'.repeat(255)] },
      },
      { name: 'example', type: 99, class: 1, ttl: 1, data: { kind: 'raw', bytes: bytes('00ff10') } },
    ];
    const m = msg({
      flags: { ...NO_FLAGS, response: true, truncated: false, checkingDisabled: true, authenticData: true },
      rcode: 16,
      questions: [{ name: 'example', type: RRType.ANY, class: RRClass.IN }],
      answers: records.slice(0, 4),
      authority: records.slice(4, 6),
      additional: records.slice(6),
      edns: {
        udpSize: 1232,
        extendedRcode: 1,
        version: 0,
        dnssecOk: true,
        options: [{ code: 10, data: bytes('0102030405060708') }],
      },
    });
    const back = decodeMessage(encodeMessage(m));
    assert.deepEqual(back, m);
  });

  it('cuts an answer that does not fit at a record boundary and sets TC, keeping OPT', () => {
    const answers = Array.from({ length: 60 }, (_, i) => address('h.example', 5, `10.0.0.${i}`));
    const edns = { udpSize: 512, extendedRcode: 0, version: 0, dnssecOk: false, options: [] };
    const out = encodeMessage(
      msg({
        flags: { ...NO_FLAGS, response: true },
        questions: [{ name: 'h.example', type: RRType.A, class: 1 }],
        answers,
        edns,
      }),
      { maxSize: 512 },
    );
    assert.ok(out.length <= 512, `${out.length} bytes`);
    const m = decodeMessage(out);
    assert.equal(m.flags.truncated, true);
    assert.ok(m.answers.length > 0 && m.answers.length < 60, `${m.answers.length} answers kept`);
    assert.deepEqual(m.answers, answers.slice(0, m.answers.length));
    assert.deepEqual(m.edns, edns);
    const all = decodeMessage(
      encodeMessage(msg({ questions: m.questions, answers, edns: { ...edns, udpSize: 4096 } }), {
        maxSize: 4096,
      }),
    );
    assert.equal(all.flags.truncated, false);
    assert.equal(all.answers.length, 60);
  });

  it('drops additional records that do not fit without setting TC', () => {
    const additional = Array.from({ length: 60 }, (_, i) => address(`h${i}.example`, 5, `10.0.0.${i}`));
    const m = decodeMessage(
      encodeMessage(
        msg({
          questions: [{ name: 'h.example', type: RRType.SRV, class: 1 }],
          answers: [srv('h.example', 5, { priority: 0, weight: 1, port: 1, target: 'h0.example' })],
          additional,
        }),
        { maxSize: 512 },
      ),
    );
    assert.equal(m.flags.truncated, false);
    assert.equal(m.answers.length, 1);
    assert.ok(m.additional.length > 0 && m.additional.length < 60);
  });

  it('refuses data it cannot write', () => {
    assert.throws(() => encodeMessage(msg({ answers: [address('x', 1, '1.2.3.400')] })), /not an IPv4/);
    assert.throws(() => encodeMessage(msg({ answers: [address('x', 1, '1::2::3')] })), /not an IPv6/);
    assert.throws(
      () => encodeMessage(msg({ questions: [{ name: `${'a'.repeat(64)}.example`, type: 1, class: 1 }] })),
      NameError,
    );
  });
});

describe('names', () => {
  it('escapes dots, backslashes and unprintable bytes inside labels, and reads them back', () => {
    const raw = bytes(`0000 0000 0001 0000 0000 0000 03 612e62 02 5c00 03${ascii('com')} 00 0001 0001`);
    const m = decodeMessage(raw);
    assert.equal(m.questions[0]?.name, 'a\\.b.\\\\\\000.com');
    assert.deepEqual(
      toLabels('a\\.b.\\\\\\000.com').map((l) => hex(l)),
      ['612e62', '5c00', ascii('com')],
    );
    assert.equal(hex(encodeMessage(m)), hex(raw));
  });

  it('rejects malformed presentation names', () => {
    for (const bad of ['a..b', '.a', `${'x'.repeat(64)}.com`, `${'abcdefg.'.repeat(32)}com`, 'a\\', 'a\\999'])
      assert.throws(() => toLabels(bad), NameError, bad);
    assert.deepEqual(toLabels(''), []);
    assert.deepEqual(toLabels('.'), []);
    assert.equal(toLabels('com.').length, 1);
  });

  it('maps addresses to reverse names and back', () => {
    assert.equal(reverseName('10.43.0.10'), '10.0.43.10.in-addr.arpa');
    assert.equal(addressOfReverse('10.0.43.10.IN-ADDR.ARPA.'), '10.43.0.10');
    assert.equal(addressOfReverse('0.43.10.in-addr.arpa'), undefined);
    assert.equal(addressOfReverse('300.0.43.10.in-addr.arpa'), undefined);
    const v6 = reverseName('fd00::a:1');
    assert.equal(v6, `1.0.0.0.a.0.0.0.${'0.'.repeat(20)}0.0.d.f.ip6.arpa`);
    assert.equal(addressOfReverse(v6), 'fd00::a:1');
  });
});

describe('decoding malformed input', () => {
  const header = (qd: number, an = 0, ns = 0, ar = 0) =>
    [0x12, 0x34, 0x01, 0x00, 0, qd, 0, an, 0, ns, 0, ar].map((b) => b.toString(16).padStart(2, '0')).join('');
  const question = `07${ascii('example')} 03${ascii('com')} 00 0001 0001`;
  const cases: [string, string][] = [
    ['a short header', '1234 0100 0001'],
    ['a question cut short', `${header(1)} 07${ascii('exam')}`],
    ['a missing question type', `${header(1)} 03${ascii('com')} 00`],
    ['a pointer to itself', `${header(1)} c00c 0001 0001`],
    ['a pointer forwards', `${header(1)} c00e 0001 0001 00`],
    ['a two-pointer loop', `${header(1)} 01 61 c00c 0001 0001`],
    ['a pointer past the end', `${header(1)} c0`],
    ['an extended label type', `${header(1)} 41 00 0001 0001`],
    ['a name over 255 bytes', `${header(1)} ${`3f${'61'.repeat(63)}`.repeat(4)} 00 0001 0001`],
    ['record data past the end', `${header(1, 1)} ${question} c00c 0001 0001 00000005 0010 0102`],
    ['an A record of 5 bytes', `${header(1, 1)} ${question} c00c 0001 0001 00000005 0005 0102030405`],
    [
      'a CNAME whose name overruns its data',
      `${header(1, 1)} ${question} c00c 0005 0001 00000005 0001 03616263 00`,
    ],
    ['a TXT string overrunning its record', `${header(1, 1)} ${question} c00c 0010 0001 00000005 0002 0561`],
    [
      'two OPT records',
      `${header(1, 0, 0, 2)} ${question} 00 0029 1000 00000000 0000 00 0029 1000 00000000 0000`,
    ],
    ['OPT in the answer section', `${header(1, 1)} ${question} 00 0029 1000 00000000 0000`],
    ['OPT with a non-root owner', `${header(1, 0, 0, 1)} ${question} c00c 0029 1000 00000000 0000`],
    [
      'an EDNS option overrunning OPT',
      `${header(1, 0, 0, 1)} ${question} 00 0029 1000 00000000 0004 000a 0008`,
    ],
    [
      'more records than the message holds',
      `${header(1, 3)} ${question} c00c 0001 0001 00000005 0004 01020304`,
    ],
  ];
  for (const [what, h] of cases) {
    it(`throws FormatError for ${what}`, () => {
      assert.throws(() => decodeMessage(bytes(h)), FormatError);
    });
  }

  it('only ever throws FormatError for mutated and cut messages (seeded fuzzing)', () => {
    const base = encodeMessage(
      msg({
        questions: [{ name: 'web.default.svc.cluster.local', type: RRType.SRV, class: 1 }],
        answers: [
          srv('web.default.svc.cluster.local', 5, {
            priority: 0,
            weight: 50,
            port: 80,
            target: 'a.web.default.svc.cluster.local',
          }),
          cname('x.default.svc.cluster.local', 5, 'web.default.svc.cluster.local'),
        ],
        additional: [address('a.web.default.svc.cluster.local', 5, '10.42.0.5')],
        edns: { udpSize: 1232, extendedRcode: 0, version: 0, dnssecOk: false, options: [] },
      }),
    );
    let seed = 42;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    let decoded = 0;
    let rejected = 0;
    for (let i = 0; i < 3000; i++) {
      const m = base.slice(0, i % 7 === 0 ? rand(base.length) : base.length);
      for (let k = 0; k < 1 + rand(4); k++) if (m.length > 0) m[rand(m.length)] = rand(256);
      try {
        decodeMessage(m);
        decoded++;
      } catch (err) {
        assert.ok(err instanceof FormatError, `iteration ${i}: ${(err as Error).stack}`);
        rejected++;
      }
    }
    assert.ok(decoded > 0 && rejected > 0, `decoded ${decoded}, rejected ${rejected}`);
  });
});
